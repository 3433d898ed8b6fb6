// Every command `bluegreen hosts setup` runs on a router (hosts/setupHosts.ts runs them): what
// the router has (njs, a state document, the managed files' checksums, a listener), then the
// install — back up, put the files (in files mode the plan's files first), `nginx -t` and reload
// (or start), and on failure the previous files back. Pinned by
// test/unit/host-commands-setup.test.ts in both routing modes.
import path from 'node:path';
import type { RoutingMode } from '../model';
import type { RouterFiles } from '../router/files';
import { NJS_MODULE_PATH } from '../router/njsModule';
import { shellQuote as q } from '../transport/shellQuote';
import { HostCommand, HostStep, fileWrite, hostCommand } from './hostCommand';
import { PRODUCT_GROUP, TOOLING_DIR } from './layout';
import { PRODUCT_GROUP_SCRIPT } from './appHostSetupCommands';
import { type PlanFilesChange, type RouterTarget, planFolder, switchPlanScript, writePlanFilesScript } from './routerCommands';

/**
 * Debian's package with the njs module: it installs NJS_MODULE_PATH and enables it
 * (modules-enabled/50-mod-http-js.conf). Installed with appHostSetupCommands.ts' aptInstallCommand.
 */
export const NJS_PACKAGE = 'libnginx-mod-http-js';

/** Succeeds when the router has the njs module (then routing reads the state document; files mode otherwise). */
export function detectNjsCommand(): HostCommand {
  return hostCommand('look for the njs module', `test -e ${q(NJS_MODULE_PATH)}`, { sudo: false, effect: 'read' });
}

/** The state document the router carries, if any: setup keeps it (setup never moves traffic). */
export function readExistingStateCommand(router: RouterTarget): HostCommand {
  return hostCommand('read the existing state document', `cat ${q(router.paths.state)} 2>/dev/null`, { sudo: router.sudo, effect: 'read' });
}

/** The files setup owns (the state document is the stages'): backed up, compared, put back. */
export function managedRouterFiles(router: RouterTarget): string[] {
  const p = router.paths;
  return [p.baseConfig, p.routingScript, p.planLookup, p.siteSnippet];
}

/** One line per managed file, in managedRouterFiles' order: its sha256, or `absent`. */
export function managedFilesChecksumCommand(router: RouterTarget): HostCommand {
  return hostCommand('checksum the managed files',
    managedRouterFiles(router).map((f) => `if [ -e ${q(f)} ]; then sha256sum < ${q(f)} | cut -d' ' -f1; else echo absent; fi`).join('; '),
    { sudo: router.sudo, effect: 'read' });
}

/** Succeeds when nginx answers on its listener (on the router itself; port 80 when not set). */
export function listenerCheckCommand(listenPort: number | undefined): HostCommand {
  return hostCommand('check that nginx answers on its listener',
    `curl -s -o /dev/null --max-time 3 http://127.0.0.1:${listenPort ?? 80}/ 2>/dev/null`, { sudo: false, effect: 'read' });
}

/**
 * The router files' folders made, and each managed file kept as `.before-setup` — or, when it
 * does not exist, marked `.absent-before-setup` — so a refused config can be undone exactly.
 */
export function backupBeforeSetupCommand(router: RouterTarget): HostCommand {
  const p = router.paths;
  const folders = [...new Set([p.baseConfig, p.routingScript, p.state, p.planLookup, p.siteSnippet].map((f) => path.posix.dirname(f))), p.dataDir];
  return hostCommand('make the router folders and keep the managed files as they are',
    folders.map((d) => `mkdir -p ${q(d)}`).join(' && ')
    + ' && ' + managedRouterFiles(router).map((f) => `{ if [ -e ${q(f)} ]; then cp -p ${q(f)} ${q(f + '.before-setup')}; else touch ${q(f + '.absent-before-setup')}; fi; }`).join(' && '),
    { sudo: router.sudo, effect: 'record' });
}

/**
 * The rendered files put in place: base config, routing script (njs mode), state, plan lookup
 * (files mode). In njs mode a stale lookup would make readers think the router is in files mode,
 * so it goes, with the plan files.
 */
export function installRouterFilesSteps(router: RouterTarget, files: RouterFiles, mode: RoutingMode): HostStep[] {
  const p = router.paths;
  const sudo = router.sudo;
  const steps: HostStep[] = [fileWrite('put the base config', p.baseConfig, files.baseConfig, { sudo })];
  if (files.routingScript) steps.push(fileWrite('put the routing script', p.routingScript, files.routingScript, { sudo }));
  if (files.siteSnippet) steps.push(fileWrite('put the site snippet (include mode)', p.siteSnippet, files.siteSnippet, { sudo }));
  steps.push(fileWrite('put the state document', p.state, files.state, { sudo }));
  if (mode === 'files' && files.planLookup) steps.push(fileWrite('put the plan lookup', p.planLookup, files.planLookup, { sudo }));
  if (mode === 'njs') steps.push(removeStalePlanCommand(router));
  return steps;
}

