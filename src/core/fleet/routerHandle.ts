// A router as the fleet sees it: how to reach it, where its files are, whether writes need sudo.
import { RouterPaths, SiteSpec, plainSite } from '../model';
import { Transport, runOnHosts } from '../transport';

export interface RouterHandle {
  name: string;
  transport: Transport;
  paths: RouterPaths;
  /** Real hosts are reached as a non-root user; their router files need sudo. */
  sudo: boolean;
  /** The port nginx serves users on, on the router itself (probed at 127.0.0.1); 80 when absent. */
  listenPort?: number;
  /** How users reach it (real hosts' `site:`); plain HTTP on listenPort when absent. */
  site?: SiteSpec;
}

/** The router's site: its own, or plain HTTP on its listen port for any name. */
export function routerSite(router: Pick<RouterHandle, 'site' | 'listenPort'>): SiteSpec {
  return router.site ?? plainSite(router.listenPort);
}

/** Runs `fn` on every router in parallel; never rejects — each result says ok or the error. */
export function onRouters<T>(routers: RouterHandle[], fn: (router: RouterHandle) => Promise<T>) {
  return runOnHosts(routers.map((r) => r.transport), (transport) =>
    fn(routers.find((r) => r.transport === transport) as RouterHandle));
}
