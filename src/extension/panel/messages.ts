// The messages between the traffic panel's webview and the extension, as discriminated unions
// shared by both sides (the webview bundle imports this file). Nothing here imports `vscode` or
// the DOM. Each side checks what it receives and ignores anything it does not recognise.
import type { TrafficView, ChartPoint } from '../../core/live/trafficView';
import type { TrafficControlView, TrafficSettings } from '../../core/live/trafficControl';

export type { TrafficView, ChartPoint, TrafficControlView, TrafficSettings };

/** Webview → extension. */
export type PanelRequest =
  /** The webview's script runs and listens: the extension posts nothing before this. */
  | { type: 'ready' }
  | { type: 'selectEnvironment'; environment: string }
  | { type: 'startTraffic'; settings: TrafficSettings }
  | { type: 'stopTraffic' };

export interface PanelContext {
  environments: string[];
  environment: string;
  /** Traffic controls exist only for a sandbox (simulated users never go to real hosts). */
  canGenerateTraffic: boolean;
}

/** Extension → webview. */
export type PanelUpdate =
  /** Everything the panel shows, the full chart span: after `ready` and on environment change. */
  | { type: 'history'; context: PanelContext; view: TrafficView; traffic: TrafficControlView }
  /** About once a second: the view with only the newest chart points. */
  | { type: 'update'; view: TrafficView }
  | { type: 'traffic'; traffic: TrafficControlView }
  | { type: 'notice'; level: 'info' | 'error'; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request, or undefined for anything that is not exactly one of PanelRequest. */
export function parsePanelRequest(value: unknown): PanelRequest | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'ready':
    case 'stopTraffic':
      return { type: value.type };
    case 'selectEnvironment':
      return typeof value.environment === 'string' && value.environment.length <= 200 ? { type: 'selectEnvironment', environment: value.environment } : undefined;
    case 'startTraffic': {
      const settings = value.settings;
      if (!isRecord(settings) || typeof settings.rps !== 'number' || typeof settings.mobileShare !== 'number') return undefined;
      return { type: 'startTraffic', settings: { rps: settings.rps, mobileShare: settings.mobileShare } };
    }
    default:
      return undefined;
  }
}

/** The update, or undefined when it is not one the panel knows (checked by shape, not deeply). */
export function parsePanelUpdate(value: unknown): PanelUpdate | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'history':
      return isRecord(value.context) && isView(value.view) && isRecord(value.traffic) ? (value as unknown as PanelUpdate) : undefined;
    case 'update':
      return isView(value.view) ? (value as unknown as PanelUpdate) : undefined;
    case 'traffic':
      return isRecord(value.traffic) ? (value as unknown as PanelUpdate) : undefined;
    case 'notice':
      return (value.level === 'info' || value.level === 'error') && typeof value.message === 'string' ? (value as unknown as PanelUpdate) : undefined;
    default:
      return undefined;
  }
}

function isView(value: unknown): value is TrafficView {
  return isRecord(value) && typeof value.environment === 'string' && Array.isArray(value.points) && isRecord(value.colors) && isRecord(value.observed);
}
