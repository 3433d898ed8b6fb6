// The config: bluegreen.yaml parsed into the model, with every error pinned to a line and column.

export { ConfigInvalid, compareConfigErrors, formatConfigError } from './errors';
export type { ConfigError, ConfigResult } from './errors';
export { parseConfig } from './parseConfig';
export { CONFIG_FILE_NAME, findConfigFile, loadConfig, requireConfig } from './loadConfig';
export { DEFAULTS as CONFIG_DEFAULTS } from './toModel';
export { validSummary } from './validSummary';
export * from './values';
