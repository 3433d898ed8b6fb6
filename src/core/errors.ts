// Errors that carry their meaning for the faces: the CLI maps them to exit codes (
// 1 = a stage failed or a gate/lock/lint refused; 2 = bad input or a missing prerequisite), the
// editor maps them to messages. `hint` says what to do next.

export class BluegreenError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: an unknown environment, a malformed version, a broken config. Exit 2. */
export class InputError extends BluegreenError {}

/** Something the engine needs is not there: no Docker engine, no config, no base image. Exit 2. */
export class PrerequisiteError extends BluegreenError {}

/** A gate, a lock or a lint refused the stage before it changed anything. Exit 1. */
export class RefusedError extends BluegreenError {}

/** A stage started and failed; the message says what was left as it was. Exit 1. */
export class StageError extends BluegreenError {}

export function exitCodeFor(error: unknown): 1 | 2 {
  return error instanceof InputError || error instanceof PrerequisiteError ? 2 : 1;
}
