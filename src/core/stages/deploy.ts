// deploy <color> <version>: build each app's artifact for the version (or reuse it), put it on
// every host of the color, run the config's deploy commands there, read the versions back.
// Refused on a color with live traffic unless forced; allowed on an unhealthy idle color, since
// deploying again is how a failed deploy is fixed. Never touches the routers' plan.
import { Color, hasLiveTraffic } from '../model';
import { RefusedError, StageError } from '../errors';
import { requireVersion } from '../version';
import { readRouters, currentState } from '../fleet/readRouters';
import { hasArtifact, plannedResolvedArtifact, resolveArtifact } from '../artifacts/resolveArtifact';
import { changeTraffic } from './changeTraffic';
import { checkColorHealth, describeUnhealthy, unhealthyHint } from './health';
import { describePlan } from '../router/describePlan';
import { liveColorDeployHint } from './nextStep';
import { sudoAwareDetail } from '../hosts/sudoRefusal';
import { parseRecord, requireCurrentToolingOn } from '../hosts/hostTooling';
import { configDeployCommands, makeArtifactDirCommand, putArtifactFile, readToolingRecordCommand } from '../hostCommands/appHostCommands';
import { artifactPath } from '../hostCommands/layout';
import { runHostCommand, writeHostFile } from '../hostCommands/run';
import { StageContext, StageResult } from './stageContext';
import { confirmBehindRoutersOutOfRotation } from './routersBehind';
import { promises as fs } from 'node:fs';

/** `hosts setup`'s record on each host (real hosts only: the sandbox's images carry the engine's own). */
async function readToolingRecords(handle: StageContext['handle'], hosts: string[]) {
  return Promise.all(hosts.map(async (host) => {
    const result = await runHostCommand(handle.host(host), readToolingRecordCommand());
    return { host, record: parseRecord(result.stdout) };
  }));
}

export async function deploy(ctx: StageContext, color: Color, version: string): Promise<StageResult> {
  const started = Date.now();
  const stage = `deploy ${color} ${version}`;
  requireVersion(version);
  const { handle } = ctx;
  const hostsOfColor = [...new Set(handle.config.apps.flatMap((app) => handle.topology.colors[color][app.name] ?? []))];
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
  for (const app of handle.config.apps) {
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

  const jobs = handle.config.apps.flatMap((app) =>
    (handle.topology.colors[color][app.name] ?? []).map((host) => ({ app, host })));
  ctx.progress(`deploying ${version} to ${jobs.length} host(s) of ${color}`);
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
      for (const deployCommand of configDeployCommands(app, version, remote)) {
        const command = deployCommand.script;
        ctx.progress(`  ${host}: ${command}`);
        const result = await runHostCommand(transport, deployCommand, { signal: ctx.signal });
        if (result.code !== 0) {
          const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-12).join('\n    ');
          return { host, app: app.name, ok: false, detail: sudoAwareDetail(host, `${result.stderr}\n${result.stdout}`, `\`${command}\` exited ${result.code}:\n    ${tail}`) };
        }
      }
      return { host, app: app.name, ok: true, detail: 'deployed' };
    } catch (error) {
      const hint = (error as { hint?: string }).hint;
      return { host, app: app.name, ok: false, detail: sudoAwareDetail(host, (error as Error).message, `${(error as Error).message}${hint ? ` (${hint})` : ''}`) };
    }
  }));

  // Record what the hosts really run now, even after a failure: the tree must show it.
  const health = await checkColorHealth(handle, color);
  const versions = Object.fromEntries(Object.entries(health.versions).map(([app, list]) => [app, list.join(',')]));
  await changeTraffic(ctx, {
    stage,
    skipHealthGate: true,
    noConfirm: true,
    plan: (current) => current.plan,
    amend: (next) => ({
      ...next,
      versions: { ...next.versions, [color]: versions },
      checks: { ...next.checks, [color]: { deployedAt: next.changedAt } },
    }),
  });

  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length) {
    throw new StageError(
      `deploy of ${version} to ${color} failed on ${failed.length} of ${outcomes.length} host(s); live traffic was not touched\n`
        + failed.map((f) => `  ${f.host} (${f.app}): ${f.detail}`).join('\n'),
      `fix the cause and deploy again: bluegreen deploy ${color} VERSION`,
    );
  }
  if (!health.healthy) throw new StageError(`${describeUnhealthy(health)} after the deploy; live traffic was not touched`, unhealthyHint(health, `deploy a working version to ${color}`));
  return {
    stage,
    summary: `${color} runs ${version} on ${outcomes.length} host(s), healthy`,
    warnings: [],
    durationMs: Date.now() - started,
    details: { hosts: outcomes, versions },
  };
}
