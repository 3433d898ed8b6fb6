// Every command the extension contributes, one line per id. Handlers live one per file under
// commands/ and are imported on first use, so activation loads none of them.
import type { ExtensionServices } from './services';

export type CommandHandler = (services: ExtensionServices, ...args: unknown[]) => unknown;
type LazyHandler = () => Promise<{ run: CommandHandler }>;

export const COMMANDS: Record<string, LazyHandler> = {
  'bluegreen.validateConfig': () => import('./commands/validateConfig'),
  'bluegreen.createConfig': () => import('./commands/createConfig'),
  'bluegreen.refreshEnvironments': () => import('./commands/refreshEnvironments'),
  'bluegreen.showOutput': () => import('./commands/showOutput'),
  'bluegreen.previewGreen': () => import('./panel/commands/previewGreen'),
  'bluegreen.previewBlue': () => import('./panel/commands/previewBlue'),
  'bluegreen.stopPreview': () => import('./panel/commands/stopPreview'),
};
