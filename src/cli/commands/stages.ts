// The release stages as top-level commands: status, drain, deploy, verify, canary, switch,
// restore, rollback, release. Each one is an entry in src/core/stages/registry.ts (name,
// arguments, options, description), an action here and a function in src/core/stages.
import { Command } from 'commander';
import { BluegreenConfig, COLORS, Color } from '../../core/model';
import { InputError } from '../../core/errors';
import { StageContext, StageResult } from '../../core/stages/stageContext';
import { runStage } from '../../core/stages/runStage';
import { readStatus, formatStatus } from '../../core/stages/status';
import { drain } from '../../core/stages/drain';
import { deploy, deployLabelApps } from '../../core/stages/deploy';
import { verify } from '../../core/stages/verify';
import { canary, canaryPlan } from '../../core/stages/canary';
import { switchTo } from '../../core/stages/switch';
import { restore } from '../../core/stages/restore';
import { rollback } from '../../core/stages/rollback';
import { release, describeStep } from '../../core/stages/release';
import { stageLabel } from '../../core/stages/registry';
import { requireVersion } from '../../core/version';
import { CommandContext } from '../context';
import { stageCommand } from '../stageCommand';
import { showPlan, withStageSession } from '../stageSession';
import { parseInteger } from '../numbers';
import { printableLine } from '../../core/printable';

function parseColor(value: string): Color {
  if (!COLORS.includes(value as Color)) throw new InputError(`unknown color "${printableLine(value)}"`, 'colors are blue and green');
  return value as Color;
}

export function registerStages(program: Command, ctx: CommandContext): void {
  /**
   * A stage command: `prepare` checks the input against the config and names the stage before
   * anything is locked or audited, so bad input (exit 2) leaves no trace on the routers.
   */
  type Prepared = { label: string; body: (stage: StageContext) => Promise<StageResult> };
  const run = (prepare: (args: string[], options: Record<string, unknown>, config: BluegreenConfig) => Prepared, force = false) =>
    async (...raw: unknown[]) => {
      const command = raw[raw.length - 1] as Command;
      const options = command.opts();
      await withStageSession(ctx, { force: force && Boolean(options.force), verbose: Boolean(options.verbose), dryRun: Boolean(options.dryRun), without: options.without as string[] | undefined }, async (stage, handle) => {
        const { label, body } = prepare(command.args, options, handle.config);
        if (handle.plan) return showPlan(ctx, stage, label, () => runStage(stage, label, () => body(stage)));
        const result = await runStage(stage, label, () => body(stage));
        printResult(ctx, result);
      });
    };

  stageCommand(program, 'status')
    .action(async (options: { verbose?: boolean }) => {
      await withStageSession(ctx, { verbose: options.verbose }, async (_stage, handle) => {
        const status = await readStatus(handle);
        ctx.output().result(status, formatStatus(status));
      });
    });

  stageCommand(program, 'drain')
    .action(run(([c]) => {
      const color = parseColor(c);
      return { label: stageLabel('drain', { color }), body: (s) => drain(s, color) };
    }));

  stageCommand(program, 'deploy')
    .action(run(([c, v], o, config) => {
      const color = parseColor(c);
      const version = requireVersion(v);
      const apps = o.app as string[] | undefined;
      // An unknown --app is refused here, before the lock, naming the config's apps.
      const label = stageLabel('deploy', { color, version, apps: deployLabelApps(config, apps) });
      return { label, body: (s) => deploy(s, color, version, { apps }) };
    }, true));

  stageCommand(program, 'verify')
    .action(run(([c]) => {
      const color = parseColor(c);
      return { label: stageLabel('verify', { color }), body: (s) => verify(s, color) };
    }));

  stageCommand(program, 'canary')
    .action(run(([c], o, config) => {
      const color = parseColor(c);
      const options = {
        percent: o.percent === undefined ? undefined : parseInteger(String(o.percent), '--percent', 0, 100),
        segment: o.segment as string | undefined,
        analyze: o.analysis !== false,
        windowSeconds: o.window === undefined ? undefined : parseInteger(String(o.window), '--window', 1, 7 * 24 * 3600),
      };
      canaryPlan(color, options, config.traffic.segments.map((seg) => seg.name)); // throws InputError on bad input
      const label = stageLabel('canary', { color, percent: options.percent, segment: options.segment });
      return { label, body: (s) => canary(s, color, options) };
    }));

  stageCommand(program, 'switch')
    .action(run(([c]) => {
      const color = parseColor(c);
      return { label: stageLabel('switch', { color }), body: (s) => switchTo(s, color) };
    }));

  stageCommand(program, 'restore')
    .action(run(() => ({ label: stageLabel('restore'), body: (s) => restore(s) })));

  stageCommand(program, 'rollback')
    .action(run(() => ({ label: stageLabel('rollback'), body: (s) => rollback(s) })));

  stageCommand(program, 'release')
    .action(async (version: string, options: { from?: string; verbose?: boolean; dryRun?: boolean; without?: string[] }) => {
      await withStageSession(ctx, { verbose: options.verbose, dryRun: options.dryRun, without: options.without }, async (stage, handle) => {
        const from = options.from === undefined ? 1 : parseInteger(options.from, '--from', 1, Math.max(1, handle.config.release.length));
        requireVersion(version);
        if (handle.plan) return showPlan(ctx, stage, stageLabel('release', { version }), () => release(stage, version, { from }));
        const results = await release(stage, version, { from });
        const text = results.map((r, i) => `${String(i + from).padStart(2)}. ${describeStep(handle.config.release[i + from - 1])}: ${r.summary} (${(r.durationMs / 1000).toFixed(1)} s)`).join('\n');
        ctx.output().result({ version, steps: results }, `release ${version} done\n${text}`);
      });
    });
}

function printResult(ctx: CommandContext, result: StageResult): void {
  const out = ctx.output();
  for (const w of result.warnings) out.progress(`warning: ${w}`);
  out.result(result, `${result.summary} (${(result.durationMs / 1000).toFixed(1)} s)`);
}
