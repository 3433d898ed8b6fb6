// How the sandbox reports what it is doing: the CLI prints these to stderr, the editor shows
// them in a progress notification.

export interface SandboxProgress {
  /** A short, stable step name: `engine`, `base-image`, `build`, `artifact`, `network`, `db`, `app`, `router`, `health`, `ssh`, `down`. */
  step: string;
  /** What exactly, for a person: `building bluegreen/api-runtime:1a2b3c`, a build output line, … */
  detail: string;
}

export interface SandboxRunOptions {
  onProgress?: (progress: SandboxProgress) => void;
  /** Cancels between steps and aborts running builds and health waits. */
  signal?: AbortSignal;
  /** Images that must be built are built without the engine's layer cache (a truly cold build). */
  noCache?: boolean;
  /** Build every image and artifact again even when its content-hash tag exists. */
  rebuild?: boolean;
}

export function report(options: SandboxRunOptions, step: string, detail: string): void {
  options.onProgress?.({ step, detail });
}