export function removeStalePlanCommand(router: RouterTarget): HostCommand {
  return hostCommand('remove a stale plan lookup and plan files (njs mode)', `rm -rf ${q(router.paths.planLookup)} ${q(router.paths.planFiles)}`, { sudo: router.sudo, effect: 'change' });
}

/**
 * Files mode: the plan's files for the state setup leaves, in place before nginx loads a lookup
 * that reads them. Left alone when `current` already points at them (a live folder is never
 * rewritten under the requests reading it).
 */
export function putPlanFilesCommand(router: RouterTarget, plan: PlanFilesChange): HostCommand {
  const current = `${router.paths.planFiles}/current`;
  return hostCommand(`put the plan files of state #${plan.serial}`,
    `mkdir -p ${q(router.paths.planFiles)} && if [ "$(readlink ${q(current)})" = ${q(`plan-${plan.serial}`)} ] && [ -d ${q(planFolder(router, plan.serial))} ]; then true; `
    + `else ${writePlanFilesScript(router, plan)} >/dev/null && ${switchPlanScript(router, plan.serial)}; fi`,
    { sudo: router.sudo, effect: 'change' });
}

/** `nginx -t`, then reload — or start nginx when it does not run. */
export function checkAndApplyCommand(router: RouterTarget): HostCommand {
  return hostCommand('check the config with nginx -t and reload (or start) nginx', 'nginx -t 2>&1 && (nginx -s reload 2>&1 || nginx 2>&1)', {
    sudo: router.sudo, effect: 'change',
  });
}

function removeBackupsScript(router: RouterTarget): string {
  return managedRouterFiles(router).map((f) => `rm -f ${q(f + '.before-setup')} ${q(f + '.absent-before-setup')}`).join('; ');
}

/** When nginx refused the config: each managed file as it was before setup, then the backups removed. */
export function restoreBeforeSetupCommand(router: RouterTarget): HostCommand {
  return hostCommand('put the files from before setup back',
    managedRouterFiles(router).map((f) => `if [ -e ${q(f + '.absent-before-setup')} ]; then rm -f ${q(f)}; elif [ -e ${q(f + '.before-setup')} ]; then mv -f ${q(f + '.before-setup')} ${q(f)}; fi`).join('; ')
    + '; ' + removeBackupsScript(router),
    { sudo: router.sudo, effect: 'change' });
}

/** After nginx took the config: the backups removed. */
export function removeSetupBackupsCommand(router: RouterTarget): HostCommand {
  return hostCommand('remove the backups from before setup', removeBackupsScript(router), { sudo: router.sudo, effect: 'record' });
}

/**
 * The folders the stages write on a router (state, plan files, lock, audit, history: never
 * nginx's configuration, which only `hosts setup` writes) handed to the product's group:
 * group-writable, setgid so new files keep the group. The stages then write them as the ssh user,
 * with no sudo. Run at every setup: files an older setup or a stage run as root left behind
 * become the group's too.
 */
export function routerFilesForGroupCommand(router: RouterTarget): HostCommand {
  const p = router.paths;
  const folders = [path.posix.dirname(p.state), p.dataDir, p.planFiles].filter((d, i, all) => all.indexOf(d) === i);
  return hostCommand(`hand the router's folders to group ${PRODUCT_GROUP}`,
    `${PRODUCT_GROUP_SCRIPT} && `
    + folders.map((d) => `mkdir -p ${q(d)} && chgrp -R ${PRODUCT_GROUP} ${q(d)} && chmod -R g+rwX ${q(d)} && chmod g+s ${q(d)}`).join(' && '),
    { sudo: router.sudo, effect: 'change' });
}

/** The folder the tooling record goes in (appHostSetupCommands.ts' toolingRecordFile). */
export function makeToolingDirCommand(sudo: boolean): HostCommand {
  return hostCommand('make the tooling folder', `mkdir -p ${TOOLING_DIR}`, { sudo, effect: 'record' });
}

/** The install in the order it runs, with both outcomes of `apply`. */
export interface RouterSetupSequence {
  backup: HostCommand;
  install: HostStep[];
  apply: HostCommand;
  /** When `apply` fails. */
  restore: HostCommand;
  /** When `apply` succeeds. */
  cleanup: HostCommand;
}

export function routerSetupSequence(router: RouterTarget, files: RouterFiles, mode: RoutingMode): RouterSetupSequence {
  return {
    backup: backupBeforeSetupCommand(router),
    install: installRouterFilesSteps(router, files, mode),
    apply: checkAndApplyCommand(router),
    restore: restoreBeforeSetupCommand(router),
    cleanup: removeSetupBackupsCommand(router),
  };
}
