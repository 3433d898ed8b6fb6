// Every command the product runs on a router (setup's are in routerSetupCommands.ts). The most
// dangerous sequence — write beside the live file and checksum it, `nginx -t`, rename, reload,
// and each step's undo — is here in the order applyState runs it, pinned by
// test/unit/host-commands.test.ts as exact strings in both routing modes.
// Every one runs as the login user: under docs/hosts.md's narrow sudo rule only `nginx -t` and
// `nginx -s reload` go through `sudo -n` (nginxLine); the product's files are the group's.
import { createHash } from 'node:crypto';
import type { RouterPaths } from '../model';
import type { LocalRequest } from '../router/localRequest';
import { shellQuote as q } from '../transport/shellQuote';
import { HostAccess, HostCommand, HostFileWrite, asRoot, fileWrite, hostAccess, hostCommand } from './hostCommand';
import { NGINX_BIN, TOOLING_RECORD_PATH, routerDataFile } from './layout';

/** One router: where its files are, and `ssh.sudo` (the login has only the narrow sudo rule: see HostAccess). */
export interface RouterTarget {
  paths: RouterPaths;
  sudo: boolean;
}

/** `nginx -t` or `nginx -s reload`: by the path the sudo rule lists, under `sudo -n`, where the login has only that rule. */
export function nginxLine(access: HostAccess, args: '-t' | '-s reload'): string {
  return access === 'sudo' ? asRoot(access, `${NGINX_BIN} ${args}`) : `nginx ${args}`;
}

function nginxOf(router: RouterTarget, args: '-t' | '-s reload'): string {
  return nginxLine(hostAccess(router.sudo), args);
}

/**
 * Files the stages create are group-writable (umask 002): any member of the product's group may
 * append to the audit and history, or take over a lock, whoever created them (the directories are
 * setgid, so the group is kept).
 */
const GROUP_UMASK = 'umask 002';

/** Separate the parts of readRouterCommand's output. */
export const READING_SEPARATORS = {
  mode: '\n--bluegreen-mode--\n',
  probe: '\n--bluegreen-probe--\n',
  tooling: '\n--bluegreen-tooling--\n',
} as const;

/**
 * One round trip that reads everything a stage needs from a router: the state document, the
 * routing mode (a fallback plan file means reload mode), whether nginx answers on its listener,
 * and `hosts setup`'s record.
 */
export function readRouterCommand(router: RouterTarget, probe: LocalRequest): HostCommand {
  const { state, fallbackPlan } = router.paths;
  const script = `cat ${q(state)} 2>/dev/null; ${printSeparator(READING_SEPARATORS.mode)}; `
    + `if [ -e ${q(fallbackPlan)} ]; then echo reload; else echo njs; fi; ${printSeparator(READING_SEPARATORS.probe)}; `
    + `${httpCodeScript(probe)}; ${printSeparator(READING_SEPARATORS.tooling)}; cat ${q(TOOLING_RECORD_PATH)} 2>/dev/null || true`;
  return hostCommand('read the state, routing mode, listener and tooling record', script, { sudo: false, effect: 'read', timeoutMs: 15_000 });
}

/** printf's own `\n` escapes, so the command stays on one line in logs and plans. */
function printSeparator(separator: string): string {
  return `printf '${separator.replaceAll('\n', '\\n')}'`;
}

/** curl's arguments for a request on the router to its own listener, as users reach it. */
export function curlTarget(request: LocalRequest): string {
  return [
    request.insecure ? '-k' : '',
    request.resolve ? `--resolve ${q(request.resolve)}` : '',
    request.hostHeader ? `-H ${q(`Host: ${request.hostHeader}`)}` : '',
    q(request.url),
  ].filter(Boolean).join(' ');
}

/** Prints the HTTP status of `request` made on the host, `nocurl` without curl. */
function httpCodeScript(request: LocalRequest): string {
  return `if command -v curl >/dev/null 2>&1; then curl -s -o /dev/null -w '%{http_code}' --max-time 3 ${curlTarget(request)} || true; else echo nocurl; fi`;
}

// --- the router change (applyState) ---

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Step 1: the next state document beside the live one, read back as a checksum. */
export function writeNextStateCommand(router: RouterTarget, stateText: string): HostCommand {
  const target = `${router.paths.state}.next`;
  return hostCommand('write the next state document beside the live one and checksum it', `${GROUP_UMASK} && cat > ${q(target)} && sha256sum ${q(target)}`, {
    sudo: false, effect: 'record', input: stateText, timeoutMs: 30_000, assumed: { stdout: `${sha256(stateText)}  ${target}\n` },
  });
}

