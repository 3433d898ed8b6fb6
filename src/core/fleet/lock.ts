// The deploy lock, kept on the routers so every teammate and CI job sees the same one. Taken on
// every router (atomically per router with noclobber) so two people cannot both hold it.
import { shellQuote } from '../transport';
import { RefusedError, StageError } from '../errors';
import { RouterHandle, dataFile, onRouters } from './routerHandle';

export interface LockInfo {
  holder: string;
  /** ISO 8601. */
  since: string;
  stage: string;
  message: string;
  /** Process id on the machine that took it; with the holder it tells a stale lock apart. */
  pid: number;
}

export async function readLock(routers: RouterHandle[]): Promise<LockInfo | undefined> {
  const results = await onRouters(routers, (router) => {
    return router.transport.exec(`cat ${shellQuote(dataFile(router, 'lock.json'))} 2>/dev/null || true`, { sudo: router.sudo });
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

/** Takes the lock on every router or on none; refuses naming the holder when someone has it. */
export async function acquireLock(routers: RouterHandle[], info: LockInfo): Promise<void> {
  const text = `${JSON.stringify(info)}\n`;
  const taken: RouterHandle[] = [];
  for (const router of routers) {
    const file = dataFile(router, 'lock.json');
    const result = await router.transport.exec(
      `mkdir -p ${shellQuote(router.paths.dataDir)} && (set -C; cat > ${shellQuote(file)}) 2>/dev/null`,
      { sudo: router.sudo, input: text },
    );
    if (result.code !== 0) {
      await releaseLock(taken, info.holder);
      const holder = await readLock([router]);
      if (holder && holder.holder !== 'unknown') {
        throw new RefusedError(
          `the release lock is held by ${holder.holder} since ${holder.since} (${holder.stage}${holder.message ? `: ${holder.message}` : ''})`,
          'wait for them, or if that run is dead: `bluegreen lock release --yes`',
        );
      }
      throw new StageError(`could not take the release lock on ${router.name}`, 'check the router (bluegreen status)');
    }
    taken.push(router);
  }
}

/** Releases the lock wherever `holder` has it (or everywhere when `force`). */
export async function releaseLock(routers: RouterHandle[], holder: string, force = false): Promise<void> {
  await onRouters(routers, async (router) => {
    const file = shellQuote(dataFile(router, 'lock.json'));
    const guard = force ? '' : `grep -qF ${shellQuote(`"holder":${JSON.stringify(holder)}`)} ${file} && `;
    await router.transport.exec(`${guard}rm -f ${file} || true`, { sudo: router.sudo });
  });
}
