// The rules of `notify:` the schema cannot say, reported at the node they are about.
import type { ConfigIssue } from '../config/configPath';
import { checkDuration, parseDurationMs } from '../config/values';
import { MAX_WEBHOOK_TIMEOUT_MS } from './webhookSpec';

export function checkNotify(notify: unknown): ConfigIssue[] {
  if (!Array.isArray(notify)) return [];
  const issues: ConfigIssue[] = [];
  const variables = new Map<string, number>();
  notify.forEach((item: unknown, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return;
    const hook = item as Record<string, unknown>;
    if (typeof hook.timeout === 'string' && checkDuration(hook.timeout) === undefined && parseDurationMs(hook.timeout) > MAX_WEBHOOK_TIMEOUT_MS) {
      issues.push({ path: ['notify', index, 'timeout'], message: `a webhook timeout is at most ${MAX_WEBHOOK_TIMEOUT_MS / 1000}s: a notification never holds a stage up for long` });
    }
    if (typeof hook.url === 'string' && /^env:[A-Za-z_][A-Za-z0-9_]*$/.test(hook.url)) {
      const first = variables.get(hook.url);
      if (first !== undefined) issues.push({ path: ['notify', index, 'url'], message: `${hook.url} is also the url of notify[${first}]: each webhook would be told twice` });
      else variables.set(hook.url, index);
    }
  });
  return issues;
}
