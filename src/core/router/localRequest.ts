// A request made on a router to its own listener, the way users reach it (`site:`): HTTPS when
// the site has it (a plain-HTTP listener may only redirect), with the site's name, so the
// product's server block — or the operator's, in include mode — is the one that answers. The
// certificate is not checked: this request proves the routing, and the router's own name may
// not be on the certificate the site serves.
import type { SiteSpec } from '../model';

export interface LocalRequest {
  url: string;
  /** curl --resolve NAME:PORT:127.0.0.1, so TLS sees the site's name (SNI) on the loopback. */
  resolve?: string;
  /** A Host header for plain HTTP to a named site. */
  hostHeader?: string;
  /** curl -k: HTTPS to the loopback under the site's name. */
  insecure: boolean;
}

/** A name a request can carry that the site's server_name matches (`*.shop.example` → `bluegreen.shop.example`). */
export function siteRequestName(site: SiteSpec): string | undefined {
  const name = site.serverNames.find((n) => !n.startsWith('*.')) ?? site.serverNames[0];
  return name?.startsWith('*.') ? `bluegreen${name.slice(1)}` : name;
}

export function localRequest(site: SiteSpec, path: string): LocalRequest {
  const name = siteRequestName(site);
  if (site.https) {
    const port = site.https.port;
    return name
      ? { url: `https://${name}:${port}${path}`, resolve: `${name}:${port}:127.0.0.1`, insecure: true }
      : { url: `https://127.0.0.1:${port}${path}`, insecure: true };
  }
  return { url: `http://127.0.0.1:${site.http ?? 80}${path}`, ...(name ? { hostHeader: name } : {}), insecure: false };
}
