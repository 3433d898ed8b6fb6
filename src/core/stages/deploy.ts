// deploy <color> <version> [--app NAME…]: build each app's artifact for the version (or reuse
// it), put it on every host of the color, run the config's deploy commands there, read the
// versions back. With --app, only the named apps are built, shipped and started, and only their
// recorded versions change: the color's other apps are not touched. Refused on a color with live
// traffic unless forced; allowed on an unhealthy idle color, since deploying again is how a failed
// deploy is fixed. Never touches the routers' plan.
import { AppSpec, BluegreenConfig, Color, hasLiveTraffic } from '../model';
import { InputError, RefusedError, StageError } from '../errors';
import { printableLine } from '../printable';
import { requireVersion } from '../version';
import { readRouters, currentState } from '../fleet/readRouters';
import { hasArtifact, plannedResolvedArtifact, resolveArtifact } from '../artifacts/resolveArtifact';
import { changeTraffic } from './changeTraffic';
import { checkColorHealth, describeUnhealthy, unhealthyHint } from './health';
import { describePlan } from '../router/describePlan';
import { liveColorDeployHint } from './nextStep';
import { sudoAwareDetail } from '../hosts/sudoRefusal';
import { parseRecord, requireCurrentToolingOn } from '../hosts/hostTooling';
import { CONTENT_DIFFERS_EXIT, configDeployCommands, forcedReplacement, makeArtifactDirCommand, putArtifactFile, readToolingRecordCommand } from '../hostCommands/appHostCommands';
import { artifactPath } from '../hostCommands/layout';
import { runHostCommand, writeHostFile } from '../hostCommands/run';
import { StageContext, StageResult } from './stageContext';
import { stageLabel } from './registry';
import { confirmBehindRoutersOutOfRotation } from './routersBehind';
import { promises as fs } from 'node:fs';

/** `hosts setup`'s record on each host (real hosts only: the sandbox's images carry the engine's own). */
async function readToolingRecords(handle: StageContext['handle'], hosts: string[]) {
  return Promise.all(hosts.map(async (host) => {
    const result = await runHostCommand(handle.host(host), readToolingRecordCommand());
    return { host, record: parseRecord(result.stdout) };
  }));
}

export interface DeployOptions {
  /** A per-app deploy: only these apps (names from the config). Absent or empty: every app. */
  apps?: readonly string[];
}

/**
 * The apps a deploy acts on, in the config's order: every app, or the named ones. An unknown name
 * is refused (exit 2) with the names the config has, before anything is read or locked.
 */
export function selectDeployApps(config: Pick<BluegreenConfig, 'apps'>, names: readonly string[] | undefined): AppSpec[] {
  if (!names?.length) return [...config.apps];
  const known = config.apps.map((app) => app.name);
  const unknown = [...new Set(names)].filter((name) => !known.includes(name));
  if (unknown.length) {
    throw new InputError(
      `unknown app${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `"${printableLine(name)}"`).join(', ')}`,
      `the apps in bluegreen.yaml are ${known.join(', ')}: name them with --app (repeatable), or leave --app out to deploy every app`,
    );
  }
  return config.apps.filter((app) => names.includes(app.name));
}

/** The app names a deploy's label carries: none when it deploys every app (the label stays `deploy green 1.4.0`). */
export function deployLabelApps(config: Pick<BluegreenConfig, 'apps'>, names: readonly string[] | undefined): string[] | undefined {
  const apps = selectDeployApps(config, names);
  return apps.length === config.apps.length ? undefined : apps.map((app) => app.name);
}

