// verify <color>: health on every host of the color — answered by the app the supervisor started,
// on the release it reports (appProbe.ts) — then the config's smoke requests through every router
// with the preview rule forcing that color, each router naming the color it sent them to: the path
// real users will take, tried before any of them is sent there. Success is recorded so a later
// switch does not warn.
import { Color, SmokeCheck } from '../model';
import { StageError } from '../errors';
import { smokeRequestCommand } from '../hostCommands/routerCommands';
import { localRequest } from '../router/localRequest';
import { runHostCommand } from '../hostCommands/run';
import { ROUTED_COLOR_HEADER } from '../router/baseConfig';
import { RouterHandle } from '../fleet/routerHandle';
import { changeTraffic } from './changeTraffic';
import { checkColorHealth, describeUnhealthy, unhealthyHint } from './health';
import { StageContext, StageResult } from './stageContext';

export interface SmokeOutcome {
  router: string;
  path: string;
  ok: boolean;
  detail: string;
}

/** Set on a smoke outcome whose router predates the routed-color header: the routers need updating. */
export const OUTDATED_ROUTER = 'the router did not name the color it sent this preview request to';

export function judgeSmoke(output: string, check: SmokeCheck, color: Color): { ok: boolean; detail: string } {
  const status = Number(/^HTTP\/[\d.]+ (\d{3})/m.exec(output)?.[1] ?? 0);
  // The router's word on which color served (an upstream cannot set it); the app's own header
  // is checked too when it sends one, but an app that knows nothing of the product sends none.
  const routed = new RegExp(`^${ROUTED_COLOR_HEADER}:\\s*(\\S+)`, 'im').exec(output)?.[1];
  const served = /^x-bluegreen-color:\s*(\S+)/im.exec(output)?.[1];
  if (!status) return { ok: false, detail: `no HTTP answer (${output.trim().split('\n')[0] || 'empty'})` };
  if (status !== check.expect) return { ok: false, detail: `answered ${status}, expected ${check.expect}` };
  if (!routed) return { ok: false, detail: `${OUTDATED_ROUTER} (no ${ROUTED_COLOR_HEADER} header)` };
  if (routed !== color) return { ok: false, detail: `the router sent it to ${routed}, not ${color}: the preview rule did not hold` };
  if (served && served !== color) return { ok: false, detail: `served by ${served}, not ${color}: the app on ${color}'s hosts says it is ${served}` };
  if (check.contains && !output.includes(check.contains)) return { ok: false, detail: `body lacks "${check.contains}"` };
  return { ok: true, detail: `${status} from ${routed}` };
}

export async function verify(ctx: StageContext, color: Color): Promise<StageResult> {
  const started = Date.now();
  const { handle } = ctx;
  const stage = `verify ${color}`;
  ctx.progress(`checking ${color} health on every host`);
  const health = await checkColorHealth(handle, color);
  if (!health.healthy) throw new StageError(describeUnhealthy(health), unhealthyHint(health, `deploy a working version to ${color}`));

  const smoke: SmokeOutcome[] = [];
  for (const router of handle.routers) {
    for (const check of handle.config.smoke) {
      smoke.push(await runSmoke(ctx, router, check, color));
    }
  }
  const failed = smoke.filter((s) => !s.ok);
  if (failed.length) {
    throw new StageError(
      `smoke checks failed for ${color}:\n${failed.map((f) => `  ${f.router} ${f.path}: ${f.detail}`).join('\n')}`,
      failed.some((f) => f.detail.startsWith(OUTDATED_ROUTER))
        ? 'update the routers\' base config: `bluegreen hosts setup` on real hosts, `bluegreen sandbox up` in the sandbox; then verify again'
        : `no user traffic was moved; fix ${color} and verify again`,
    );
  }
  await changeTraffic(ctx, {
    stage,
    skipHealthGate: true,
    noConfirm: true,
    plan: (current) => current.plan,
    amend: (next) => ({ ...next, checks: { ...next.checks, [color]: { ...next.checks?.[color], verifiedAt: next.changedAt } } }),
  });
  const versions = Object.entries(health.versions).map(([app, v]) => `${app} ${v.join(',')}`).join(', ');
  return {
    stage,
    summary: `${color} verified: ${health.hosts.length} host check(s) healthy, ${smoke.length} smoke request(s) passed (${versions})`,
    warnings: [],
    durationMs: Date.now() - started,
    details: { health, smoke },
  };
}

async function runSmoke(ctx: StageContext, router: RouterHandle, check: SmokeCheck, color: Color): Promise<SmokeOutcome> {
  // curl on the router itself: status, the color that answered, and the body.
  // A dry run that has planned a change on this router assumes the check passes.
  const assumed = `HTTP/1.1 ${check.expect} (assumed by the dry run)\r\n${ROUTED_COLOR_HEADER}: ${color}\r\n\r\n${check.contains ?? ''}`;
  const command = smokeRequestCommand(localRequest(ctx.handle.site, check.path), ctx.handle.config.traffic.preview.header, color, assumed);
  try {
    const result = await runHostCommand(router.transport, command);
    return { router: router.name, path: check.path, ...judgeSmoke(result.stdout, check, color) };
  } catch (error) {
    return { router: router.name, path: check.path, ok: false, detail: (error as Error).message };
  }
}
