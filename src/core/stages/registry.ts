// The one list of stages: each stage's name, arguments, one-line description, editor command and
// what it does to hosts. The CLI builds its stage commands from it (src/cli/stageCommand.ts), the
// extension's command table maps its command ids to handlers, the runbook (release.ts) dispatches
// its steps by it, and test/unit/stage-registry.test.ts checks package.json's contributed commands
// against it in both directions. Pure data and pure functions: no `vscode`, no stage modules (the
// extension bundles this file into dist/extension.js, which must stay small). See
// docs/architecture.md, "Stages and faces".

/** An argument, in the order the CLI takes them (`deploy <color> <version>`). */
export interface StageArgument {
  name: 'color' | 'version';
  description: string;
}

/** An option of the stage itself; `--verbose` and the global options are the faces' own. */
export interface StageOption {
  /** Commander's flags: `--percent <n>`, `--no-analysis`. */
  flags: string;
  description: string;
  /** Given more than once, it collects every value (`--app web --app api`, or `--app web,api`). */
  repeatable?: boolean;
}

export interface StageEntry {
  /** The CLI command, the runbook step (where `runbook`), the first word of the lock and audit label. */
  name: string;
  args: readonly StageArgument[];
  options: readonly StageOption[];
  /** One line: the CLI's description of the command. */
  description: string;
  /** The editor's command (`Blue-Green: <title>`); none where the editor runs the stage only inside a release. */
  command?: { id: string; title: string };
  /**
   * Whether a run may change what a host runs or serves: files and processes on app hosts, the
   * routers' plan, the database. Reading (routers, health, versions) and the lock and audit line
   * every locked stage writes do not count. What a dry run must not do.
   */
  changesHosts: boolean;
  /** Whether it runs under the release lock with an audit line (runStage); false: it only reads. */
  takesLock: boolean;
  /** Whether bluegreen.yaml's `release:` runbook may list it as a step. */
  runbook: boolean;
}

const COLOR = { name: 'color', description: 'blue or green' } as const;

export const STAGES = [
  {
    name: 'status', args: [], options: [],
    description: 'what the routers carry, each color\'s health and version, the lock',
    command: { id: 'bluegreen.status', title: 'Show Status' },
    changesHosts: false, takesLock: false, runbook: false,
  },
  {
    name: 'drain', args: [COLOR], options: [],
    description: 'send every user to the other color',
    command: { id: 'bluegreen.drain', title: 'Drain Color' },
    changesHosts: true, takesLock: true, runbook: true,
  },
  {
    name: 'deploy', args: [COLOR, { name: 'version', description: 'the version to deploy' }],
    options: [
      { flags: '--force', description: 'deploy even though the color has live traffic, and replace a release a host already has under this version with different content' },
      { flags: '--app <name>', description: 'deploy only this app (repeatable or comma-separated); the color\'s other apps are not touched', repeatable: true },
    ],
    description: 'build, ship and start a version on every host of an idle color (or of the apps given with --app)',
    command: { id: 'bluegreen.deploy', title: 'Deploy Version' },
    changesHosts: true, takesLock: true, runbook: true,
  },
  {
    name: 'verify', args: [COLOR], options: [],
    description: 'health on every host and the smoke requests through every router, with the preview rule',
    command: { id: 'bluegreen.verify', title: 'Verify Color' },
    changesHosts: false, takesLock: true, runbook: true,
  },
  {
    name: 'canary', args: [COLOR],
    options: [
      { flags: '--percent <n>', description: 'share of users, 0–100' },
      { flags: '--segment <name>', description: 'a segment from traffic.segments, e.g. mobile' },
      { flags: '--no-analysis', description: 'do not watch the access log afterwards' },
      { flags: '--window <seconds>', description: 'how long to watch (default: traffic.canary.window)' },
    ],
    description: 'send a slice of users (a percentage or a segment) to a color, then watch it and roll back on a breach',
    command: { id: 'bluegreen.canary', title: 'Start Canary' },
    changesHosts: true, takesLock: true, runbook: true,
  },
  {
    name: 'switch', args: [COLOR], options: [],
    description: 'send every user to a color',
    command: { id: 'bluegreen.switch', title: 'Switch Traffic' },
    changesHosts: true, takesLock: true, runbook: true,
  },
  {
    name: 'restore', args: [], options: [],
    description: 'put traffic.initial back on every router',
    command: { id: 'bluegreen.restore', title: 'Restore Initial Traffic' },
    changesHosts: true, takesLock: true, runbook: true,
  },
  {
    name: 'rollback', args: [], options: [],
    description: 'move traffic back to the newest earlier plan that is known-good (every color it sends users to still runs the version it ran then), never to a canary or to a plan a rollback left; it does not redeploy; a second rollback goes further back, or says there is none',
    command: { id: 'bluegreen.rollback', title: 'Roll Back Traffic' },
    changesHosts: true, takesLock: true, runbook: false,
  },
  {
    name: 'migrate', args: [],
    options: [{ flags: '--contract', description: 'allow breaking migrations (the contract phase, once both colors run the same version)' }],
    description: 'apply pending database migrations (expand only; breaking ones need --contract and both colors on one version)',
    // The editor runs migrations only as a step of Release Version.
    changesHosts: true, takesLock: true, runbook: true,
  },
  {
    name: 'release', args: [{ name: 'version', description: 'the version to release' }],
    options: [{ flags: '--from <step>', description: 'resume at this step (1-based)' }],
    description: 'walk the runbook in the config for a version, stopping at pause points',
    command: { id: 'bluegreen.release', title: 'Release Version' },
    changesHosts: true, takesLock: true, runbook: false,
  },
  {
    name: 'bootstrap', args: [{ name: 'version', description: 'the first version to release' }], options: [],
    description: 'first release of a new environment: deploy VERSION to both colors, verify them, then put traffic.initial in place (refused where users are already served)',
    command: { id: 'bluegreen.bootstrap', title: 'First Release (Bootstrap)' },
    changesHosts: true, takesLock: true, runbook: false,
  },
] as const satisfies readonly StageEntry[];

export type StageName = (typeof STAGES)[number]['name'];
/** The stages a `release:` runbook may list (besides `pause`, which is the walk's own). */
export type RunbookStageName = Extract<(typeof STAGES)[number], { runbook: true }>['name'];
/** The stages the editor offers as commands. */
export type EditorStageName = Extract<(typeof STAGES)[number], { command: object }>['name'];

export function stageEntry(name: StageName): StageEntry {
  return STAGES.find((s) => s.name === name) as StageEntry;
}

/** What a label may say about one run: the stage's arguments and the options that name it. */
export interface StageLabelParts {
  color?: string;
  version?: string;
  percent?: number;
  segment?: string;
  contract?: boolean;
  /** deploy: the apps a per-app deploy names (none: every app). */
  apps?: readonly string[];
}

/**
 * The label of a run, as the lock, the audit log, progress and the runbook print it — the CLI
 * words that would run it again: `deploy green 1.4.0`, `deploy green 1.4.0 --app web`,
 * `canary green --segment mobile`.
 */
export function stageLabel(name: StageName, parts: StageLabelParts = {}): string {
  const words: string[] = [name];
  if (parts.color !== undefined) words.push(parts.color);
  if (parts.version !== undefined) words.push(parts.version);
  if (name === 'canary') words.push(parts.segment !== undefined ? `--segment ${parts.segment}` : `--percent ${parts.percent}`);
  if (name === 'migrate' && parts.contract) words.push('--contract');
  if (name === 'deploy') for (const app of parts.apps ?? []) words.push(`--app ${app}`);
  return words.join(' ');
}
