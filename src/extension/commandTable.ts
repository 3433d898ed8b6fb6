// Every command the extension contributes, one line per id. Handlers live one per file under
// commands/ and are imported on first use, so activation loads none of them.
import type { ExtensionServices } from './services';

export type CommandHandler = (services: ExtensionServices, ...args: unknown[]) => unknown;
type LazyHandler = () => Promise<{ run: CommandHandler }>;

export const COMMANDS: Record<string, LazyHandler> = {
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
  'bluegreen.status': () => import('./commands/status'),
  'bluegreen.drain': () => import('./commands/drain'),
  'bluegreen.deploy': () => import('./commands/deploy'),
  'bluegreen.verify': () => import('./commands/verify'),
  'bluegreen.canary': () => import('./commands/canary'),
  'bluegreen.switch': () => import('./commands/switch'),
  'bluegreen.restore': () => import('./commands/restore'),
  'bluegreen.rollback': () => import('./commands/rollback'),
  'bluegreen.release': () => import('./commands/release'),
  'bluegreen.continueRelease': () => import('./commands/continueRelease'),
  'bluegreen.stopRelease': () => import('./commands/stopRelease'),
  'bluegreen.sandboxUp': () => import('./commands/sandboxUp'),
  'bluegreen.sandboxDown': () => import('./commands/sandboxDown'),
  'bluegreen.hostsSetup': () => import('./commands/hostsSetup'),
  'bluegreen.bootstrap': () => import('./commands/bootstrap'),
  'bluegreen.releaseLock': () => import('./commands/releaseLock'),
};
