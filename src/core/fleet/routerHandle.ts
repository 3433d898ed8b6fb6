// A router as the fleet sees it: how to reach it, where its files are, whether writes need sudo.
import { RouterPaths } from '../model';
import { Transport, runOnHosts } from '../transport';

export interface RouterHandle {
  name: string;
  transport: Transport;
  paths: RouterPaths;
  /** Real hosts are reached as a non-root user; their router files need sudo. */
  sudo: boolean;
  /** The port nginx serves users on, on the router itself (probed at 127.0.0.1); 80 when absent. */
  listenPort?: number;
}

/** Runs `fn` on every router in parallel; never rejects — each result says ok or the error. */
export function onRouters<T>(routers: RouterHandle[], fn: (router: RouterHandle) => Promise<T>) {
  return runOnHosts(routers.map((r) => r.transport), (transport) =>
    fn(routers.find((r) => r.transport === transport) as RouterHandle));
}
