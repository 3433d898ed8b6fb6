// `bluegreen init` (and the editor's "Create bluegreen.yaml"): a commented bluegreen.yaml for the
// apps found in a workspace (detect.ts), with their ports and health paths found, asked for, or
// given a default marked `# check`; a sandbox environment and a release runbook. Never
// overwrites a file.
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors';
import { CONFIG_FILE_NAME } from '../config/loadConfig';
import { checkUrlPath } from '../config/values';
import { DetectedApp, LOOKS_FOR, detectApps } from './detect';

export interface InitAnswers {
  /**
   * Asks a person for a value init could not find (a terminal, an input box). Returns the answer,
   * or undefined/empty to take the default. Without it, defaults are written marked `# check`.
   */
  ask?: (question: string, defaultValue: string) => Promise<string | undefined>;
  /** Name of the sandbox environment (default `sandbox`). */
  environment?: string;
}

export interface InitApp {
  name: string;
  runtime: DetectedApp['runtime'];
  evidence: string;
  port: number;
  portFrom: string;
  health: string;
  healthFrom: string;
  route: string;
  /** True when a value is a default nobody confirmed (marked `# check` in the file). */
  needsCheck: boolean;
}

export interface InitResult {
  /** Where the config would go: `<folder>/bluegreen.yaml`. */
  file: string;
  /** The config's text. */
  text: string;
  apps: InitApp[];
}

const DEFAULT_PORT = { node: 3000, java: 8080 } as const;

/** Refuses when the config file is there already (init never overwrites), or when nothing is recognised. */
export async function initConfig(folder: string, answers: InitAnswers = {}): Promise<InitResult> {
  const root = path.resolve(folder);
  const file = path.join(root, CONFIG_FILE_NAME);
  if (existsSync(file)) {
    throw new InputError(`${file} exists already: init never overwrites a file`, 'edit it (docs/config.md), or move it away and run init again');
  }
  const detected = detectApps(root);
  if (detected.length === 0) {
    throw new InputError(
      `nothing in ${root} that init recognises as an app; it looks for:\n${LOOKS_FOR.map((l) => `  - ${l}`).join('\n')}`,
      'run init in your project\'s folder, or write bluegreen.yaml by hand (docs/your-app.md, docs/config.md)',
    );
  }
  const apps: InitApp[] = [];
  for (const [index, found] of detected.entries()) {
    const port = await valueFor(found.port, String(DEFAULT_PORT[found.runtime]), `Port ${found.name} listens on`, answers, (v) => (/^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535 ? undefined : 'a port 1–65535'));
    const health = await valueFor(found.health, '/', `Path ${found.name} answers 2xx on when healthy`, answers, (v) => checkUrlPath(v));
    apps.push({
      name: found.name,
      runtime: found.runtime,
      evidence: found.evidence,
      port: Number(port.value),
      portFrom: port.from,
      health: health.value,
      healthFrom: health.from,
      route: index === 0 ? '/' : `/${found.name}/`,
      needsCheck: port.from === 'default' || health.from === 'default',
    });
  }
  return { file, text: renderConfig(apps, detected, answers.environment ?? 'sandbox'), apps };
}

