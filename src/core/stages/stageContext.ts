// What every stage is given, and what it gives back. The faces (CLI, editor) build the context:
// where progress goes, how a person is asked, and whether gates may be overridden.
import { EnvironmentHandle } from '../environment/openEnvironment';

export interface StageContext {
  handle: EnvironmentHandle;
  /** `user@machine` (or BLUEGREEN_ACTOR; see core/actor.ts), recorded in the lock, the state document and the audit log. */
  actor: string;
  progress: (line: string) => void;
  /** Asks a person; undefined when nobody can answer (no terminal): the stage then stops. */
  confirm?: (question: string) => Promise<boolean>;
  /** Answer yes to every confirmation and pause point. */
  yes: boolean;
  /** Override the live-traffic gate of deploy. */
  force: boolean;
  signal?: AbortSignal;
}

export interface StageResult {
  stage: string;
  summary: string;
  warnings: string[];
  durationMs: number;
  /** Stage-specific data for --json and the editor. */
  details?: unknown;
}
