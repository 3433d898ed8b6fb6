// Builds what a stage needs from the CLI's options: the environment's transports, progress on
// stderr, and a prompt only when a person is at a terminal (docs/architecture.md: without one, nothing
// prompts and a confirmation without --yes stops with exit 1).
import { openEnvironment, EnvironmentHandle } from '../core/environment/openEnvironment';
import { StageContext } from '../core/stages/stageContext';
import { defaultActor } from '../core/actor';
import { CommandContext, loadConfigOrThrow, environmentOf } from './context';
import { printable } from '../core/printable';
import { PlanRecorder } from '../core/plan/planRecorder';
import { planned } from '../core/plan/dryRun';

export interface StageSessionOptions {
  force?: boolean;
  verbose?: boolean;
  /** `--dry-run`: the environment is opened with a plan recorder (handle.plan); see showPlan. */
  dryRun?: boolean;
  /** `--without`: routers left out (openEnvironment checks them). */
  without?: string[];
}

export async function withStageSession<T>(
  ctx: CommandContext,
  options: StageSessionOptions,
  body: (stage: StageContext, handle: EnvironmentHandle) => Promise<T>,
): Promise<T> {
  const globals = ctx.globals();
  const out = ctx.output();
  const config = await loadConfigOrThrow(globals.config);
  environmentOf(config, globals.env);
  const handle = openEnvironment(config, globals.env, {
    hostLog: options.verbose ? (e) => process.stderr.write(`  [${e.host}] ${e.kind === 'command' ? '$ ' : ''}${e.text.trimEnd()}\n`) : undefined,
    plan: options.dryRun ? new PlanRecorder() : undefined,
    without: options.without,
  });
  // stderr first: where it is no terminal (a script, CI), stdin's stream is never made (2–3 ms).
  const interactive = process.stderr.isTTY && process.stdin.isTTY;
  const controller = new AbortController();
  const onSigint = () => {
    out.progress('interrupted: stopping after the current step (press Ctrl-C again to quit now)');
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  let actor: string | undefined;
  const stage: StageContext = {
    handle,
    // Asked of the system (os.userInfo) when a record first names it, not at every start.
    get actor() {
      return (actor ??= defaultActor());
    },
    // A dry run's progress says what it would do: nothing it says has happened.
    progress: options.dryRun ? (line) => out.progress(line.trim() ? `dry run: ${line}` : line) : (line) => out.progress(line),
    confirm: interactive ? ask : undefined,
    yes: globals.yes,
    force: options.force ?? false,
    signal: controller.signal,
  };
  try {
    return await body(stage, handle);
  } finally {
    process.off('SIGINT', onSigint);
    await handle.close();
  }
}

/**
 * A dry run of `run` (the stage, as it would run for real): prints the plan — with --json, the
 * plan's summary — and, when the stage would stop, rethrows its error after the plan, so the exit
 * code says so too.
 */
export async function showPlan(ctx: CommandContext, stage: StageContext, label: string, run: () => Promise<unknown>): Promise<void> {
  const plan = stage.handle.plan;
  if (!plan) throw new Error('showPlan needs an environment opened for a dry run');
  const outcome = await planned(plan, label, stage.handle.env.name, run);
  ctx.output().result({ dryRun: true, ...outcome.summary, stopped: outcome.stopped }, outcome.text);
  if (outcome.error) throw outcome.error;
}

async function ask(question: string): Promise<boolean> {
  // Loaded when a person is asked, not at every start (Node compiles readline's modules then).
  // require, not import(): the program runs in a vm.Script (compileCache.ts), where import() is not Node's.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const readline = require('node:readline/promises') as typeof import('node:readline/promises');
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${printable(question)} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
