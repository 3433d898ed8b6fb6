// Everything one router needs, as the exact bytes the stages write to `input.paths`.

import type { RouterState } from '../model';
import { renderBaseConfig, renderSiteSnippet, type RenderInput } from './baseConfig';
import { RouterRenderError } from './escape';
import { planFileNames, renderPlanLookup } from './planFiles';
import { renderRoutingScript } from './routingScript';
import { renderState } from './state';

export interface RouterFiles {
  /** To `paths.baseConfig`. */
  baseConfig: string;
  /** To `paths.routingScript` (mode njs only). */
  routingScript?: string;
  /** To `paths.planLookup` (files mode only). */
  planLookup?: string;
  /** Files mode only: the empty files under `paths.planFiles` that spell the state's plan, by its serial. */
  planFiles?: { serial: number; names: string[] };
  /** To `paths.state` (both modes: the routers are the source of truth). */
  state: string;
  /** To `paths.siteSnippet` (include mode only: the operator's server block includes it). */
  siteSnippet?: string;
}

export function renderRouterFiles(input: RenderInput, state: RouterState): RouterFiles {
  // The base config's fallback and the state must agree on the cookie that keeps clients sticky.
  if (state.stickyCookie !== input.traffic.stickyCookie) {
    throw new RouterRenderError(
      `state document uses sticky cookie "${state.stickyCookie}" but the config says "${input.traffic.stickyCookie}"`,
    );
  }
  const files: RouterFiles = { baseConfig: renderBaseConfig(input), state: renderState(state) };
  if (input.site?.include) files.siteSnippet = renderSiteSnippet(input);
  if (input.mode === 'njs') files.routingScript = renderRoutingScript();
  else {
    files.planLookup = renderPlanLookup(input);
    files.planFiles = { serial: state.serial, names: planFileNames(state, input.traffic) };
  }
  return files;
}
