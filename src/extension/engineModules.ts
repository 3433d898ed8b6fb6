// Everything the editor uses from the engine that pulls in heavy modules (dockerode, ssh, yaml,
// ajv, the SQL parser). scripts/build.mjs bundles this file alone into dist/engine.js and
// engine.ts requires it at run time: none of it is compiled or evaluated when the extension
// activates. Extension code reaches core code with dependencies only through here (types aside).
export { loadConfig, parseConfig, formatConfigError } from '../core/config';
export { openEnvironment, type EnvironmentHandle } from '../core/environment/openEnvironment';
export { readStatus, formatStatus, type EnvironmentStatus } from '../core/stages/status';
export { runStage } from '../core/stages/runStage';
export { stageHostsAhead } from '../core/stages/hostsAhead';
export { PlanRecorder } from '../core/plan/planRecorder';
export { planned, type DryRunOutcome } from '../core/plan/dryRun';
export { readEnvironmentHistory } from '../core/history/environmentHistory';
export { entryDetail } from '../core/history/entryDetail';
export { type StageContext, type StageResult } from '../core/stages/stageContext';
export { defaultActor } from '../core/actor';
export { drain } from '../core/stages/drain';
export { deploy } from '../core/stages/deploy';
export { verify } from '../core/stages/verify';
export { canary } from '../core/stages/canary';
export { switchTo } from '../core/stages/switch';
export { restore } from '../core/stages/restore';
export { rollback } from '../core/stages/rollback';
export { release, describeStep } from '../core/stages/release';
export { bootstrap } from '../core/stages/bootstrap';
export { confirmOrStop } from '../core/stages/confirm';
export { describePlan } from '../core/router/describePlan';
export { readLock, releaseLock } from '../core/fleet/lock';
export { describePackages, setupHosts } from '../core/hosts/setupHosts';
export { up as sandboxUp, down as sandboxDown, formatSandboxProgress } from '../core/sandbox';
export { detectApps, writeInitConfig, LOOKS_FOR } from '../core/init';
export { LABEL_SANDBOX } from '../core/sandbox/naming';
export { connectDocker, requireEngine } from '../core/docker/connect';
export { readConnections, type ConnectionReport } from '../core/db';
export { releaseMigrateStep } from '../core/stages/migrate';
export { lintSql } from '../core/db/lint';
export { BluegreenError, PrerequisiteError } from '../core/errors';
export { LiveTraffic, LiveTrafficRegistry, environmentSource, TrafficControl, IDLE_TRAFFIC } from '../core/live';
export { routerUrls } from '../core/environment/routerUrls';
export { startPreviewProxy } from '../core/preview';
