// The one line that says a config is valid, for both faces. A config may name thousands of
// environments; the line names the first few and counts the rest (`--json` lists them all).

import type { BluegreenConfig } from '../model';

/** How many names of each kind the line shows before it counts the rest. */
const NAMES_SHOWN = 10;

/** 5100 → "5,100", without toLocaleString, whose first call loads ICU's data (about 25 ms). */
function withThousands(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+$)/g, ',');
}

function someOf(names: string[]): string {
  if (names.length <= NAMES_SHOWN) return names.join(', ');
  return `${names.slice(0, NAMES_SHOWN).join(', ')} and ${withThousands(names.length - NAMES_SHOWN)} more`;
}

/** `<shown> is valid: apps …; environments …`. */
export function validSummary(shown: string, config: BluegreenConfig): string {
  return `${shown} is valid: apps ${someOf(config.apps.map((a) => a.name))}; environments ${someOf(Object.keys(config.environments))}`;
}
