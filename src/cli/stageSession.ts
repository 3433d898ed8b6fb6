// Builds what a stage needs from the CLI's options: the environment's transports, progress on
// stderr, and a prompt only when a person is at a terminal (docs/architecture.md: without one, nothing
// prompts and a confirmation without --yes stops with exit 1).
import * as readline from 'node:readline/promises';
import { openEnvironment, EnvironmentHandle } from '../core/environment/openEnvironment';
import { StageContext } from '../core/stages/stageContext';
import { defaultActor } from '../core/actor';
import { CommandContext, loadConfigOrThrow, environmentOf } from './context';
import { printable } from '../core/printable';

export interface StageSessionOptions {
  force?: boolean;
  verbose?: boolean;
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
  });
  const interactive = process.stdin.isTTY && process.stderr.isTTY;
  const controller = new AbortController();
  const onSigint = () => {
    out.progress('interrupted: stopping after the current step (press Ctrl-C again to quit now)');
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  const stage: StageContext = {
    handle,
    actor: defaultActor(),
    progress: (line) => out.progress(line),
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

async function ask(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${printable(question)} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
