// `bluegreen rehearse`: the whole release, end to end, in the local sandbox, under load.
import { Command, Option } from 'commander';
import { rehearse, formatRehearsal } from '../../core/rehearsal/rehearse';
import { StageError } from '../../core/errors';
import { CommandContext, loadConfigOrThrow } from '../context';
import { parseInteger, parseShare } from '../numbers';

export function registerRehearse(program: Command, ctx: CommandContext): void {
  program.command('rehearse').description('rehearse a full release in the sandbox: up, then the runbook for the next version under simulated users, with a report')
    .option('--version <version>', 'the version to release (default: the current one, bumped)')
    .option('--rps <n>', 'simulated requests per second through the routers (default 200; 5 for --scenario zombies)')
    .option('--mobile-share <share>', 'share of mobile users, 0–1', '0.3')
    .addOption(new Option('--scenario <name>', 'rehearse a failure: zombies = the next version leaks database connections; the gate must stop it').choices(['zombies']))
    .action(async (options: { version?: string; rps?: string; mobileShare: string; scenario?: 'zombies' }) => {
      const globals = ctx.globals();
      const out = ctx.output();
      const rps = options.rps === undefined ? undefined : parseInteger(options.rps, '--rps', 1, 5000);
      const mobileShare = parseShare(options.mobileShare, '--mobile-share');
      const config = await loadConfigOrThrow(globals.config);
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort(new Error('interrupted')));
      const report = await rehearse(config, { envName: globals.env, version: options.version, rps, mobileShare, progress: (l) => out.progress(l), signal: controller.signal, scenario: options.scenario });
      out.result(report, formatRehearsal(report));
      if (report.scenario) {
        if (!report.scenarioPassed) throw new StageError(`scenario "${report.scenario}" failed: ${report.error ?? 'the release went through'}`);
        return;
      }
      if (!report.ok) throw new StageError(`the rehearsal stopped: ${report.error}`);
      // The result is printed; the exit code says whether users lost requests (main sets it).
      if (report.traffic.failed) {
        throw new StageError(`the release went through, but ${report.traffic.failed} of ${report.traffic.sent} simulated requests failed`,
          'see the traffic line of the report above (5xx, connection, timeout); docs/benchmarks.md says where losses come from');
      }
    });
}
