// The JSON document a webhook receives. Pure: the caller gives what happened and what the routers
// carry; this says it in one stable shape (docs/config.md, `notify`), with a `text` line for chat
// tools (Slack and Mattermost show `text` as the message).
import type { Color, NotifyEvent, RouterState, TrafficPlan } from '../model';
import { describePlan } from '../router/describePlan';

export type NotifyKind = 'stage' | 'pause' | 'rollback';

export interface NotifyInput {
  kind: NotifyKind;
  environment: string;
  /** The stage label, as in the audit log: `canary green --segment mobile (release 2.0.0, step 4)`. */
  stage: string;
  /** A stage's result; `paused` at a pause point; `rolled back` after an automatic rollback. */
  result: 'ok' | 'failed' | 'refused' | 'paused' | 'rolled back';
  actor: string;
  /** ISO 8601. */
  time: string;
  detail?: string;
  /** What the routers carry after the event; undefined when they could not be read. */
  state?: RouterState;
}

export interface NotifyBody {
  /** Which kind of moment this is: a stage's result, a pause point, an automatic rollback. */
  event: NotifyKind;
  environment: string;
  stage: string;
  result: NotifyInput['result'];
  /** The traffic plan live after the event (null when the routers could not be read). */
  plan: TrafficPlan | null;
  /** The version each color runs, per app (null when the routers could not be read). */
  versions: Record<Color, Record<string, string>> | null;
  /** The router state's serial the plan and versions come from. */
  serial: number | null;
  actor: string;
  time: string;
  detail: string | null;
  /** One line for people: what happened, where, and where users are now. */
  text: string;
}

/** The `events:` filter entry an input answers to. */
export function eventOf(input: Pick<NotifyInput, 'kind' | 'result'>): NotifyEvent {
  if (input.kind === 'pause') return 'pause';
  if (input.kind === 'rollback') return 'rollback';
  return input.result === 'ok' || input.result === 'refused' ? input.result : 'failed';
}

export function buildNotifyBody(input: NotifyInput): NotifyBody {
  const plan = input.state ? copyPlan(input.state.plan) : null;
  const versions = input.state
    ? { blue: { ...input.state.versions.blue }, green: { ...input.state.versions.green } }
    : null;
  return {
    event: input.kind,
    environment: input.environment,
    stage: input.stage,
    result: input.result,
    plan,
    versions,
    serial: input.state?.serial ?? null,
    actor: input.actor,
    time: input.time,
    detail: input.detail ?? null,
    text: summaryLine(input, plan),
  };
}

function copyPlan(plan: TrafficPlan): TrafficPlan {
  return { weights: { blue: plan.weights.blue, green: plan.weights.green }, segments: plan.segments.map((s) => ({ name: s.name, color: s.color })) };
}

function summaryLine(input: NotifyInput, plan: TrafficPlan | null): string {
  const where = `[${input.environment}]`;
  const users = plan ? ` — users: ${describePlan(plan)}` : '';
  const detail = input.detail ? `: ${input.detail}` : '';
  switch (input.kind) {
    case 'pause':
      return `${where} release paused at "${input.stage}"${detail}${users} (by ${input.actor})`;
    case 'rollback':
      return `${where} rolled back automatically during ${input.stage}${detail}${users}`;
    default:
      return `${where} ${input.stage}: ${input.result}${detail}${users} (by ${input.actor})`;
  }
}
