// `bluegreen traffic`: simulated web and mobile users at a fixed rate over every router, counting
// failures raw (status ≥ 500, connection errors, no answer within 5 s) — no retries.
import { Command } from 'commander';
import { TrafficGenerator, TrafficSnapshot } from '../../core/traffic/trafficGenerator';
import { routerUrls } from '../../core/environment/routerUrls';
import { CommandContext } from '../context';
import { withStageSession } from '../stageSession';
import { parseInteger, parseShare } from '../numbers';

interface TrafficOptions { rps: string; mobileShare: string; duration: string; target?: string[]; noKeepAlive?: boolean; keepAlive: boolean }

export function formatTraffic(s: TrafficSnapshot): string {
  return `sent ${s.sent}, ok ${s.ok}, failed ${s.failed} (5xx ${s.failures.status}, connection ${s.failures.connection}, timeout ${s.failures.timeout}, overflow ${s.failures.overflow}); `
    + `blue ${s.byColor.blue.ok + s.byColor.blue.failed}, green ${s.byColor.green.ok + s.byColor.green.failed}; ${s.achievedRps.toFixed(0)} req/s`;
}

export function registerTraffic(program: Command, ctx: CommandContext): void {
  program.command('traffic').description('send simulated web and mobile users through every router at a fixed rate')
    .option('--rps <n>', 'requests per second', '200')
    .option('--mobile-share <share>', 'share of mobile users, 0–1', '0.3')
    .option('--duration <seconds>', 'how long to run', '60')
    .option('--target <url...>', 'router URLs (default: the environment\'s routers)')
    .option('--no-keep-alive', 'a fresh connection per request')
    .action(async (options: TrafficOptions) => {
      const rps = parseInteger(options.rps, '--rps', 1, 20_000);
      const mobileShare = parseShare(options.mobileShare, '--mobile-share');
      const seconds = parseInteger(options.duration, '--duration', 1, 3600);
      await withStageSession(ctx, {}, async (_stage, handle) => {
        const out = ctx.output();
        const targets = options.target?.length ? options.target : await routerUrls(handle);
        out.progress(`sending ${rps} req/s (${Math.round(mobileShare * 100)}% mobile) to ${targets.join(', ')} for ${seconds} s`);
        const generator = new TrafficGenerator({ targets, rps, mobileShare, keepAlive: options.keepAlive, maxInFlight: Math.ceil(rps * 6), durationMs: seconds * 1000, progressIntervalMs: 5000 });
        generator.on('progress', (s: TrafficSnapshot) => out.progress(formatTraffic(s)));
        process.once('SIGINT', () => { void generator.stop(); });
        const final = await generator.start();
        out.result(final, formatTraffic(final));
        if (final.failed) process.exitCode = 1;
      });
    });
}