/** Step 1, reload mode: the plan's nginx directives beside the live ones. */
export function writeNextPlanFile(router: RouterTarget, planText: string): HostFileWrite {
  return fileWrite('write the next fallback plan beside the live one', `${router.paths.fallbackPlan}.next`, planText, { sudo: false, effect: 'record' });
}

/**
 * Step 2, reload mode: swap the plan in and check it with `nginx -t`, which reads the live path.
 * No reload yet: traffic is untouched. The previous plan is kept as `.prev` for the undo (a
 * fresh copy: an old `.prev` may belong to another member of the group).
 */
export function checkNextPlanCommand(router: RouterTarget): HostCommand {
  const plan = router.paths.fallbackPlan;
  return hostCommand('swap the next plan in (no reload) and check it with nginx -t',
    `rm -f ${q(plan + '.prev')} && cp -p ${q(plan)} ${q(plan + '.prev')} && mv -f ${q(plan + '.next')} ${q(plan)} && ${nginxOf(router, '-t')} 2>&1`, {
      sudo: false, effect: 'change', timeoutMs: 30_000,
    });
}

/** Step 3: make it live — rename the state in; reload-mode routers then reload nginx. */
export function applyNextStateCommand(router: RouterTarget, reload: boolean): HostCommand {
  return hostCommand(reload ? 'make the state live and reload nginx' : 'make the state live (njs reads it per request)',
    `mv -f ${q(router.paths.state + '.next')} ${q(router.paths.state)}${reload ? ` && ${nginxOf(router, '-s reload')}` : ''} 2>&1`, {
      sudo: false, effect: 'change', timeoutMs: 30_000,
    });
}

/** Undo of step 3: the exact bytes the router carried before. */
export function restoreStateFile(router: RouterTarget, previousText: string): HostFileWrite {
  return fileWrite('put the previous state document back', router.paths.state, previousText, { sudo: false });
}

/** Undo of step 2 (and of step 3 in reload mode, with a reload): the previous plan back. */
export function restorePlanCommand(router: RouterTarget, reload: boolean): HostCommand {
  const plan = router.paths.fallbackPlan;
  return hostCommand(reload ? 'put the previous plan back and reload nginx' : 'put the previous plan back',
    `mv -f ${q(plan + '.prev')} ${q(plan)}${reload ? ` && ${nginxOf(router, '-s reload')}` : ''}`, { sudo: false, effect: 'change', timeoutMs: 30_000 });
}

/** After a failed change: nothing half-written stays beside the live files. */
export function removeNextFilesCommand(router: RouterTarget): HostCommand {
  return hostCommand('remove the files written beside the live ones', `rm -f ${q(router.paths.state + '.next')} ${q(router.paths.fallbackPlan + '.next')}`, {
    sudo: false, effect: 'record', timeoutMs: 30_000,
  });
}

/** Step 4: the history records what went live. */
export function appendHistoryCommand(router: RouterTarget, lines: string): HostCommand {
  return appendDataCommand(router, 'history.jsonl', lines, 'append the new state to the history');
}

export function readHistoryCommand(router: RouterTarget, count: number): HostCommand {
  return tailDataCommand(router, 'history.jsonl', count, 'read the state history');
}

// --- audit log ---

export function appendAuditCommand(router: RouterTarget, line: string): HostCommand {
  return appendDataCommand(router, 'audit.jsonl', line, 'append the audit line');
}

export function readAuditCommand(router: RouterTarget, count: number): HostCommand {
  return tailDataCommand(router, 'audit.jsonl', count, 'read the audit log');
}

function appendDataCommand(router: RouterTarget, file: 'audit.jsonl' | 'history.jsonl', text: string, purpose: string): HostCommand {
  return hostCommand(purpose, `${GROUP_UMASK} && mkdir -p ${q(router.paths.dataDir)} && cat >> ${q(routerDataFile(router.paths, file))}`, {
    sudo: false, effect: 'record', input: text, timeoutMs: 30_000,
  });
}

function tailDataCommand(router: RouterTarget, file: 'audit.jsonl' | 'history.jsonl', count: number, purpose: string): HostCommand {
  return hostCommand(purpose, `tail -n ${Math.max(1, Math.floor(count))} ${q(routerDataFile(router.paths, file))} 2>/dev/null || true`, {
    sudo: false, effect: 'read', timeoutMs: 15_000,
  });
}

