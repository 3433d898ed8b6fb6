// commandTable.ts's entries, each loaded only when one of its commands runs (start.ts): the same
// registrars in the same order, which specDump.ts checks at every build.
import type { Registrar } from './context';
import { lazyModule as load } from './lazyModule';

export const commandLoaders: Array<() => Promise<Registrar>> = [
  () => load(() => import('./commands/validate'), 'commands/validate').then((m) => m.registerValidate),
  () => load(() => import('./commands/render'), 'commands/render').then((m) => m.registerRender),
  () => load(() => import('./commands/stages'), 'commands/stages').then((m) => m.registerStages),
  () => load(() => import('./commands/lockAndAudit'), 'commands/lockAndAudit').then((m) => m.registerLockAndAudit),
  () => load(() => import('./commands/sandbox'), 'commands/sandbox').then((m) => m.registerSandbox),
  () => load(() => import('./commands/traffic'), 'commands/traffic').then((m) => m.registerTraffic),
  () => load(() => import('./commands/rehearse'), 'commands/rehearse').then((m) => m.registerRehearse),
  () => load(() => import('./commands/hosts'), 'commands/hosts').then((m) => m.registerHosts),
  () => load(() => import('./commands/bootstrap'), 'commands/bootstrap').then((m) => m.registerBootstrap),
  () => load(() => import('./commands/db'), 'commands/db').then((m) => m.registerDb),
  () => load(() => import('./commands/history'), 'commands/history').then((m) => m.registerHistory),
  () => load(() => import('./commands/routers'), 'commands/routers').then((m) => m.registerRouters),
  () => load(() => import('./commands/init'), 'commands/init').then((m) => m.registerInit),
];
