// Who is acting: `user@machine`, or BLUEGREEN_ACTOR when set (a CI job, a shared deploy box). One
// function for every record that names a person — the lock, the state document's changedBy, the
// audit log — whichever face (CLI, editor, sandbox up, render) writes it.
import * as os from 'node:os';

export function defaultActor(): string {
  return process.env.BLUEGREEN_ACTOR || `${os.userInfo().username}@${os.hostname()}`;
}
