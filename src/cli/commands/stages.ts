// The release stages as top-level commands: status, drain, deploy, verify, canary, switch,
// restore, rollback, release. Each one is a line here and a function in src/core/stages.
import { Command, Option } from 'commander';
import { BluegreenConfig, COLORS, Color, VERSION_PATTERN } from '../../core/model';
import { InputError } from '../../core/errors';
import { StageContext, StageResult } from '../../core/stages/stageContext';
import { runStage } from '../../core/stages/runStage';
import { readStatus, formatStatus } from '../../core/stages/status';
import { drain } from '../../core/stages/drain';
import { deploy } from '../../core/stages/deploy';
import { verify } from '../../core/stages/verify';
import { canary, canaryPlan } from '../../core/stages/canary';
import { switchTo } from '../../core/stages/switch';
import { restore } from '../../core/stages/restore';
import { ROLLBACK_MEANING, rollback } from '../../core/stages/rollback';
import { release, describeStep } from '../../core/stages/release';
import { CommandContext } from '../context';
import { withStageSession } from '../stageSession';
import { parseInteger } from '../numbers';
import { printableLine } from '../../core/printable';

function parseColor(value: string): Color {
  if (!COLORS.includes(value as Color)) throw new InputError(`unknown color "${printableLine(value)}"`, 'colors are blue and green');
  return value as Color;
}

export function registerStages(program: Command, ctx: CommandContext): void {
  const verbose = new Option('-v, --verbose', 'print every host command and its output');

  /**
   * A stage command: `prepare` checks the input against the config and names the stage before
   * anything is locked or audited, so bad input (exit 2) leaves no trace on the routers.
   */
  type Prepared = { label: string; body: (stage: StageContext) => Promise<StageResult> };
  const run = (prepare: (args: string[], options: Record<string, unknown>, config: BluegreenConfig) => Prepared, force = false) =>
    async (...raw: unknown[]) => {
      const command = raw[raw.length - 1] as Command;
      const options = command.opts();
      await withStageSession(ctx, { force: force && Boolean(options.force), verbose: Boolean(options.verbose) }, async (stage, handle) => {
        const { label, body } = prepare(command.args, options, handle.config);
        const result = await runStage(stage, label, () => body(stage));
        printResult(ctx, result);
      });
    };

  program.command('status').description('what the routers carry, each color\'s health and version, the lock')
    .addOption(verbose)
    .action(async (options: { verbose?: boolean }) => {
      await withStageSession(ctx, { verbose: options.verbose }, async (_stage, handle) => {
        const status = await readStatus(handle);
        ctx.output().result(status, formatStatus(status));
      });
    });

  program.command('drain').description('send every user to the other color').argument('<color>', 'blue or green')
    .addOption(verbose)
    .action(run(([c]) => {
      const color = parseColor(c);
      return { label: `drain ${color}`, body: (s) => drain(s, color) };
    }));

  program.command('deploy').description('build, ship and start a version on every host of an idle color')
    .argument('<color>', 'blue or green').argument('<version>', 'the version to deploy')
    .option('--force', 'deploy even though the color has live traffic')
    .addOption(verbose)
    .action(run(([c, v]) => {
      const color = parseColor(c);
      const version = parseVersion(v);
      return { label: `deploy ${color} ${version}`, body: (s) => deploy(s, color, version) };
    }, true));

  program.command('verify').description('health on every host and the smoke requests through every router, with the preview rule')
    .argument('<color>', 'blue or green').addOption(verbose)
    .action(run(([c]) => {
      const color = parseColor(c);
      return { label: `verify ${color}`, body: (s) => verify(s, color) };
    }));

  program.command('canary').description('send a slice of users (a percentage or a segment) to a color, then watch it and roll back on a breach')
    .argument('<color>', 'blue or green')
    .option('--percent <n>', 'share of users, 0–100')
    .option('--segment <name>', 'a segment from traffic.segments, e.g. mobile')
    .option('--no-analysis', 'do not watch the access log afterwards')
    .option('--window <seconds>', 'how long to watch (default: traffic.canary.window)')
    .addOption(verbose)
    .action(run(([c], o, config) => {
      const color = parseColor(c);
      const options = {
        percent: o.percent === undefined ? undefined : parseInteger(String(o.percent), '--percent', 0, 100),
        segment: o.segment as string | undefined,
        analyze: o.analysis !== false,
        windowSeconds: o.window === undefined ? undefined : parseInteger(String(o.window), '--window', 1, 7 * 24 * 3600),
      };
      canaryPlan(color, options, config.traffic.segments.map((seg) => seg.name)); // throws InputError on bad input
      const label = `canary ${color} ${options.segment !== undefined ? `--segment ${options.segment}` : `--percent ${options.percent}`}`;
      return { label, body: (s) => canary(s, color, options) };
    }));

  program.command('switch').description('send every user to a color').argument('<color>', 'blue or green').addOption(verbose)
    .action(run(([c]) => {
      const color = parseColor(c);
      return { label: `switch ${color}`, body: (s) => switchTo(s, color) };
    }));

  program.command('restore').description('put traffic.initial back on every router').addOption(verbose)
    .action(run(() => ({ label: 'restore', body: (s) => restore(s) })));

  program.command('rollback').description(`move ${ROLLBACK_MEANING}; a second rollback goes further back, or says there is none`).addOption(verbose)
    .action(run(() => ({ label: 'rollback', body: (s) => rollback(s) })));

  program.command('release').description('walk the runbook in the config for a version, stopping at pause points')
    .argument('<version>', 'the version to release')
    .option('--from <step>', 'resume at this step (1-based)')
    .addOption(verbose)
    .action(async (version: string, options: { from?: string; verbose?: boolean }) => {
      await withStageSession(ctx, { verbose: options.verbose }, async (stage, handle) => {
        const from = options.from === undefined ? 1 : parseInteger(options.from, '--from', 1, Math.max(1, handle.config.release.length));
        const results = await release(stage, parseVersion(version), { from });
        const text = results.map((r, i) => `${String(i + from).padStart(2)}. ${describeStep(handle.config.release[i + from - 1])}: ${r.summary} (${(r.durationMs / 1000).toFixed(1)} s)`).join('\n');
        ctx.output().result({ version, steps: results }, `release ${version} done\n${text}`);
      });
    });
}

function parseVersion(value: string): string {
  if (!VERSION_PATTERN.test(value)) throw new InputError(`version "${printableLine(value)}" is not allowed`, `versions match ${VERSION_PATTERN} (letters, digits, . _ + -; no spaces or shell characters)`);
  return value;
}

function printResult(ctx: CommandContext, result: StageResult): void {
  const out = ctx.output();
  for (const w of result.warnings) out.progress(`warning: ${w}`);
  out.result(result, `${result.summary} (${(result.durationMs / 1000).toFixed(1)} s)`);
}