/** Writes the config init made, refusing (naming it) when the file exists, even if it appeared meanwhile. */
export async function writeInitConfig(folder: string, answers: InitAnswers = {}): Promise<InitResult> {
  const result = await initConfig(folder, answers);
  try {
    await fs.writeFile(result.file, result.text, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new InputError(`${result.file} exists already: init never overwrites a file`);
    throw error;
  }
  return result;
}

async function valueFor(
  found: { value: number | string; from: string } | undefined,
  fallback: string,
  question: string,
  answers: InitAnswers,
  check: (value: string) => string | undefined,
): Promise<{ value: string; from: string }> {
  if (found) return { value: String(found.value), from: `found in ${found.from}` };
  if (answers.ask) {
    for (let tries = 0; tries < 3; tries++) {
      const answer = (await answers.ask(question, fallback))?.trim();
      if (!answer) break;
      const problem = check(answer);
      if (!problem) return { value: answer, from: 'asked' };
      question = `${question} (${problem})`;
    }
  }
  return { value: fallback, from: 'default' };
}

/** A YAML plain or double-quoted scalar, whichever is safe. */
function scalar(value: string): string {
  return /^[A-Za-z0-9/_.-][A-Za-z0-9/_. -]*$/.test(value) && !/ $/.test(value) ? value : JSON.stringify(value);
}

/** A line of YAML with its comment aligned, as a person would write it. */
const commented = (code: string, comment: string): string => `${code.padEnd(40)} # ${comment}`;

function renderConfig(apps: InitApp[], detected: DetectedApp[], environment: string): string {
  const version = detected.find((d) => d.version)?.version;
  const lines: string[] = [
    '# bluegreen.yaml, written by `bluegreen init` from what it found in this folder:',
    ...apps.map((a) => `#   ${a.name}: ${a.evidence}`),
    '# Lines marked "# check" are guesses: confirm them. Then:',
    '#   bluegreen validate            (every problem, with its line)',
    '#   bluegreen rehearse            (the sandbox: a whole release under simulated users)',
    '# Your app and its release tarball: docs/your-app.md. Every key: docs/config.md.',
    '',
    'apps:',
  ];
  for (const [i, app] of apps.entries()) {
    const found = detected[i];
    const check = (from: string) => (from === 'default' ? 'check: a default, nothing said otherwise' : from === 'asked' ? 'as you answered' : from);
    const tarball = `dist/${app.name}-{{version}}.tar.gz`;
    lines.push(
      `  ${app.name}:`,
      `    # ${app.evidence}`,
      commented(`    runtime: ${app.runtime}`, `the sandbox host: Debian 12's ${app.runtime === 'node' ? 'Node.js 18' : 'OpenJDK 17'}; or runtime: { image: ${app.runtime === 'node' ? 'node:20-bookworm-slim' : 'eclipse-temurin:17-jre-jammy'} }`),
      commented(`    port: ${app.port}`, check(app.portFrom)),
      commented(`    health: ${scalar(app.health)}`, check(app.healthFrom)),
      app.route === '/' ? commented('    route: /', 'the app the routers send every other path to') : `    route: ${scalar(app.route)}`,
      '    # The release tarball your build makes for a version: an executable `run` at its root,',
      '    # started with PORT and HEALTH set (docs/your-app.md). With a build command:',
      `    #   artifact: { build: "${found.packScript ?? 'npm run pack --'} {{version}}", path: "${tarball}" }`,
      commented(`    artifact: ${tarball}`, 'check: your build must leave this file'),
      `    deploy: ["/opt/bluegreen/bin/deploy ${app.name} {{version}}"]`,
      '',
    );
  }
  const healthChecks = apps.map((a) => `  - { path: ${scalar(a.route === '/' ? a.health : `${a.route.replace(/\/$/, '')}${a.health}`)}, expect: 200 }`);
  lines.push(
    'traffic:',
    commented('  initial: { blue: 50, green: 50 }', 'what `restore` puts back'),
    '  canary: { window: 60s, maxErrorRate: 1%, maxP95: 800ms }',
    '',
    commented('smoke:', '`verify` sends these through every router to the color it checks'),
    ...healthChecks,
    '',
    commented('release:', 'the runbook `bluegreen release VERSION` walks'),
    '  - drain: green',
    '  - deploy: green',
    '  - verify: green',
    '  - canary: { color: green, percent: 10 }',
    '  - pause: "10% of users are on green. Watch them, then continue."',
    '  - switch: green',
    '  - deploy: blue',
    '  - verify: blue',
    '  - restore',
    '',
    '# No database: the sandbox starts PostgreSQL only when this file has a `database:` section',
    '# (e.g. `database: { migrations: db/migrations }`, docs/config.md).',
    '',
    'environments:',
    `  ${environment}:`,
    commented('    docker:', 'the local sandbox: routers and app hosts in containers'),
    commented(`      version: ${version ?? '1.0.0'}`, `${version ? 'the version the sandbox starts with (from the project)' : 'check'}: your build must make it`),
    '',
  );
  return lines.join('\n');
}
