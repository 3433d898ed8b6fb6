// Where things are on a host, defined once (docs/hosts.md shows the same layout). Every host
// command and every stage that names a path on a host takes it from here.
import type { RouterPaths } from '../model';

/** The host tooling `hosts setup` installs (host/ in this repository). */
export const TOOLING_DIR = '/opt/bluegreen';
export const TOOLING_BIN = `${TOOLING_DIR}/bin`;
export const DEPLOY_TOOL = `${TOOLING_BIN}/deploy`;
export const SUPERVISOR_TOOL = `${TOOLING_BIN}/bluegreen-supervise`;
export const HOST_INIT_TOOL = `${TOOLING_BIN}/bluegreen-host-init`;
/** Proves what answers on an app's port (needs root to see other users' sockets). */
export const PROBE_TOOL = `${TOOLING_BIN}/bluegreen-probe`;
/**
 * nginx as docs/hosts.md's sudo rule names it (Debian's path): sudo matches a rule's command by
 * its full path and exact arguments, so the stages call it by this path under the narrow rule.
 */
export const NGINX_BIN = '/usr/sbin/nginx';
/**
 * The group whose members may write the product's files (router state, plan, lock, audit,
 * history; the apps' artifact folders): `hosts setup` hands those folders to it, and
 * docs/hosts.md adds the ssh user to it.
 */
export const PRODUCT_GROUP = 'bluegreen';
export const TOOLING_SYSTEMD_DIR = `${TOOLING_DIR}/systemd`;
/** What set the host up (hostTooling.ts): the tooling's fingerprint and the state format. */
export const TOOLING_RECORD_PATH = `${TOOLING_DIR}/tooling.json`;
export const SUPERVISOR_UNIT = 'bluegreen-supervise@.service';
export const SUPERVISOR_UNIT_PATH = `/etc/systemd/system/${SUPERVISOR_UNIT}`;
/** Where the supervisor keeps its state on every app host (host/bin/bluegreen-supervise). */
export const SUPERVISOR_STATE_DIR = '/run/bluegreen';
/** The unprivileged user the supervisor runs apps as. */
export const APP_USER = 'bluegreen-app';

/** One app's release layout on an app host. */
export interface AppLayout {
  root: string;
  releases: string;
  artifacts: string;
  log: string;
  /** The app's environment (PORT, HEALTH, …, and the operator's own lines). */
  env: string;
  /** The link to the release that runs. */
  current: string;
  /** Where the supervisor keeps this app's pid and release. */
  supervisorState: string;
}

export function appLayout(app: string): AppLayout {
  const root = `/opt/${app}`;
  return {
    root,
    releases: `${root}/releases`,
    artifacts: `${root}/artifacts`,
    log: `${root}/log`,
    env: `${root}/app.env`,
    current: `${root}/current`,
    supervisorState: `${SUPERVISOR_STATE_DIR}/${app}`,
  };
}

export function artifactPath(app: string, version: string): string {
  return `${appLayout(app).artifacts}/${app}-${version}.tar.gz`;
}

/** A router's files (Debian's nginx layout: conf.d/*.conf is included in the http block). */
export const DEFAULT_ROUTER_PATHS: RouterPaths = {
  baseConfig: '/etc/nginx/conf.d/bluegreen.conf',
  routingScript: '/etc/bluegreen/routing.js',
  state: '/var/lib/bluegreen/state.json',
  // The same path the reload mode's plan had: a router set up before the files mode reads as
  // one whose lookup is out of date, so the stages send it to hosts setup.
  planLookup: '/etc/bluegreen/plan.conf',
  planFiles: '/var/lib/bluegreen/plan',
  dataDir: '/var/lib/bluegreen',
  accessLog: '/var/log/nginx/bluegreen.access.log',
  siteSnippet: '/etc/bluegreen/site.conf',
};

export function routerDataFile(paths: RouterPaths, file: 'lock.json' | 'audit.jsonl' | 'history.jsonl'): string {
  return `${paths.dataDir}/${file}`;
}
