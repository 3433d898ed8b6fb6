// Every command the extension contributes. The stages' command ids come from the stage registry
// (src/core/stages/registry.ts), which the CLI and the runbook read too; the other commands are
// listed here, one line per id. Handlers live one per file under commands/ and are imported on
// first use, so activation loads none of them. test/unit/stage-registry.test.ts checks this table
// and package.json's contributed commands against each other.
import { STAGES, type EditorStageName } from '../core/stages/registry';
import type { ExtensionServices } from './services';

export type CommandHandler = (services: ExtensionServices, ...args: unknown[]) => unknown;
type LazyHandler = () => Promise<{ run: CommandHandler }>;

/** The handler of each stage that has an editor command: one per such stage, or this does not compile. */
const STAGE_HANDLERS: Record<EditorStageName, LazyHandler> = {
  status: () => import('./commands/status'),
  drain: () => import('./commands/drain'),
  deploy: () => import('./commands/deploy'),
  verify: () => import('./commands/verify'),
  canary: () => import('./commands/canary'),
  switch: () => import('./commands/switch'),
  restore: () => import('./commands/restore'),
  rollback: () => import('./commands/rollback'),
  release: () => import('./commands/release'),
  bootstrap: () => import('./commands/bootstrap'),
};

/** The commands that are not stages: the config, the views, pause answers, the sandbox, hosts, the lock. */
export const OTHER_COMMANDS: Record<string, LazyHandler> = {
  'bluegreen.validateConfig': () => import('./commands/validateConfig'),
  'bluegreen.createConfig': () => import('./commands/createConfig'),
  'bluegreen.openConfig': () => import('./commands/openConfig'),
  'bluegreen.refreshEnvironments': () => import('./commands/refreshEnvironments'),
  'bluegreen.showOutput': () => import('./commands/showOutput'),
  'bluegreen.previewGreen': () => import('./panel/commands/previewGreen'),
  'bluegreen.previewBlue': () => import('./panel/commands/previewBlue'),
  'bluegreen.stopPreview': () => import('./panel/commands/stopPreview'),
  'bluegreen.selectEnvironment': () => import('./commands/selectEnvironment'),
  'bluegreen.openTrafficPanel': () => import('./commands/openTrafficPanel'),
  'bluegreen.openTrafficPanelInEditor': () => import('./panel/commands/openTrafficPanelInEditor'),
  'bluegreen.continueRelease': () => import('./commands/continueRelease'),
  'bluegreen.stopRelease': () => import('./commands/stopRelease'),
  'bluegreen.sandboxUp': () => import('./commands/sandboxUp'),
  'bluegreen.sandboxDown': () => import('./commands/sandboxDown'),
  'bluegreen.hostsSetup': () => import('./commands/hostsSetup'),
  'bluegreen.releaseLock': () => import('./commands/releaseLock'),
  'bluegreen.showPlan': () => import('./commands/showPlan'),
  'bluegreen.showHistoryEntry': () => import('./commands/showHistoryEntry'),
  'bluegreen.refreshHistory': () => import('./commands/refreshHistory'),
};

export const COMMANDS: Record<string, LazyHandler> = {
  ...OTHER_COMMANDS,
  ...Object.fromEntries(STAGES.flatMap((s) => ('command' in s ? [[s.command.id, STAGE_HANDLERS[s.name]]] : []))),
};
