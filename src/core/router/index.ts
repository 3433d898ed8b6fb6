// The router: base nginx config, njs routing logic, the state document, the files mode (no njs).
export { renderBaseConfig, upstreamName, ACCESS_LOG_KEYS, LOG_FORMAT_NAME, STATE_LOCATION, NOT_RELEASED_TEXT, type RenderInput } from './baseConfig';
export { renderRoutingScript } from './routingScript';
export { renderPlanLookup, planFileNames, planLookupServerLines, PLAN_LOOKUP_MARKER, MAX_FILES_MODE_SEGMENTS, STICKY_MAX_AGE_SECONDS } from './planFiles';
export { renderRouterFiles, type RouterFiles } from './files';
export { initialState, nextState, renderState, parseState, validatePlan, percentPlan, segmentPlan, unreleasedPlan, isUnreleased } from './state';
export { RouterRenderError } from './escape';
export { NJS_MODULE_PATH } from './njsModule';
