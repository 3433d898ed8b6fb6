// status: what the routers carry, the health and versions of both colors, and the lock — all
// read from the hosts, so it is the same for every teammate and survives an editor restart.
import { COLORS, Color, RouterState, hasLiveTraffic } from '../model';
import { readRouters, RouterReading } from '../fleet/readRouters';
import { LockInfo, readLock } from '../fleet/lock';
import { EnvironmentHandle } from '../environment/openEnvironment';
import { ColorHealth, checkColorHealth } from './health';
import { describePlan } from '../router/describePlan';

export interface EnvironmentStatus {
  environment: string;
  routers: RouterReading[];
  /** The newest state among the routers, if any router carries one. */
  state?: RouterState;
  colors: Array<ColorHealth & { live: boolean; weight: number; segments: string[] }>;
  lock?: LockInfo;
  plan: string;
}

export async function readStatus(handle: EnvironmentHandle): Promise<EnvironmentStatus> {
  const [routers, health, lock] = await Promise.all([
    readRouters(handle.routers),
    Promise.all(COLORS.map((c) => checkColorHealth(handle, c))),
    readLock(handle.routers).catch(() => undefined),
  ]);
  const state = routers.map((r) => r.state).filter((s): s is RouterState => !!s)
    .reduce<RouterState | undefined>((a, b) => (!a || b.serial > a.serial ? b : a), undefined);
  const colors = health.map((h) => {
    const color: Color = h.color;
    return {
      ...h,
      live: state ? hasLiveTraffic(state.plan, color) : false,
      weight: state?.plan.weights[color] ?? 0,
      segments: state?.plan.segments.filter((s) => s.color === color).map((s) => s.name) ?? [],
    };
  });
  return { environment: handle.env.name, routers, state, colors, lock, plan: state ? describePlan(state.plan) : 'unknown (no router state)' };
}

export function formatStatus(status: EnvironmentStatus): string {
  const lines = [`${status.environment}: ${status.plan}${status.state ? ` (state #${status.state.serial}, ${status.state.stage} by ${status.state.changedBy} at ${status.state.changedAt})` : ''}`];
  for (const r of status.routers) {
    const nginx = r.answering === false ? `; NGINX NOT ANSWERING (${r.probe}): users reaching ${r.router} get no answer` : '';
    const behind = r.state && status.state && r.state.serial < status.state.serial
      ? `; BEHIND the current #${status.state.serial}: it still serves ${describePlan(r.state.plan)} (bluegreen routers sync)` : '';
    lines.push(`  router ${r.router}: ${!r.reachable ? `UNREACHABLE (${r.error})` : r.sudoRefused ? `NOT READABLE: ${r.sudoRefused}` : `${r.mode} mode, state #${r.state?.serial ?? '—'}${behind}${nginx}`}`);
  }
  for (const c of status.colors) {
    const healthy = c.hosts.filter((h) => h.healthy).length;
    const versions = Object.entries(c.versions).map(([app, v]) => `${app} ${v.join(',') || '—'}`).join(', ');
    lines.push(`  ${c.color}: ${c.live ? 'LIVE' : 'idle'} ${c.weight}%${c.segments.length ? ` + ${c.segments.join(', ')}` : ''}; health ${healthy}/${c.hosts.length}; ${versions}`);
    for (const h of c.hosts.filter((x) => !x.healthy)) lines.push(`    ${h.host} ${h.app}: ${h.detail}`);
  }
  if (status.lock) lines.push(`  lock: ${describeLock(status.lock)}`);
  return lines.join('\n');
}

/** The lock in words, the same in `status`, `lock status` and the tree: holder, time, message. */
export function describeLock(lock: LockInfo): string {
  const partial = lock.without?.length ? `; taken on the other routers only, without ${lock.without.join(', ')}` : '';
  return lock.held
    ? `held by ${lock.holder} since ${lock.since}${lock.message ? `: "${lock.message}"` : ''} (lock hold${partial})`
    : `held by ${lock.holder} since ${lock.since} (${lock.stage}${lock.message ? `: ${lock.message}` : ''}${partial})`;
}
