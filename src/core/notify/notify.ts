// Tells the config's webhooks about a moment of a release: a stage's result, a pause point, an
// automatic rollback. Never fails the stage: every failure is a warning through ctx.progress,
// naming the webhook by its variable (`notify[0] (env:TEAM_HOOK)`), never by its URL.
import type { RouterState } from '../model';
import { currentState, readRouters } from '../fleet/readRouters';
import type { StageContext } from '../stages/stageContext';
import { NotifyBody, NotifyInput, buildNotifyBody, eventOf } from './notifyBody';
import { WebhookFailure, postJson } from './sendWebhook';
import { webhookLabel } from './webhookSpec';

export type NotifyMoment = Omit<NotifyInput, 'environment' | 'actor' | 'time' | 'state'>;

export interface NotifyOptions {
  /** Where `env:NAME` is looked up (tests give their own). */
  environ?: NodeJS.ProcessEnv;
  /** The routers' state when the caller already has it (saves a read). */
  state?: RouterState;
}

/** What was sent: one entry per webhook the event matched. */
export interface NotifyOutcome {
  body?: NotifyBody;
  sent: Array<{ webhook: string; ok: boolean; error?: string }>;
}

export async function notify(ctx: StageContext, moment: NotifyMoment, options: NotifyOptions = {}): Promise<NotifyOutcome> {
  try {
    return await send(ctx, moment, options);
  } catch (error) {
    // Nothing here may fail a stage: an unexpected fault is one more warning.
    ctx.progress(`warning: notification not sent: ${(error as Error).message}`);
    return { sent: [] };
  }
}

async function send(ctx: StageContext, moment: NotifyMoment, options: NotifyOptions): Promise<NotifyOutcome> {
  const webhooks = (ctx.handle.config.notify ?? [])
    .map((spec, index) => ({ spec, label: webhookLabel(spec, index) }))
    .filter(({ spec }) => spec.events.includes(eventOf(moment)));
  if (!webhooks.length) return { sent: [] };
  if (ctx.handle.plan) {
    // A dry run tells nobody; it says who would be told.
    ctx.handle.plan.note(`would notify ${webhooks.map((w) => w.label).join(', ')} (${eventOf(moment)})`);
    return { sent: [] };
  }
  const environ = options.environ ?? process.env;
  const state = options.state ?? await readState(ctx);
  const body = buildNotifyBody({ ...moment, environment: ctx.handle.env.name, actor: ctx.actor, time: new Date().toISOString(), state });
  const sent = await Promise.all(webhooks.map(async ({ spec, label }) => {
    const url = environ[spec.urlVariable];
    if (!url) {
      ctx.progress(`warning: ${label} not notified: the environment variable ${spec.urlVariable} is not set`);
      return { webhook: label, ok: false, error: `${spec.urlVariable} is not set` };
    }
    try {
      await postJson(url.trim(), body, { timeoutMs: spec.timeoutMs, signal: ctx.signal });
      return { webhook: label, ok: true };
    } catch (error) {
      // WebhookFailure messages never carry the URL; anything else is described generically.
      const reason = error instanceof WebhookFailure ? error.message : safeReason(error);
      ctx.progress(`warning: ${label} not notified of ${body.event} "${body.stage}": ${reason} (the stage is not affected)`);
      return { webhook: label, ok: false, error: reason };
    }
  }));
  return { body, sent };
}

function safeReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code ? `request failed (${code})` : 'request failed';
}

/** The live plan and versions; undefined (and the body says null) when the routers cannot be read. */
async function readState(ctx: StageContext): Promise<RouterState | undefined> {
  try {
    return currentState(await readRouters(ctx.handle.routers)).state;
  } catch {
    return undefined;
  }
}
