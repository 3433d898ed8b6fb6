// verify <color>: health on every host of the color, then the config's smoke requests through
// every router with the preview rule forcing that color — the path real users will take, tried
// before any of them is sent there. Success is recorded so a later switch does not warn.
import { Color, SmokeCheck } from '../model';
import { StageError } from '../errors';
import { shellQuote } from '../transport';
import { RouterHandle } from '../fleet/routerHandle';
import { changeTraffic } from './changeTraffic';
import { checkColorHealth, describeUnhealthy } from './health';
import { StageContext, StageResult } from './stageContext';

export interface SmokeOutcome {
  router: string;
  path: string;
  ok: boolean;
  detail: string;
}

/** curl on the router itself: status, the color that answered, and the body. */
export function smokeCommand(port: number, check: SmokeCheck, previewHeader: string, color: Color): string {
  const url = `http://127.0.0.1:${port}${check.path}`;
  return `curl -s -m 10 -D - -H ${shellQuote(`${previewHeader}: ${color}`)} ${shellQuote(url)} 2>&1 | head -c 65536`;
}

export function judgeSmoke(output: string, check: SmokeCheck, color: Color): { ok: boolean; detail: string } {
  const status = Number(/^HTTP\/[\d.]+ (\d{3})/m.exec(output)?.[1] ?? 0);
  const served = /^x-bluegreen-color:\s*(\S+)/im.exec(output)?.[1];
  if (!status) return { ok: false, detail: `no HTTP answer (${output.trim().split('\n')[0] || 'empty'})` };
  if (status !== check.expect) return { ok: false, detail: `answered ${status}, expected ${check.expect}` };
  if (served && served !== color) return { ok: false, detail: `served by ${served}, not ${color}: the preview rule did not hold` };
  if (check.contains && !output.includes(check.contains)) return { ok: false, detail: `body lacks "${check.contains}"` };
  return { ok: true, detail: `${status}${served ? ` from ${served}` : ''}` };
}

export async function verify(ctx: StageContext, color: Color): Promise<StageResult> {
  const started = Date.now();
  const { handle } = ctx;
  const stage = `verify ${color}`;
  ctx.progress(`checking ${color} health on every host`);
  const health = await checkColorHealth(handle, color);
  if (!health.healthy) throw new StageError(describeUnhealthy(health), `deploy a working version to ${color}`);

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
      `no user traffic was moved; fix ${color} and verify again`,
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
  const command = smokeCommand(ctx.handle.routerPort, check, ctx.handle.config.traffic.preview.header, color);
  try {
    const result = await router.transport.exec(command, { timeoutMs: 15_000 });
    return { router: router.name, path: check.path, ...judgeSmoke(result.stdout, check, color) };
  } catch (error) {
    return { router: router.name, path: check.path, ok: false, detail: (error as Error).message };
  }
}
