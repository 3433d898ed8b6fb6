// Shared setup of the release-stage suites (test/integration/stages*.test.ts, release*.test.ts):
// one `stagetest` sandbox (2 routers, sshd in every host) for all of them, brought up by the
// first suite that asks and taken down once after the last test of the run (set
// BLUEGREEN_KEEP_STAGETEST=1 to keep it between runs while working on the tests). Also: the SSH
// environment written from the sandbox's published ports, real requests that read the color
// header, and a baseline every test starts from.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { parseConfig, requireConfig, formatConfigError } from '../../src/core/config';
import { BluegreenConfig, Color, DockerEnvironment, RouterState, TrafficPlan } from '../../src/core/model';
import { HostStatus, down, sandboxSshEnvironmentYaml, status, up } from '../../src/core/sandbox';
import { EnvironmentHandle, openEnvironment } from '../../src/core/environment/openEnvironment';
import { routerUrls } from '../../src/core/environment/routerUrls';
import { readRouters, currentState } from '../../src/core/fleet/readRouters';
import { readLock, releaseLock } from '../../src/core/fleet/lock';
import { StageContext } from '../../src/core/stages/stageContext';
import { runStage } from '../../src/core/stages/runStage';
import { restore } from '../../src/core/stages/restore';
import { drain } from '../../src/core/stages/drain';
import { samePlan } from '../../src/core/router/describePlan';
import { MOBILE_USER_AGENTS, WEB_USER_AGENTS } from '../../src/core/traffic/userAgents';
import { SANDBOX_UP_TIMEOUT_MS, progressPrinter } from './sandbox';

export const STAGE_ENV = 'stagetest';
export const STAGE_SSH_ENV = 'stagetest-ssh';
export const STAGE_CONFIG = path.resolve(__dirname, '../fixtures/stages/stagetest.yaml');
export const STAGE_ACTOR = 'stagetest@itest';
export { SANDBOX_UP_TIMEOUT_MS };

export interface StageSandbox {
  config: BluegreenConfig;
  env: DockerEnvironment;
  /** Router URLs on 127.0.0.1 (the published port 80 of each router). */
  urls: string[];
  hosts: HostStatus[];
}

let shared: Promise<StageSandbox> | undefined;

/** The shared sandbox, up and healthy (adopted when a previous suite or run left it up). */
export function stageSandbox(): Promise<StageSandbox> {
  shared ??= (async () => {
    const config = await requireConfig(STAGE_CONFIG);
    const env = config.environments[STAGE_ENV] as DockerEnvironment;
    const result = await up(config, env, { onProgress: progressPrinter(STAGE_ENV) });
    const handle = openEnvironment(config, STAGE_ENV);
    try {
      return { config, env, urls: await routerUrls(handle), hosts: result.status.hosts };
    } finally {
      await handle.close();
    }
  })();
  shared.catch(() => { shared = undefined; });
  return shared;
}

// A root-level hook (this module is loaded while mocha reads the test files): the sandbox is
// shared by every stage suite of the run and removed once, after the last of them.
if (typeof after === 'function') {
  after(async function () {
    this.timeout(120_000);
    if (!shared || process.env.BLUEGREEN_KEEP_STAGETEST) return;
    const { config, env } = await shared.catch(() => requireConfig(STAGE_CONFIG).then((c) => ({ config: c, env: c.environments[STAGE_ENV] as DockerEnvironment })));
    await down(config, env, { volumes: true });
  });
}

export interface Stages {
  handle: EnvironmentHandle;
  progress: string[];
  /** A stage context that answers yes to everything and records its progress. */
  ctx(overrides?: Partial<StageContext>): StageContext;
  close(): Promise<void>;
}

export function openStages(config: BluegreenConfig, envName: string): Stages {
  const handle = openEnvironment(config, envName);
  const progress: string[] = [];
  return {
    handle,
    progress,
    ctx: (overrides = {}) => ({
      handle,
      actor: STAGE_ACTOR,
      progress: (line) => {
        progress.push(line);
        if (process.env.BLUEGREEN_TEST_PROGRESS) process.stderr.write(`      | ${line}\n`);
      },
      yes: true,
      force: false,
      ...overrides,
    }),
    close: () => handle.close(),
  };
}

/** The SSH environment reaching the sandbox's hosts on 127.0.0.1 with their published ssh ports. */
export function sshEnvironmentYaml(sandbox: StageSandbox, options: { name?: string; portOverrides?: Record<string, number> } = {}): string {
  return sandboxSshEnvironmentYaml(sandbox.config, sandbox.hosts, options.name ?? STAGE_SSH_ENV, options.portOverrides);
}

/** The fixture with SSH environments appended, parsed as a user's file would be (same path, so same artifacts and keys). */
export async function configWithSsh(...environments: string[]): Promise<BluegreenConfig> {
  const { promises: fs } = await import('node:fs');
  const text = `${await fs.readFile(STAGE_CONFIG, 'utf8')}\n${environments.join('\n')}\n`;
  const result = parseConfig(text, STAGE_CONFIG);
  if (!result.ok) throw new Error(`generated SSH config is invalid:\n${result.errors.map(formatConfigError).join('\n')}\n${text}`);
  return result.config;
}

