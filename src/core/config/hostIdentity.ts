// When two host names are the same host. DNS compares names without regard to case and treats
// a trailing dot (the fully qualified form) as the same name, so `LB1`, `lb1` and `lb1.` are one
// router; and `::1` and `0:0:0:0:0:0:0:1` are one IPv6 address. The config checks compare hosts
// by this identity, so the same machine cannot pass as two (one in each color, say).

import { isIPv6 } from './values';

export function hostIdentity(name: string): string {
  if (isIPv6(name)) {
    try {
      return new URL(`http://[${name}]/`).hostname;
    } catch {
      return name.toLowerCase();
    }
  }
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}