export async function deploy(ctx: StageContext, color: Color, version: string, options: DeployOptions = {}): Promise<StageResult> {
  const started = Date.now();
  requireVersion(version);
  const { handle } = ctx;
  const apps = selectDeployApps(handle.config, options.apps);
  const perApp = apps.length < handle.config.apps.length;
  const named = apps.map((app) => app.name);
  const untouched = handle.config.apps.filter((app) => !named.includes(app.name)).map((app) => app.name);
  const stage = stageLabel('deploy', { color, version, apps: perApp ? named : undefined });
  const hostsOfColor = [...new Set(apps.flatMap((app) => handle.topology.colors[color][app.name] ?? []))];
  const [readings, hostRecords] = await Promise.all([
    readRouters(handle.routers),
    handle.env.kind === 'ssh' ? readToolingRecords(handle, hostsOfColor) : Promise.resolve([]),
  ]);
  const { state } = currentState(readings);
  requireCurrentToolingOn(handle.env, readings, hostRecords);
  if (hasLiveTraffic(state.plan, color)) {
    if (!ctx.force) {
      throw new RefusedError(
        `${color} has live traffic (${describePlan(state.plan)}); deploying there would hit users`,
        await liveColorDeployHint(handle, state.plan, color),
      );
    }
    ctx.progress(`warning: deploying to ${color} while it has live traffic (--force)`);
  }
  await confirmBehindRoutersOutOfRotation(ctx, readings, state, color);

  // Artifacts are built once, locally, and the same bytes go to every host.
  const artifacts = new Map<string, string>();
  const plannedBuilds = new Set<string>();
  for (const app of apps) {
    if (!hasArtifact(app)) continue;
    if (handle.plan) {
      const planned = await plannedResolvedArtifact(handle.config, app, version);
      if (!planned) continue;
      handle.plan.note(planned.note);
      if (planned.ready) artifacts.set(app.name, planned.file);
      else plannedBuilds.add(app.name);
      continue;
    }
    ctx.progress(`building ${app.name} ${version}`);
    // The user's tarball or the Dockerfile's, checked (an executable `run` at its root) before any host sees it.
    const artifact = await resolveArtifact(handle.config, app, version, {
      signal: ctx.signal,
      onProgress: (p) => { if (p.step !== 'build') ctx.progress(`  ${p.detail}`); },
    });
    if (artifact) artifacts.set(app.name, artifact.file);
  }

  const jobs = apps.flatMap((app) =>
    (handle.topology.colors[color][app.name] ?? []).map((host) => ({ app, host })));
  ctx.progress(`deploying ${version} to ${jobs.length} host(s) of ${color}${perApp ? ` (${named.join(', ')}; ${untouched.join(', ')} not touched)` : ''}`);
  const outcomes = await Promise.all(jobs.map(async ({ app, host }) => {
    const transport = handle.host(host);
    try {
      const local = artifacts.get(app.name);
      const remote = local || plannedBuilds.has(app.name) ? artifactPath(app.name, version) : undefined;
      if (remote) {
        ctx.progress(`  ${host}: putting ${app.name}-${version}.tar.gz`);
        await runHostCommand(transport, makeArtifactDirCommand(app.name));
        // A dry run that would build the artifact first cannot know its bytes: it plans an empty put.
        await writeHostFile(transport, putArtifactFile(app.name, version, local ? await fs.readFile(local) : Buffer.alloc(0)));
      }
      handle.plan?.planRelease(host, app.name, version);
      let replaced: string | undefined;
      for (const deployCommand of configDeployCommands(app, version, remote, { force: ctx.force })) {
        const command = deployCommand.script;
        ctx.progress(`  ${host}: ${command}`);
        const result = await runHostCommand(transport, deployCommand, { signal: ctx.signal });
        if (result.code !== 0) {
          const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-12).join('\n    ');
          return { host, app: app.name, ok: false, contentDiffers: result.code === CONTENT_DIFFERS_EXIT, detail: sudoAwareDetail(host, `${result.stderr}\n${result.stdout}`, `\`${command}\` exited ${result.code}:\n    ${tail}`) };
        }
        replaced ??= forcedReplacement(result.stdout);
      }
      return { host, app: app.name, ok: true, detail: 'deployed', replaced };
    } catch (error) {
      const hint = (error as { hint?: string }).hint;
      return { host, app: app.name, ok: false, detail: sudoAwareDetail(host, (error as Error).message, `${(error as Error).message}${hint ? ` (${hint})` : ''}`) };
    }
  }));

  // Record what the hosts really run now, even after a failure: the tree must show it. A per-app
  // deploy judges and records only its apps; the others keep their recorded versions.
  const colorHealth = await checkColorHealth(handle, color);
  const hosts = colorHealth.hosts.filter((h) => named.includes(h.app));
  const health = { ...colorHealth, hosts, healthy: hosts.length > 0 && hosts.every((h) => h.healthy) };
  const versions = Object.fromEntries(Object.entries(colorHealth.versions)
    .filter(([app]) => named.includes(app))
    .map(([app, list]) => [app, list.join(',')]));
  await changeTraffic(ctx, {
    stage,
    skipHealthGate: true,
    noConfirm: true,
    plan: (current) => current.plan,
    amend: (next) => ({
      ...next,
      versions: { ...next.versions, [color]: perApp ? { ...next.versions[color], ...versions } : versions },
      checks: { ...next.checks, [color]: { deployedAt: next.changedAt } },
    }),
  });

  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length) {
    const failedApps = [...new Set(failed.map((f) => f.app))];
    // Each app's hosts deploy on their own: the apps that did not fail are named with what they run now.
    const others = named.filter((app) => !failedApps.includes(app));
    const left = [
      ...others.map((app) => `${app} deployed (${versions[app] || 'no version read'})`),
      ...(untouched.length ? [`${untouched.join(', ')} not touched`] : []),
    ];
    // A version is its content: another build under a version a host already has is refused there.
    const contentDiffers = failed.every((f) => 'contentDiffers' in f && f.contentDiffers);
    throw new StageError(
      `deploy of ${version} to ${color} failed on ${failed.length} of ${outcomes.length} host(s); live traffic was not touched; `
        + `${[`${failedApps.join(', ')} failed`, ...left].join('; ')}\n`
        + failed.map((f) => `  ${f.host} (${f.app}): ${f.detail}`).join('\n'),
      contentDiffers
        ? `give this build a new version number, or replace what the hosts have under ${version}: ${redeployCommand(handle, color, failedApps).replace('VERSION', version)} --force`
        : `fix the cause and deploy ${failedApps.length > 1 ? 'them' : failedApps[0]} again: ${redeployCommand(handle, color, failedApps)}`,
    );
  }
  if (!health.healthy) {
    const sickApps = [...new Set(hosts.filter((h) => !h.healthy).map((h) => h.app))];
    throw new StageError(
      `${describeUnhealthy(health)} after the deploy; live traffic was not touched`,
      unhealthyHint(health, `deploy a working version of ${sickApps.join(', ')} to ${color} (${redeployCommand(handle, color, sickApps)})`),
    );
  }
  const warnings = perApp
    ? colorHealth.hosts.filter((h) => !named.includes(h.app) && !h.healthy).map((h) => `${h.host} ${h.app} (not deployed now) is not healthy: ${h.detail}`)
    : [];
  // Said in the summary, so the audit line records it too.
  const replacements = outcomes.flatMap((o) => ('replaced' in o && o.replaced ? [`${o.host} ${o.replaced}`] : []));
  return {
    stage,
    summary: `${color} runs ${perApp ? `${named.join(', ')} ` : ''}${version} on ${outcomes.length} host(s), healthy${perApp ? `; ${untouched.join(', ')} not touched` : ''}`
      + (replacements.length ? `; ${replacements.join('; ')}` : ''),
    warnings,
    durationMs: Date.now() - started,
    details: { hosts: outcomes, versions, ...(perApp ? { apps: named } : {}) },
  };
}

/** The command that deploys these apps again: per app, unless they are every app of the config. */
function redeployCommand(handle: StageContext['handle'], color: Color, apps: string[]): string {
  const every = handle.config.apps.every((app) => apps.includes(app.name));
  return `bluegreen deploy ${color} VERSION${every ? '' : apps.map((app) => ` --app ${app}`).join('')} --env ${handle.env.name}`;
}
