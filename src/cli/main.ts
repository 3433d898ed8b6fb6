// The `bluegreen` CLI: a thin face on src/core. Conventions (docs/architecture.md): every stage is a
// top-level command; `--env` defaults to `sandbox`; `--json` prints one document on stdout;
// exit 0 done, 1 a stage failed or was refused, 2 bad input or a missing prerequisite.
// This is the whole program, every command loaded (the tests run it in-process); the bundle's
// entry is start.ts, which loads only the command that runs.
import type { Command } from 'commander';
import { commandTable } from './commandTable';
import type { JsonResult } from './output';
import { baseProgram, finishProgram, programContext, runProgram } from './program';

/** The whole command tree, every command registered; `held` receives a --json result. */
export function createProgram(held: JsonResult = { given: false }): Command {
  const program = baseProgram();
  const ctx = programContext(program, held);
  for (const register of commandTable) register(program, ctx);
  return finishProgram(program);
}

export async function main(argv: string[]): Promise<number> {
  const held: JsonResult = { given: false };
  return runProgram(createProgram(held), argv, held);
}
