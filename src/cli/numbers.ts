// Numbers given on the command line. JavaScript's Number() reads "" as 0 and accepts 0x0A, 1e1
// and " 7 ", so `--percent=` would quietly mean 0 and a stage would go on. Options take plain
// decimal digits only, checked against their range, or the command stops with exit 2.
import { InputError } from '../core/errors';
import { printableLine } from '../core/printable';

/** A whole number written in decimal digits, from `min` to `max`. */
export function parseInteger(text: string, option: string, min: number, max: number): number {
  const value = /^\d{1,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`${option} must be a whole number from ${min} to ${max}, got "${printableLine(text)}"`,
      `write it in decimal digits, e.g. ${option} ${Math.min(max, Math.max(min, 10))}`);
  }
  return value;
}

/** A share from 0 to 1 in plain decimal notation: 0, 1, 0.3, .25. */
export function parseShare(text: string, option: string): number {
  const value = /^(?:\d{1,3}(?:\.\d{1,9})?|\.\d{1,9})$/.test(text) ? Number(text) : NaN;
  if (!(value >= 0 && value <= 1)) {
    throw new InputError(`${option} must be a share from 0 to 1, got "${printableLine(text)}"`, `write it as a decimal, e.g. ${option} 0.3`);
  }
  return value;
}
