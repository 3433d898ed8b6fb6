// The deploy lock, kept on the routers so every teammate and CI job sees the same one. Taken on
// every router (atomically per router with noclobber) so two people cannot both hold it. A person
// can also hold it across stages run by hand (`lock hold --message`): their stages go through,
// everyone else's are refused naming holder, time and message.
import * as os from 'node:os';
import { RefusedError, StageError } from '../errors';
import { readLockCommand, releaseLockCommand, renewLockCommand, takeLockCommand } from '../hostCommands/routerCommands';
import { runHostCommand } from '../hostCommands/run';
import { RouterHandle, onRouters } from './routerHandle';
import { SUDO_RULE_HINT, describeSudoRefusal } from '../hosts/sudoRefusal';

export interface LockInfo {
  holder: string;
  /** ISO 8601. */
  since: string;
  stage: string;
  message: string;
  /** Process id on the machine that took it; with the holder it tells a stale lock apart. 0 for a hold. */
  pid: number;
  /** Taken by `lock hold`: kept across stages until `lock release`, not by one run. */
  held?: boolean;
  /** Routers left out of the run (`--without`): the lock is on the others only. */
  without?: string[];
}

/** `taken`: this run took it and releases it; `held`: the actor's own hold, left in place. */
export type LockOutcome = 'taken' | 'held';

export async function readLock(routers: RouterHandle[]): Promise<LockInfo | undefined> {
  const results = await onRouters(routers, (router) => {
    return runHostCommand(router.transport, readLockCommand(router));
  });
  for (const result of results) {
    if (result.ok && result.value.stdout.trim()) {
      try {
        return JSON.parse(result.value.stdout) as LockInfo;
      } catch {
        return { holder: 'unknown', since: '', stage: '', message: 'unreadable lock file', pid: 0 };
      }
    }
  }
  return undefined;
}

/**
 * Takes the lock on every router or on none; refuses naming the holder when someone has it. When
 * the holder is `info.holder` by a hold, the run goes through under that hold (`held`).
 *
 * The first router decides between two runs that start together: whoever takes it goes on, the
 * other is refused there. The rest are then taken at once, one round trip for all of them.
 */
export async function acquireLock(routers: RouterHandle[], info: LockInfo): Promise<LockOutcome> {
  const text = `${JSON.stringify(info)}\n`;
  const take = async (router: RouterHandle): Promise<TakeOutcome> => {
    try {
      const { code, stderr } = await runHostCommand(router.transport, takeLockCommand(router, text));
      return code === 0 ? { router } : { router, refused: stderr };
    } catch (error) {
      return { router, unreachable: error as Error };
    }
  };
  const [first, ...rest] = routers;
  const outcomes = [await take(first)];
  if (isTaken(outcomes[0])) outcomes.push(...(await Promise.all(rest.map(take))));
  const failed = outcomes.find((outcome) => !isTaken(outcome));
  if (!failed) return 'taken';
  // An unreachable or refusing router must not leave the lock behind on the routers taken.
  await releaseLock(outcomes.filter(isTaken).map((outcome) => outcome.router), info.holder);
  const { router } = failed;
  if (failed.unreachable) {
    throw new StageError(`could not take the release lock on ${router.name}: ${failed.unreachable.message}`, lostRouterHint([router.name]));
  }
  const sudo = describeSudoRefusal(router.name, failed.refused ?? '');
  if (sudo) throw new RefusedError(`${sudo}; nothing was changed`, SUDO_RULE_HINT);
  const holder = await readLock([router]);
  if (holder?.held && holder.holder === info.holder) return 'held';
  if (holder?.held) {
    throw new RefusedError(
      `the release lock is held by ${holder.holder} since ${holder.since}${holder.message ? `: "${holder.message}"` : ''} (taken with \`bluegreen lock hold\`)`,
      `ask ${holder.holder} to run \`bluegreen lock release\` when done; if they cannot, \`bluegreen lock release --yes\` removes it`,
    );
  }
  if (holder && holder.holder !== 'unknown') {
    throw new RefusedError(
      `the release lock is held by ${holder.holder} since ${holder.since} (${holder.stage}${holder.message ? `: ${holder.message}` : ''})${staleNote(holder)}`,
      'wait for them, or if that run is dead: `bluegreen lock release --yes`',
    );
  }
  throw new StageError(`could not take the release lock on ${router.name}`, 'check the router (bluegreen status)');
}

/** One router's answer to taking the lock: taken, refused (its stderr), or not reached. */
interface TakeOutcome {
  router: RouterHandle;
  refused?: string;
  unreachable?: Error;
}

const isTaken = (outcome: TakeOutcome) => outcome.refused === undefined && !outcome.unreachable;

/**
 * What to do when routers do not answer: check them, or — when one is really lost — act on the
 * others, on purpose and audited. The one that returns is brought up to date by the next stage.
 */
export function lostRouterHint(routers: string[]): string {
  return `nothing was changed; check ${routers.join(', ')} (bluegreen status), or if ${routers.length > 1 ? 'they are' : 'it is'} lost, run the stage on the routers that answer with --without ${routers.join(',')} (audited; a router that returns is brought up to date by the next stage, or by bluegreen routers sync)`;
}

/**
 * `lock hold`: takes the lock for `holder` until `lock release`, with a message for everyone it
 * refuses. Holding it again replaces the message.
 */
export async function holdLock(routers: RouterHandle[], holder: string, message: string): Promise<LockInfo> {
  const info: LockInfo = { holder, since: new Date().toISOString(), stage: 'hold', message, pid: 0, held: true };
  if (await acquireLock(routers, info) === 'taken') return info;
  const previous = await readLock(routers);
  const renewed = { ...info, since: previous?.since || info.since };
  await onRouters(routers, (router) => runHostCommand(router.transport, renewLockCommand(router, holder, `${JSON.stringify(renewed)}\n`)));
  return renewed;
}

/** A lock taken on this machine by a process that no longer runs is stale: say so. */
export function staleNote(lock: LockInfo): string {
  const machine = lock.holder.includes('@') ? lock.holder.slice(lock.holder.lastIndexOf('@') + 1) : '';
  if (!lock.pid || machine !== os.hostname() || processAlive(lock.pid)) return '';
  return `; process ${lock.pid} on this machine no longer runs, so the lock is stale`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Releases the lock wherever `holder` has it (or everywhere when `force`). */
export async function releaseLock(routers: RouterHandle[], holder: string, force = false): Promise<void> {
  await onRouters(routers, (router) => runHostCommand(router.transport, releaseLockCommand(router, holder, force)));
}
