// The `notify:` list of bluegreen.yaml: webhooks told about stage results, pause points and
// automatic rollbacks. A webhook URL is a secret (it carries the token that lets anyone post to
// the channel), so the file only names the environment variable that holds it, as `database.url`
// does; the URL itself is read when a notification is sent and is never logged.
import { checkEnvReference, parseDurationMs } from '../config/values';
import type { ValueCheck } from '../config/values';
import type { NotifyEvent, WebhookSpec } from '../model';

export type { NotifyEvent, WebhookSpec } from '../model';

/** Every event, in the order the docs list them; a webhook without `events:` gets them all. */
export const NOTIFY_EVENTS: readonly NotifyEvent[] = ['ok', 'failed', 'refused', 'pause', 'rollback'];

export const DEFAULT_WEBHOOK_TIMEOUT = '5s';
/** A notification never holds a stage up for long: the timeout is capped. */
export const MAX_WEBHOOK_TIMEOUT_MS = 60_000;

/** The raw `notify:` item, as the schema has already shaped it. */
export interface RawWebhook {
  url: string;
  events?: NotifyEvent[];
  timeout?: string;
}

/**
 * `url:` of a webhook: `env:NAME`. A literal URL is refused with the way to keep it out of the
 * file; the message never repeats the value, so the secret is not echoed into a terminal or CI log.
 */
export const checkWebhookUrl: ValueCheck = (value) => {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value.trim())) {
    return 'a webhook URL is a secret and does not go in the file: put it in an environment variable and write url: env:NAME (e.g. env:TEAM_WEBHOOK_URL)';
  }
  return checkEnvReference(value);
};

/** The name in `env:NAME`. */
export function envVariableOf(reference: string): string {
  return reference.replace(/^env:/, '');
}

export function toWebhookSpecs(raw: RawWebhook[] | undefined): WebhookSpec[] {
  return (raw ?? []).map((hook) => ({
    urlVariable: envVariableOf(hook.url),
    events: hook.events?.length ? [...new Set(hook.events)] : [...NOTIFY_EVENTS],
    timeoutMs: parseDurationMs(hook.timeout ?? DEFAULT_WEBHOOK_TIMEOUT),
  }));
}

/** How a webhook is named in warnings: by its variable, never by its URL. */
export function webhookLabel(spec: WebhookSpec, index: number): string {
  return `notify[${index}] (env:${spec.urlVariable})`;
}
