// The release stages as top-level commands: status, drain, deploy, verify, canary, switch,
// restore, rollback, release. Each one is an entry in src/core/stages/registry.ts (name,
// arguments, options, description), an action here and a function in src/core/stages.
// Each action loads its stage's module when it runs (lazyModule): `status` does not load the
// release, deploy or migration code (docs/benchmarks.md, CLI start).
import type { Command } from 'commander';
import { BluegreenConfig, COLORS, Color } from '../../core/model';
import { stageHostsAhead } from '../../core/stages/hostsAhead';
import type { ColorStageRun } from '../../core/stages/hostsAhead';
import { InputError } from '../../core/errors';
import type { StageContext, StageResult } from '../../core/stages/stageContext';
import { stageLabel } from '../../core/stages/registry';
import { requireVersion } from '../../core/version';
import type { CommandContext } from '../context';
import { stageCommand } from '../stageCommand';
import { parseInteger } from '../numbers';
import { printableLine } from '../../core/printable';
import { lazyModule } from '../lazyModule';

const session = () => lazyModule(() => import('../stageSession'), 'stageSession');
const stages = {
  runStage: () => lazyModule(() => import('../../core/stages/runStage'), '../core/stages/runStage'),
  status: () => lazyModule(() => import('../../core/stages/status'), '../core/stages/status'),
  drain: () => lazyModule(() => import('../../core/stages/drain'), '../core/stages/drain'),
  deploy: () => lazyModule(() => import('../../core/stages/deploy'), '../core/stages/deploy'),
  verify: () => lazyModule(() => import('../../core/stages/verify'), '../core/stages/verify'),
  canary: () => lazyModule(() => import('../../core/stages/canary'), '../core/stages/canary'),
  switch: () => lazyModule(() => import('../../core/stages/switch'), '../core/stages/switch'),
  restore: () => lazyModule(() => import('../../core/stages/restore'), '../core/stages/restore'),
  rollback: () => lazyModule(() => import('../../core/stages/rollback'), '../core/stages/rollback'),
  release: () => lazyModule(() => import('../../core/stages/release'), '../core/stages/release'),
};

function parseColor(value: string): Color {
  if (!COLORS.includes(value as Color)) throw new InputError(`unknown color "${printableLine(value)}"`, 'colors are blue and green');
  return value as Color;
}

export function registerStages(program: Command, ctx: CommandContext): void {
  /**
   * A stage command: `prepare` checks the input against the config and names the stage before
   * anything is locked or audited, so bad input (exit 2) leaves no trace on the routers.
   */
  type Prepared = {
    label: string;
    body: (stage: StageContext) => Promise<StageResult>;
    /** What the stage is given, for the hosts it reaches besides the routers (runStage's `ahead`). */
    ahead?: ColorStageRun;
  };
  const run = (prepare: (args: string[], options: Record<string, unknown>, config: BluegreenConfig) => Promise<Prepared>, force = false) =>
    async (...raw: unknown[]) => {
      const command = raw[raw.length - 1] as Command;
      const options = command.opts();
      const [{ withStageSession, showPlan }, { runStage }] = await Promise.all([session(), stages.runStage()]);
      await withStageSession(ctx, { force: force && Boolean(options.force), verbose: Boolean(options.verbose), dryRun: Boolean(options.dryRun), without: options.without as string[] | undefined }, async (stage, handle) => {
        const { label, body, ahead } = await prepare(command.args, options, handle.config);
        const stageOptions = { ahead: ahead && stageHostsAhead(handle, ahead) };
        if (handle.plan) return showPlan(ctx, stage, label, () => runStage(stage, label, () => body(stage), stageOptions));
        const result = await runStage(stage, label, () => body(stage), stageOptions);
        printResult(ctx, result);
      });
    };

  stageCommand(program, 'status')
    .action(async (options: { verbose?: boolean }) => {
      const [{ withStageSession }, { readStatus, formatStatus }] = await Promise.all([session(), stages.status()]);
      await withStageSession(ctx, { verbose: options.verbose }, async (_stage, handle) => {
        const status = await readStatus(handle);
        ctx.output().result(status, formatStatus(status));
      });
    });

  stageCommand(program, 'drain')
    .action(run(async ([c]) => {
      const color = parseColor(c);
      const { drain } = await stages.drain();
      return { label: stageLabel('drain', { color }), body: (s) => drain(s, color), ahead: { stage: 'drain', color } };
    }));

  stageCommand(program, 'deploy')
    .action(run(async ([c, v], o, config) => {
      const color = parseColor(c);
      const version = requireVersion(v);
      const apps = o.app as string[] | undefined;
      const { deploy, deployLabelApps } = await stages.deploy();
      // An unknown --app is refused here, before the lock, naming the config's apps.
      const label = stageLabel('deploy', { color, version, apps: deployLabelApps(config, apps) });
      return { label, body: (s) => deploy(s, color, version, { apps }), ahead: { stage: 'deploy', color, apps } };
    }, true));

  stageCommand(program, 'verify')
    .action(run(async ([c]) => {
      const color = parseColor(c);
      const { verify } = await stages.verify();
      return { label: stageLabel('verify', { color }), body: (s) => verify(s, color), ahead: { stage: 'verify', color } };
    }));

  stageCommand(program, 'canary')
    .action(run(async ([c], o, config) => {
      const color = parseColor(c);
      const { canary, canaryPlan } = await stages.canary();
      const options = {
        percent: o.percent === undefined ? undefined : parseInteger(String(o.percent), '--percent', 0, 100),
        segment: o.segment as string | undefined,
        analyze: o.analysis !== false,
        windowSeconds: o.window === undefined ? undefined : parseInteger(String(o.window), '--window', 1, 7 * 24 * 3600),
      };
      canaryPlan(color, options, config.traffic.segments.map((seg) => seg.name)); // throws InputError on bad input
      const label = stageLabel('canary', { color, percent: options.percent, segment: options.segment });
      return { label, body: (s) => canary(s, color, options), ahead: { stage: 'canary', color } };
    }));

  stageCommand(program, 'switch')
    .action(run(async ([c]) => {
      const color = parseColor(c);
      const { switchTo } = await stages.switch();
      return { label: stageLabel('switch', { color }), body: (s) => switchTo(s, color), ahead: { stage: 'switch', color } };
    }));

  stageCommand(program, 'restore')
    .action(run(async () => {
      const { restore } = await stages.restore();
      return { label: stageLabel('restore'), body: (s) => restore(s) };
    }));

  stageCommand(program, 'rollback')
    .action(run(async () => {
      const { rollback } = await stages.rollback();
      return { label: stageLabel('rollback'), body: (s) => rollback(s) };
    }));

  stageCommand(program, 'release')
    .action(async (version: string, options: { from?: string; verbose?: boolean; dryRun?: boolean; without?: string[] }) => {
      const [{ withStageSession, showPlan }, { release, describeStep }] = await Promise.all([session(), stages.release()]);
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
