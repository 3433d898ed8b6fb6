// release <version>: walks the config's runbook under one lock — the story's release as data.
// Pause points stop for a person (or --yes); a failed step stops the walk where it is, with live
// traffic as the last successful step left it, and says how to resume.
import { RunbookStep } from '../model';
import { acquireLock, releaseLock } from '../fleet/lock';
import { refuseForeignSandbox } from '../sandbox/ownership';
import { appendAudit } from '../fleet/audit';
import { StageError, RefusedError } from '../errors';
import { StageContext, StageResult } from './stageContext';
import { RunbookStageName, stageLabel } from './registry';
import { runStage } from './runStage';
import { drain } from './drain';
import { deploy, selectDeployApps } from './deploy';
import { verify } from './verify';
import { canary } from './canary';
import { switchTo } from './switch';
import { restore } from './restore';
import { confirmOrStop } from './confirm';
import { notify } from '../notify/notify';
import { releaseMigrateStep } from './migrate';
import { prepareArtifacts } from '../artifacts/resolveArtifact';

export interface ReleaseOptions {
  /** 1-based step to start from (to resume after a stop). */
  from?: number;
  /** Runs migrations; provided by the database module when it is configured. */
  migrate?: (ctx: StageContext) => Promise<StageResult>;
  /** Called before and after each step, for progress in the faces and the rehearsal report. */
  onStep?: (event: { index: number; step: RunbookStep; phase: 'start' | 'done' | 'failed'; result?: StageResult; error?: Error }) => void | Promise<void>;
}

/** A step in words, as the CLI would run it: `deploy green --app web`, with `version` `deploy green 1.4.0 --app web`. */
export function describeStep(step: RunbookStep, version?: string): string {
  if (step.stage === 'pause') return `pause: ${step.message}`;
  const { stage, ...parts } = step;
  return stageLabel(stage, { ...parts, ...(stage === 'deploy' && version !== undefined ? { version } : {}) });
}

export async function release(ctx: StageContext, version: string, options: ReleaseOptions = {}): Promise<StageResult[]> {
  const { handle } = ctx;
  const steps = handle.config.release;
  const from = options.from ?? 1;
  if (!steps.length) throw new StageError('the config has no release runbook', 'add a `release:` list to bluegreen.yaml (docs/config.md)');
  const label = `release ${version}${handle.without.length ? ` (without ${handle.without.join(', ')})` : ''}`;
  await refuseForeignSandbox(handle.config, handle.env);
  // The tarballs first (built once, checked): a missing or broken one stops the release before any traffic moves.
  const deploys = steps.slice(from - 1).filter((step) => step.stage === 'deploy');
  if (!handle.plan && deploys.length) {
    // Only the apps the remaining deploy steps name (a step without apps deploys every app).
    const deployed = new Set(deploys.flatMap((step) => selectDeployApps(handle.config, step.apps).map((app) => app.name)));
    const config = { ...handle.config, apps: handle.config.apps.filter((app) => deployed.has(app.name)) };
    for (const artifact of await prepareArtifacts(config, version, { signal: ctx.signal, onProgress: (p) => { if (p.step !== 'build') ctx.progress(`  ${p.detail}`); } })) {
      ctx.progress(`  ${artifact.app} ${version}: ${artifact.file}`);
    }
  }
  const outcome = await acquireLock(handle.routers, {
    holder: ctx.actor, since: new Date().toISOString(), stage: label, message: `step ${from} of ${steps.length}`, pid: process.pid,
    ...(handle.without.length ? { without: handle.without } : {}),
  });
  const results: StageResult[] = [];
  try {
    for (let i = from - 1; i < steps.length; i++) {
      const step = steps[i];
      const index = i + 1;
      const name = describeStep(step);
      ctx.progress(`\n[${index}/${steps.length}] ${name}`);
      await options.onStep?.({ index, step, phase: 'start' });
      try {
        const result = step.stage === 'pause'
          ? await pause(ctx, step.message, version, index, `pause (${label}, step ${index})`)
          : await runStage(ctx, `${describeStep(step, version)} (${label}, step ${index})`, () => runStep(ctx, step, version, options), { lockHeld: true });
        results.push(result);
        await options.onStep?.({ index, step, phase: 'done', result });
      } catch (error) {
        await options.onStep?.({ index, step, phase: 'failed', error: error as Error });
        const resume = `fix the cause, then resume: bluegreen release ${version} --from ${index} --env ${handle.env.name}`;
        if (error instanceof RefusedError) throw new RefusedError(`${label} stopped at step ${index} (${name}): ${error.message}`, error.hint ?? resume);
        throw new StageError(`${label} stopped at step ${index} (${name}): ${(error as Error).message}`, resume);
      }
    }
    await appendAudit(handle.routers, { time: new Date().toISOString(), who: ctx.actor, environment: handle.env.name, stage: label, result: 'ok', detail: `${steps.length - from + 1} step(s)` });
    await notify(ctx, { kind: 'stage', stage: label, result: 'ok', detail: `${steps.length - from + 1} step(s)` });
    return results;
  } finally {
    // Under the actor's own `lock hold`, the hold stays.
    if (outcome === 'taken') await releaseLock(handle.routers, ctx.actor).catch(() => undefined);
  }
}

type StageStep = Exclude<RunbookStep, { stage: 'pause' }>;
type StepRunner<S extends StageStep> = (ctx: StageContext, step: S, version: string, options: ReleaseOptions) => Promise<StageResult>;

/**
 * How each runbook stage of the registry (src/core/stages/registry.ts) runs as a step: one entry
 * per stage the registry marks `runbook`, or this does not compile. Pauses are the walk's own.
 */
const RUNBOOK_STEPS: { [K in RunbookStageName]: StepRunner<Extract<StageStep, { stage: K }>> } = {
  migrate: (ctx, _step, _version, options) => (options.migrate ?? releaseMigrateStep())(ctx),
  drain: (ctx, step) => drain(ctx, step.color),
  deploy: (ctx, step, version) => deploy(ctx, step.color, version, { apps: step.apps }),
  verify: (ctx, step) => verify(ctx, step.color),
  canary: (ctx, step) => canary(ctx, step.color, { percent: step.percent, segment: step.segment }),
  switch: (ctx, step) => switchTo(ctx, step.color),
  restore: (ctx) => restore(ctx),
};

function runStep(ctx: StageContext, step: StageStep, version: string, options: ReleaseOptions): Promise<StageResult> {
  return (RUNBOOK_STEPS[step.stage] as StepRunner<StageStep>)(ctx, step, version, options);
}

async function pause(ctx: StageContext, message: string, version: string, index: number, label: string): Promise<StageResult> {
  const started = Date.now();
  await notify(ctx, { kind: 'pause', stage: label, result: 'paused', detail: ctx.yes ? `${message} (continued by --yes)` : message });
  await confirmOrStop(ctx, `${message} Continue?`, `continue with: bluegreen release ${version} --from ${index + 1} --env ${ctx.handle.env.name} (or pass --yes)`);
  return { stage: 'pause', summary: `continued: ${message}`, warnings: [], durationMs: Date.now() - started };
}
