// Every command `bluegreen hosts setup` runs on an app host (hosts/setupHosts.ts runs them in this
// order): the app user and the tooling folders (and whether systemd runs), the host tooling and the
// supervisor's unit, each app's release layout, and its supervisor kept running. Last, the tooling
// record (routers get it too: routerSetupCommands.ts). Before all that, the packages the host lacks:
// each app's runtime looked for, and with `--install` Debian's package installed by apt-get (routers
// install the njs module with the same commands). Pinned by test/unit/host-commands-setup.test.ts.
import type { AppSpec, Color, StockRuntime } from '../model';
import { shellQuote as q } from '../transport/shellQuote';
import { HostCommand, HostFileWrite, fileWrite, hostCommand } from './hostCommand';
import {
  APP_USER, PRODUCT_GROUP, SUPERVISOR_TOOL, SUPERVISOR_UNIT, SUPERVISOR_UNIT_PATH, TOOLING_BIN, TOOLING_RECORD_PATH, TOOLING_SYSTEMD_DIR, appLayout,
} from './layout';

/** The host tooling's programs: host/bin/<name> in this repository, TOOLING_BIN/<name> on a host. */
export const HOST_TOOLS = ['deploy', 'bluegreen-supervise', 'bluegreen-host-init', 'bluegreen-probe'] as const;

/** The apps run as APP_USER, an unprivileged system user (the supervisor drops to it). */
const APP_USER_SCRIPT = `{ id -u ${APP_USER} >/dev/null 2>&1 || useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ${APP_USER}; }`;

/** The group whose members may write the product's files (docs/hosts.md adds the ssh user to it). */
export const PRODUCT_GROUP_SCRIPT = `{ getent group ${PRODUCT_GROUP} >/dev/null || groupadd --system ${PRODUCT_GROUP}; }`;

/**
 * The app user and the product's group (created when missing) and the tooling folders; prints `systemd` when systemd
 * runs the host (then each supervisor becomes an enabled unit, otherwise it is started by setsid).
 */
export function prepareAppHostCommand(sudo: boolean): HostCommand {
  return hostCommand('create the app user and the tooling folders, detect systemd',
    `${APP_USER_SCRIPT} && ${PRODUCT_GROUP_SCRIPT} && mkdir -p ${TOOLING_BIN} ${TOOLING_SYSTEMD_DIR} && if [ -d /run/systemd/system ]; then echo systemd; fi`,
    { sudo, effect: 'change' });
}

/** One of HOST_TOOLS, executable. */
export function hostToolFile(name: string, bytes: Buffer, sudo: boolean): HostFileWrite {
  return fileWrite(`install the host tool ${name}`, `${TOOLING_BIN}/${name}`, bytes, { sudo, mode: 0o755 });
}

/** The supervisor's unit beside the tooling (for hosts without systemd, and for reference). */
export function supervisorUnitCopyFile(unit: Buffer, sudo: boolean): HostFileWrite {
  return fileWrite('keep the supervisor unit with the tooling', `${TOOLING_SYSTEMD_DIR}/${SUPERVISOR_UNIT}`, unit, { sudo });
}

/** Under systemd: the unit where systemd reads it, then daemon-reload. */
export function supervisorUnitFile(unit: Buffer, sudo: boolean): HostFileWrite {
  return fileWrite('install the supervisor unit for systemd', SUPERVISOR_UNIT_PATH, unit, { sudo });
}

export function systemdReloadCommand(sudo: boolean): HostCommand {
  return hostCommand('make systemd read the supervisor unit', 'systemctl daemon-reload', { sudo, effect: 'change' });
}

/**
 * One app's release layout, and its app.env with the lines the supervisor and the deploy script
 * read. app.env is the operator's too (DATABASE_URL, …): written only when absent, never overwritten.
 * The artifact folder belongs to the product's group (setgid): the ssh user puts artifacts there
 * without root.
 */
export function appLayoutCommand(app: AppSpec, color: Color, sudo: boolean): HostCommand {
  const layout = appLayout(app.name);
  const env = [`PORT=${app.port}`, `HEALTH=${app.health}`, `BLUEGREEN_APP=${app.name}`, `BLUEGREEN_COLOR=${color}`].join('\n');
  return hostCommand(`make ${app.name}'s release layout (app.env only when absent)`,
    `mkdir -p ${q(layout.releases)} ${q(layout.artifacts)} ${q(layout.log)} && `
    + `chgrp ${PRODUCT_GROUP} ${q(layout.artifacts)} && chmod 2775 ${q(layout.artifacts)} && `
    + `{ [ -e ${q(layout.env)} ] || printf '%s\\n' ${q(env)} > ${q(layout.env)}; }`,
    { sudo, effect: 'change' });
}

/** The systemd unit instance that supervises `app`. */
export function supervisorUnitName(app: string): string {
  return `${SUPERVISOR_UNIT.slice(0, SUPERVISOR_UNIT.indexOf('@') + 1)}${app}`;
}

/** Succeeds when `app`'s supervisor runs, whoever started it. */
function supervisorRunningScript(app: string): string {
  return `pgrep -f ${q(`bluegreen-supervise ${app}$`)} >/dev/null`;
}

