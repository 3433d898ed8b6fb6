// After users are moved off a color (drain, a switch away from it), the requests it was already
// serving still run. Wait for them — up to traffic.drainTimeout — so that a deploy right after
// cuts none, and say how many were still open when the wait ended. Counted on every router from
// its connections to the color's app hosts (traffic/inFlight.ts).
import { Color } from '../model';
import { Upstream, countInFlight, parseUpstreamConnections } from '../traffic/inFlight';
import { UPSTREAM_CONNECTIONS_SEPARATOR, upstreamConnectionsCommand } from '../hostCommands/routerCommands';
import { runHostCommand } from '../hostCommands/run';
import { StageContext } from './stageContext';

const POLL_MS = 250;
const REPORT_EVERY_MS = 2000;

export interface InFlightOutcome {
  /** Requests still in flight when the wait ended (0: the color is quiet). */
  open: number;
  waitedMs: number;
  /** Routers that could not be counted, each with why. */
  uncounted: string[];
}

function upstreamsOf(ctx: StageContext, color: Color): Upstream[] {
  const { config, topology } = ctx.handle;
  return config.apps.flatMap((app) => (topology.colors[color][app.name] ?? [])
    .map((host) => ({ address: topology.addresses[host] ?? host, port: app.port })));
}

const isIpAddress = (text: string) => /^[\d.]+$/.test(text) || text.includes(':');

/** Counts on every router at once; a router that cannot be counted is named, not guessed. */
async function countOnRouters(ctx: StageContext, upstreams: Upstream[]): Promise<{ open: number; uncounted: string[] }> {
  const command = upstreamConnectionsCommand(upstreams.map((u) => u.port), [...new Set(upstreams.map((u) => u.address).filter((a) => !isIpAddress(a)))]);
  const counts = await Promise.all(ctx.handle.routers.map(async (router) => {
    try {
      const result = await runHostCommand(router.transport, command, { signal: ctx.signal });
      if (result.code === 127) return { router: router.name, why: 'it has no `ss` (Debian package iproute2)' };
      if (result.code !== 0) return { router: router.name, why: `\`ss\` failed (exit ${result.code}): ${result.stderr.trim().split('\n')[0]}` };
      return { router: router.name, open: countInFlight(parseUpstreamConnections(result.stdout, UPSTREAM_CONNECTIONS_SEPARATOR), upstreams) };
    } catch (error) {
      return { router: router.name, why: (error as Error).message.split('\n')[0] };
    }
  }));
  return {
    open: counts.reduce((sum, c) => sum + (c.open ?? 0), 0),
    uncounted: counts.filter((c) => c.why).map((c) => `${c.router}: ${c.why}`),
  };
}

/** Waits until no router has a request in flight to `color`, or until traffic.drainTimeout. */
export async function waitForInFlight(ctx: StageContext, color: Color): Promise<InFlightOutcome> {
  const timeoutMs = ctx.handle.config.traffic.drainTimeoutSeconds * 1000;
  const upstreams = upstreamsOf(ctx, color);
  if (ctx.handle.plan) {
    // A dry run counts once (a read, so it runs) and says what the real run would do with it.
    const { open, uncounted } = await countOnRouters(ctx, upstreams);
    ctx.handle.plan.note(open
      ? `would wait up to ${timeoutMs / 1000}s for the ${open} request(s) in flight on ${color} to finish`
      : `would find no request in flight on ${color} (counted now), so it would not wait`);
    return { open: 0, waitedMs: 0, uncounted };
  }
  const started = Date.now();
  let lastReport = 0;
  for (;;) {
    const { open, uncounted } = await countOnRouters(ctx, upstreams);
    const waitedMs = Date.now() - started;
    if (open === 0 || waitedMs >= timeoutMs || ctx.signal?.aborted) return { open, waitedMs, uncounted };
    if (Date.now() - lastReport >= REPORT_EVERY_MS) {
      ctx.progress(`waiting for ${open} request(s) in flight on ${color} (${Math.round(waitedMs / 1000)}s of ${timeoutMs / 1000}s)`);
      lastReport = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The stage's words for the outcome: a progress line, and warnings when requests were left open or uncounted. */
export function describeInFlight(color: Color, outcome: InFlightOutcome): { line: string; warnings: string[] } {
  const warnings = outcome.uncounted.map((why) => `requests in flight on ${color} not counted on ${why}`);
  if (outcome.open > 0) {
    warnings.unshift(`${outcome.open} request(s) were still in flight on ${color} after ${Math.round(outcome.waitedMs / 1000)}s (traffic.drainTimeout): a deploy to ${color} now may cut them`);
    return { line: `${outcome.open} request(s) still in flight on ${color}`, warnings };
  }
  return { line: `no request in flight on ${color}${outcome.waitedMs >= 1000 ? ` (waited ${(outcome.waitedMs / 1000).toFixed(1)}s)` : ''}`, warnings };
}