export interface Answer {
  status: number;
  color?: string;
  body: string;
}

/** One real request through a router, fresh connection, no cookies. */
export function request(url: string, options: { path?: string; userAgent?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}${options.path ?? '/'}`, {
      agent: false,
      timeout: 10_000,
      headers: { 'user-agent': options.userAgent ?? WEB_USER_AGENTS[0], ...options.headers },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, color: res.headers['x-bluegreen-color'] as string | undefined, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 10 s`)));
    req.on('error', reject);
  });
}

export type Seen = Record<'web' | 'mobile', Partial<Record<string, number>>>;

/**
 * Which colors web and mobile users reach through every router: `count` requests of each kind
 * per router, on both app routes. Every answer must be 200 (a failure here is a lost user).
 */
export async function colorsSeen(urls: string[], count = 8): Promise<Seen> {
  const seen: Seen = { web: {}, mobile: {} };
  for (const url of urls) {
    for (let i = 0; i < count; i++) {
      for (const kind of ['web', 'mobile'] as const) {
        const agents = kind === 'web' ? WEB_USER_AGENTS : MOBILE_USER_AGENTS;
        const answer = await request(url, { path: i % 2 ? '/api/version' : '/', userAgent: agents[i % agents.length] });
        assert.equal(answer.status, 200, `${kind} request ${url}${i % 2 ? '/api/version' : '/'} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
        const color = answer.color ?? 'unknown';
        seen[kind][color] = (seen[kind][color] ?? 0) + 1;
      }
    }
  }
  return seen;
}

/** Only `color` served that kind of user (through every router). */
export function onlyColor(seen: Seen, kind: 'web' | 'mobile', color: Color): void {
  assert.deepEqual(Object.keys(seen[kind]), [color], `${kind} users were served by ${JSON.stringify(seen[kind])}, expected only ${color}`);
}

/** The version a color's apps answer with, asked through a router with the preview header. */
export async function versionVia(url: string, color: Color): Promise<string> {
  const answer = await request(url, { path: '/api/version', headers: { 'X-Bluegreen-Preview': color } });
  assert.equal(answer.status, 200, answer.body);
  assert.equal(answer.color, color, 'the preview header must force the color');
  const parsed = JSON.parse(answer.body) as { version?: string };
  assert.ok(parsed.version, answer.body);
  return parsed.version;
}

/** Every router reachable and carrying the same state document; returns it. */
export async function consistentState(handle: EnvironmentHandle): Promise<RouterState> {
  const readings = await readRouters(handle.routers);
  const { state, stale } = currentState(readings);
  assert.deepEqual(stale, [], `routers disagree: ${readings.map((r) => `${r.router} #${r.state?.serial}`).join(', ')}`);
  return state;
}

/** No lock and traffic.initial on every router: where each test starts. */
export async function baseline(stages: Stages): Promise<RouterState> {
  const { handle } = stages;
  const lock = await readLock(handle.routers);
  if (lock) await releaseLock(handle.routers, lock.holder, true);
  const state = await consistentState(handle).catch(() => undefined);
  const initial: TrafficPlan = { weights: { ...handle.config.traffic.initial }, segments: [] };
  if (!state || !samePlan(state.plan, initial)) {
    const ctx = stages.ctx();
    await runStage(ctx, 'restore (test baseline)', () => restore(ctx));
  }
  return consistentState(handle);
}

/**
 * A suite's start: the shared sandbox, the stages open on it, at the baseline — and with
 * `everyUserOn: 'blue'`, green drained (traffic.initial is 50/50 in stagetest).
 */
export async function openStagesAtBaseline(options: { everyUserOn?: 'blue' } = {}): Promise<{ sandbox: StageSandbox; stages: Stages }> {
  const sandbox = await stageSandbox();
  const stages = openStages(sandbox.config, STAGE_ENV);
  await baseline(stages);
  if (options.everyUserOn === 'blue') {
    const ctx = stages.ctx();
    await runStage(ctx, 'drain green', () => drain(ctx, 'green'));
  }
  return { sandbox, stages };
}

/** A suite's end: back to the baseline for the next suite, and the stages closed. */
export async function closeStagesAtBaseline(stages: Stages | undefined): Promise<void> {
  if (stages) await baseline(stages).catch(() => undefined);
  await stages?.close();
}

/** `docker <args>` on this machine's engine. */
export function docker(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('docker', args, { timeout: 60_000 }, (error, stdout, stderr) => (error ? reject(new Error(`docker ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout))));
}

/** Rejects with the error a promise rejected with, or fails when it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(() => undefined, (error: unknown) => error as Error);
  assert.ok(outcome, 'expected a failure, but it succeeded');
  return outcome;
}

/** Host and sandbox status (the container names are the hosts' names in both environments). */
export async function sandboxStatus(sandbox: StageSandbox) {
  return status(sandbox.config, sandbox.env, { skipHealth: true });
}