/**
 * Without systemd: `setsid`, so the supervisor survives the SSH session and still handles SIGHUP
 * (never `nohup`). A supervisor that already runs is left alone: replacing it would restart the app.
 */
export function startSupervisorCommand(app: string, sudo: boolean): HostCommand {
  return hostCommand(`start ${app}'s supervisor with setsid unless it runs`,
    `${supervisorRunningScript(app)} || setsid ${SUPERVISOR_TOOL} ${q(app)} >/dev/null 2>&1 < /dev/null &`, { sudo, effect: 'change' });
}

/**
 * Under systemd: the unit enabled (back after a reboot; exit 3 when that fails), then started
 * unless it is active or a supervisor runs outside systemd (started before: starting the unit
 * would restart the app). Prints `unit`, `outside` or `started`.
 */
export function enableSupervisorCommand(app: string, sudo: boolean): HostCommand {
  const unit = q(supervisorUnitName(app));
  return hostCommand(`enable ${app}'s supervisor unit and start it unless a supervisor runs`,
    `systemctl enable ${unit} >/dev/null 2>&1 || exit 3; `
    + `if systemctl is-active --quiet ${unit}; then echo unit; elif ${supervisorRunningScript(app)}; then echo outside; else systemctl start ${unit} && echo started; fi`,
    { sudo, effect: 'change' });
}

/** The groups `user` is in, space-separated (empty when there is no such user): the stages' ssh user needs PRODUCT_GROUP (and adm on routers). */
export function userGroupsCommand(user: string): HostCommand {
  return hostCommand(`read the groups of ${user}`, `id -nG ${q(user)} 2>/dev/null || true`, { sudo: false, effect: 'read' });
}

/**
 * What set the host up (hosts/hostTooling.ts), on app hosts and routers alike. Written last: the
 * record says the host is ready for this version's stages.
 */
export function toolingRecordFile(record: string | Buffer, sudo: boolean): HostFileWrite {
  return fileWrite('record what set the host up', TOOLING_RECORD_PATH, record, { sudo, effect: 'record' });
}

/**
 * The stock runtimes on a real app host: the program the app's `run` starts, and Debian's package
 * that brings it (Debian 12's JRE, the one the sample api and the sandbox's java runtime use).
 */
export const RUNTIME_PACKAGES: Record<StockRuntime, { program: string; package: string }> = {
  node: { program: 'node', package: 'nodejs' },
  java: { program: 'java', package: 'openjdk-17-jre-headless' },
};

/** Prints each of `programs` that is not on the PATH, one per line (nothing when all are there). */
export function missingProgramsCommand(programs: string[]): HostCommand {
  return hostCommand(`look for ${programs.join(', ')} on the PATH`,
    `for p in ${programs.map(q).join(' ')}; do command -v "$p" >/dev/null 2>&1 || echo "$p"; done`, { sudo: false, effect: 'read' });
}

/** Succeeds when the host has apt-get (Debian, Ubuntu): then setup can install what is missing. */
export function aptGetCheckCommand(): HostCommand {
  return hostCommand('look for apt-get', 'command -v apt-get >/dev/null 2>&1', { sudo: false, effect: 'read' });
}

/** apt-get's install, unattended: no prompts, no recommends, English messages, waiting for another apt's lock. */
const APT_INSTALL = 'apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=120';

/** An install of Debian packages never hangs setup: apt's own lock wait included, it ends within this. */
export const PACKAGE_INSTALL_TIMEOUT_MS = 15 * 60_000;

/**
 * Installs Debian `packages` with apt-get, as root (setup's login). A fresh server (a cloud or container image)
 * often has no package index: only when the install fails for lack of one (the package unknown,
 * no candidate, an archive gone) does `apt-get update` run, then the install once more. Prints
 * apt's output; its last lines say why when it fails. Slim images drop man pages, and the JRE's
 * alternatives need man1 (as docs/hosts.md's operator step for the api does).
 */
export function aptInstallCommand(packages: string[], sudo: boolean): HostCommand {
  const list = packages.map(q).join(' ');
  const man = packages.some((p) => p.startsWith('openjdk-')) ? 'mkdir -p /usr/share/man/man1; ' : '';
  return hostCommand(`install ${packages.join(', ')} with apt-get`,
    `export DEBIAN_FRONTEND=noninteractive LC_ALL=C; ${man}`
    + `out=$(${APT_INSTALL} ${list} 2>&1) && { printf '%s\\n' "$out"; exit 0; }; `
    + `case "$out" in *'Unable to locate package'*|*'has no installation candidate'*|*'apt-get update'*) `
    + `apt-get update 2>&1 && ${APT_INSTALL} ${list} 2>&1; exit $?;; esac; `
    + `printf '%s\\n' "$out"; exit 1`,
    { sudo, effect: 'change', timeoutMs: PACKAGE_INSTALL_TIMEOUT_MS });
}

/** The same install as an operator types it on the host (a hint when setup does not install). */
export function aptInstallByHand(packages: string[]): string {
  return `sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}
