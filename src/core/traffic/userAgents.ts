// Real User-Agent strings of current browsers, so simulated users meet the same segment rules
// (e.g. the sample's mobile regex `(?i)(android|iphone|ipad|mobile)`) that real users do.

export type UserAgentKind = 'web' | 'mobile';
export const USER_AGENT_KINDS: readonly UserAgentKind[] = ['web', 'mobile'];

/** Desktop browsers: none of them says android, iphone, ipad or mobile. */
export const WEB_USER_AGENTS: readonly string[] = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51',
];

/** Phones and tablets: each one says android, iphone, ipad or mobile. */
export const MOBILE_USER_AGENTS: readonly string[] = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
  'Mozilla/5.0 (iPad; CPU OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36',
];

export const USER_AGENTS: Record<UserAgentKind, readonly string[]> = { web: WEB_USER_AGENTS, mobile: MOBILE_USER_AGENTS };

/**
 * Whether request number `index` of a run is a mobile user. Spreads mobile requests evenly
 * (like Bresenham's line), so any run of n requests holds round(n × share) ± 1 of them and a
 * test can predict the exact count, which a random draw would not allow.
 */
export function isMobileRequest(index: number, mobileShare: number): boolean {
  return Math.floor((index + 1) * mobileShare) > Math.floor(index * mobileShare);
}
