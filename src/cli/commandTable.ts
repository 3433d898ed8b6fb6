// One line per command: each command lives in its own file and registers itself here.
import type { Registrar } from './context';
import { registerValidate } from './commands/validate';
import { registerRender } from './commands/render';
import { registerStages } from './commands/stages';
import { registerLockAndAudit } from './commands/lockAndAudit';
import { registerSandbox } from './commands/sandbox';
import { registerTraffic } from './commands/traffic';
import { registerRehearse } from './commands/rehearse';
import { registerHosts } from './commands/hosts';
import { registerBootstrap } from './commands/bootstrap';
import { registerDb } from './commands/db';
import { registerHistory } from './commands/history';
import { registerRouters } from './commands/routers';
import { registerInit } from './commands/init';

export const commandTable: Registrar[] = [
  registerValidate,
  registerRender,
  registerStages,
  registerLockAndAudit,
  registerSandbox,
  registerTraffic,
  registerRehearse,
  registerHosts,
  registerBootstrap,
  registerDb,
  registerHistory,
  registerRouters,
  registerInit,
];
