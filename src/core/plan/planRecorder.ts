// What a dry run collects: every host step a stage would run, in order, each marked as run (a
// read done for real) or only planned; the branches a stage would take on failure; and the
// router state change. Reads run for real until their host has a planned change: from then on
// the host would answer differently, so they are planned too (with the result they assume).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ExecResult } from '../transport';
import type { HostStep } from '../hostCommands/hostCommand';
import type { RouterState } from '../model';

export interface PlannedStep {
  host: string;
  step: HostStep;
  /** True for a read the dry run really ran. */
  ran: boolean;
}

export interface PlannedBranch {
  /** When the branch runs: "if the apply step fails on any router". */
  when: string;
  steps: PlannedStep[];
}

export interface StateChange {
  before: RouterState;
  after: RouterState;
}

const branchScope = new AsyncLocalStorage<PlannedBranch>();

export class PlanRecorder {
  readonly steps: PlannedStep[] = [];
  readonly branches: PlannedBranch[] = [];
  /** Things the stage would do that are not host commands (build an artifact, wait for health). */
  readonly notes: string[] = [];
  stateChanges: StateChange[] = [];
  private readonly changedHosts = new Set<string>();
  private readonly releases = new Map<string, string>();
  /** Each router's last real reading (fleet/readRouters.ts), kept for the readings planned after it. */
  readonly lastReadings = new Map<string, unknown>();

  async take(host: string, step: HostStep, run: () => Promise<ExecResult>): Promise<ExecResult> {
    const branch = branchScope.getStore();
    if (branch) {
      branch.steps.push({ host, step, ran: false });
      return assumedResult(step);
    }
    const runsForReal = step.kind === 'exec' && step.effect === 'read' && !this.changedHosts.has(host);
    this.steps.push({ host, step, ran: runsForReal });
    if (step.effect === 'change') this.changedHosts.add(host);
    return runsForReal ? run() : assumedResult(step);
  }

  /** Records what `fn` would run, without running any of it, as the branch taken `when`. */
  async branch(when: string, fn: () => Promise<unknown>): Promise<void> {
    // A failure inside a branch (an undo of the rollback's own steps) is not planned further.
    if (branchScope.getStore()) return;
    const branch: PlannedBranch = { when, steps: [] };
    this.branches.push(branch);
    await branchScope.run(branch, async () => {
      try {
        await fn();
      } catch {
        // A branch plans what would run; an error on the way ends the branch, not the plan.
      }
    });
  }

  /** Whether a step planned for `host` changes it: its reads would answer differently now. */
  hasPlannedChange(host: string): boolean {
    return this.changedHosts.has(host);
  }

  /** The router state the plan leaves live so far (later stages of a runbook read it). */
  plannedState(): RouterState | undefined {
    return this.stateChanges.at(-1)?.after;
  }

  /** A planned deploy: the release `host` would run for `app` (health is assumed from it). */
  planRelease(host: string, app: string, version: string): void {
    if (!branchScope.getStore()) this.releases.set(`${host}\0${app}`, version);
  }

  plannedRelease(host: string, app: string): string | undefined {
    return this.releases.get(`${host}\0${app}`);
  }

  note(line: string): void {
    if (branchScope.getStore()) return;
    this.notes.push(line);
  }

  recordStateChange(before: RouterState, after: RouterState): void {
    if (branchScope.getStore()) return;
    this.stateChanges.push({ before, after });
  }
}

function assumedResult(step: HostStep): ExecResult {
  const assumed = step.kind === 'exec' ? step.assumed : undefined;
  return { code: assumed?.code ?? 0, stdout: assumed?.stdout ?? '', stderr: '', durationMs: 0 };
}
