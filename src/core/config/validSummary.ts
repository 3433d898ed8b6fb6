// The one line that says a config is valid, for both faces. A config may name thousands of
// environments; the line names the first few and counts the rest (`--json` lists them all).

import type { BluegreenConfig } from '../model';

/** How many names of each kind the line shows before it counts the rest. */
const NAMES_SHOWN = 10;

function someOf(names: string[]): string {
  if (names.length <= NAMES_SHOWN) return names.join(', ');
  return `${names.slice(0, NAMES_SHOWN).join(', ')} and ${(names.length - NAMES_SHOWN).toLocaleString('en-US')} more`;
}

/** `<shown> is valid: apps …; environments …`. */
export function validSummary(shown: string, config: BluegreenConfig): string {
  return `${shown} is valid: apps ${someOf(config.apps.map((a) => a.name))}; environments ${someOf(Object.keys(config.environments))}`;
}
