// Every command the product runs on a router (setup's are in routerSetupCommands.ts). The most
// dangerous sequence — write beside the live files and checksum them, swap them in, and each
// step's undo — is here in the order applyState runs it, pinned by test/unit/host-commands.test.ts
// as exact strings in both routing modes. No step reloads nginx: njs reads the state document per
// request, and in files mode nginx tests the plan files per request.
// Every one runs as the login user: the product's files are the group's (docs/hosts.md).
import { createHash } from '../lazyCrypto';
import type { RouterPaths } from '../model';
import type { LocalRequest } from '../router/localRequest';
import { shellQuote as q } from '../transport/shellQuote';
import { HostCommand, HostFileWrite, fileWrite, hostCommand } from './hostCommand';
import { TOOLING_RECORD_PATH, routerDataFile } from './layout';

/** One router: where its files are, and `ssh.sudo` (the login has only the narrow sudo rule: see HostAccess). */
export interface RouterTarget {
  paths: RouterPaths;
  sudo: boolean;
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
 * routing mode (a plan lookup file means files mode; its checksum says which config it was
 * written for), whether nginx answers on its listener, and `hosts setup`'s record.
 */
export function readRouterCommand(router: RouterTarget, probe: LocalRequest): HostCommand {
  const { state, planLookup } = router.paths;
  const script = `cat ${q(state)} 2>/dev/null; ${printSeparator(READING_SEPARATORS.mode)}; `
    + `if [ -e ${q(planLookup)} ]; then echo files; sha256sum < ${q(planLookup)} | cut -d' ' -f1; else echo njs; fi; ${printSeparator(READING_SEPARATORS.probe)}; `
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

/** Files mode: the plan's files, by the serial of the state document they spell. */
export interface PlanFilesChange {
  serial: number;
  /** The empty files' names (router/planFiles.ts' planFileNames), sorted. */
  names: string[];
}

/** The folder holding one plan's files. */
export function planFolder(router: RouterTarget, serial: number): string {
  return `${router.paths.planFiles}/plan-${serial}`;
}

/** What `ls -1A | sha256sum` prints for a folder holding exactly `names` (sorted, C locale). */
export function planFilesDigest(names: string[]): string {
  return sha256(names.map((name) => `${name}\n`).join(''));
}

/**
 * The plan's files in a fresh folder (made under a temporary name, then renamed), and the
 * checksum of its listing: the files arrived exactly. The live `current` link is not touched.
 */
export function writePlanFilesScript(router: RouterTarget, plan: PlanFilesChange): string {
  const folder = planFolder(router, plan.serial);
  const temporary = `${folder}.tmp`;
  const touch = plan.names.length ? ` && touch ${plan.names.map(q).join(' ')}` : '';
  return `rm -rf ${q(temporary)} && mkdir -p ${q(temporary)} && (cd ${q(temporary)}${touch}) && rm -rf ${q(folder)} && mv ${q(temporary)} ${q(folder)}`
    + ` && (cd ${q(folder)} && LC_ALL=C ls -1A | sha256sum)`;
}

/** Points `current` at a plan's folder: a new symlink renamed over the old one (atomic). */
export function switchPlanScript(router: RouterTarget, serial: number): string {
  const current = `${router.paths.planFiles}/current`;
  return `ln -sfn ${q(`plan-${serial}`)} ${q(`${current}.next`)} && mv -Tf ${q(`${current}.next`)} ${q(current)}`;
}

/**
 * Step 1: the next state document beside the live one, read back as a checksum — and in files
 * mode the plan's files in their own folder, read back as the checksum of its listing (a second
 * line). One round trip; live traffic is untouched.
 */
export function writeNextStateCommand(router: RouterTarget, stateText: string, plan?: PlanFilesChange): HostCommand {
  const target = `${router.paths.state}.next`;
  const planScript = plan ? ` && ${writePlanFilesScript(router, plan)}` : '';
  const assumed = `${sha256(stateText)}  ${target}\n${plan ? `${planFilesDigest(plan.names)}  -\n` : ''}`;
  return hostCommand(plan ? 'write the next state document and plan files beside the live ones and checksum them' : 'write the next state document beside the live one and checksum it',
    `${GROUP_UMASK} && cat > ${q(target)} && sha256sum ${q(target)}${planScript}`, {
      sudo: false, effect: 'record', input: stateText, timeoutMs: 30_000, assumed: { stdout: assumed },
    });
}

/**
 * Step 2: make it live — in files mode first point `current` at the new plan's files (what routes
 * users), then rename the state document in (what readers see). Plan folders but the new and the
 * previous one (kept for the undo) are removed.
 */
export function applyNextStateCommand(router: RouterTarget, plan?: { serial: number; previousSerial?: number }): HostCommand {
  const state = `mv -f ${q(router.paths.state + '.next')} ${q(router.paths.state)}`;
  if (!plan) {
    return hostCommand('make the state live (njs reads it per request)', `${state} 2>&1`, { sudo: false, effect: 'change', timeoutMs: 30_000 });
  }
  const keep = [plan.serial, plan.previousSerial].filter((serial): serial is number => serial !== undefined)
    .map((serial) => `! -name ${q(`plan-${serial}`)}`).join(' ');
  const prune = `find ${q(router.paths.planFiles)} -mindepth 1 -maxdepth 1 -name 'plan-*' ${keep} -exec rm -rf {} + 2>/dev/null; true`;
  return hostCommand('make the plan files and the state live (nginx tests the files per request: no reload)',
    `${switchPlanScript(router, plan.serial)} && ${state} && { ${prune}; } 2>&1`, { sudo: false, effect: 'change', timeoutMs: 30_000 });
}

/** Undo of step 2: the exact bytes the router carried before. */
export function restoreStateFile(router: RouterTarget, previousText: string): HostFileWrite {
  return fileWrite('put the previous state document back', router.paths.state, previousText, { sudo: false });
}

/** Undo of step 2 in files mode: `current` back on the previous plan's folder, when it is there. */
export function restorePlanFilesCommand(router: RouterTarget, previousSerial: number): HostCommand {
  const folder = planFolder(router, previousSerial);
  return hostCommand('point the plan files back at the previous plan',
    `if [ -d ${q(folder)} ]; then ${switchPlanScript(router, previousSerial)}; fi`, { sudo: false, effect: 'change', timeoutMs: 30_000 });
}

/** After a failed change: nothing half-written stays beside the live files (the live plan's folder stays). */
export function removeNextFilesCommand(router: RouterTarget, planSerial?: number): HostCommand {
  let script = `rm -f ${q(router.paths.state + '.next')}`;
  if (planSerial !== undefined) {
    const folder = planFolder(router, planSerial);
    script += ` ${q(`${router.paths.planFiles}/current.next`)} && rm -rf ${q(`${folder}.tmp`)}`
      + ` && { [ "$(readlink ${q(`${router.paths.planFiles}/current`)})" = ${q(`plan-${planSerial}`)} ] || rm -rf ${q(folder)}; }`;
  }
  return hostCommand('remove the files written beside the live ones', script, { sudo: false, effect: 'record', timeoutMs: 30_000 });
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