// --- the release lock ---

export function readLockCommand(router: RouterTarget): HostCommand {
  return hostCommand('read the release lock', `cat ${q(routerDataFile(router.paths, 'lock.json'))} 2>/dev/null || true`, { sudo: false, effect: 'read', timeoutMs: 15_000 });
}

/** Atomic per router: noclobber makes the write fail when someone holds the lock. */
export function takeLockCommand(router: RouterTarget, lockText: string): HostCommand {
  return hostCommand('take the release lock (fails if held)', `${GROUP_UMASK} && mkdir -p ${q(router.paths.dataDir)} && (set -C; cat > ${q(routerDataFile(router.paths, 'lock.json'))}) 2>/dev/null`, {
    sudo: false, effect: 'record', input: lockText, timeoutMs: 15_000,
  });
}

/** Rewrites the lock only while `holder` holds it (a renewed hold's new message). */
export function renewLockCommand(router: RouterTarget, holder: string, lockText: string): HostCommand {
  const file = q(routerDataFile(router.paths, 'lock.json'));
  return hostCommand('renew the held lock', `grep -qF ${holderPattern(holder)} ${file} && cat > ${file}`, {
    sudo: false, effect: 'record', input: lockText, timeoutMs: 15_000,
  });
}

/** Removes the lock where `holder` holds it, or wherever it is when `force`. */
export function releaseLockCommand(router: RouterTarget, holder: string, force: boolean): HostCommand {
  const file = q(routerDataFile(router.paths, 'lock.json'));
  const guard = force ? '' : `grep -qF ${holderPattern(holder)} ${file} && `;
  return hostCommand(force ? 'remove the release lock, whoever holds it' : 'give the release lock back', `${guard}rm -f ${file} || true`, {
    sudo: false, effect: 'record', timeoutMs: 15_000,
  });
}

function holderPattern(holder: string): string {
  return q(`"holder":${JSON.stringify(holder)}`);
}

// --- reading traffic, and trying a color through the router ---

/**
 * Follows the router's JSON access log from now on (the live traffic reader). No sudo: Debian's
 * nginx logs are readable by group `adm`, which docs/hosts.md adds the ssh user to.
 */
export function followAccessLogCommand(router: RouterTarget): HostCommand {
  return hostCommand('follow the access log', `tail -n 0 -F ${q(router.paths.accessLog)}`, { sudo: false, effect: 'read' });
}

/** curl on the router itself with the preview header forcing `color`: status, headers, body. */
export function smokeRequestCommand(request: LocalRequest, previewHeader: string, color: string, assumedAnswer?: string): HostCommand {
  return hostCommand(`smoke request through the router, preview ${color}`,
    `curl -s -m 10 -D - -H ${q(`${previewHeader}: ${color}`)} ${curlTarget(request)} 2>&1 | head -c 65536`, {
      sudo: false, effect: 'read', timeoutMs: 15_000, assumed: assumedAnswer === undefined ? undefined : { stdout: assumedAnswer },
    });
}

/** Separates `ss`'s sockets from the upstream names' addresses in upstreamConnectionsCommand's output. */
export const UPSTREAM_CONNECTIONS_SEPARATOR = '--bluegreen-addresses--';

/**
 * The router's established TCP connections to the given upstream ports, with their timers (`ss -i`:
 * lastsnd/lastrcv), then the addresses each upstream name resolves to here (as nginx resolved it).
 * No sudo: socket information is readable by any user. Exits 127 without `ss` (iproute2).
 */
export function upstreamConnectionsCommand(ports: number[], names: string[]): HostCommand {
  const filter = [...new Set(ports)].sort((a, b) => a - b).map((port) => `dport = :${port}`).join(' or ');
  // Each name's addresses under an `@ name` line: getent prints the canonical name, not the one asked.
  const lookups = names.map((name) => `; echo ${q(`@ ${name}`)}; getent ahosts ${q(name)}`).join('');
  return hostCommand('count the connections to the upstreams',
    `command -v ss >/dev/null || exit 127; ss -Htni state established ${q(`( ${filter} )`)} || exit 3; echo ${UPSTREAM_CONNECTIONS_SEPARATOR}${lookups}; true`,
    { sudo: false, effect: 'read', timeoutMs: 10_000 });
}
