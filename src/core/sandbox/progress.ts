// How the sandbox reports what it is doing: the CLI prints these to stderr, the editor shows
// them in a progress notification.

export interface SandboxProgress {
  /**
   * A short, stable step name: `engine`, `base-image`, `build-step`, `build`, `artifact`, `network`,
   * `db`, `app`, `router`, `health`, `ssh`, `down`. An image build reports its steps as
   * `build-step` (`[image bluegreen/router] step 3/9 (cached)`, a first build's notice, how long
   * it took) and each raw line of the builder's output as `build` (`bluegreen/router | Fetched …`:
   * images build at the same time): a face shows the first and keeps the second for whoever asks
   * (the stages drop `build`).
   */
  step: string;
  /** What exactly, for a person: `[image bluegreen/web:1.0.0] step 4/9: RUN npm ci`, a build output line, … */
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

/** One progress line as the faces print it: `[health] waiting for …`; a build step carries its image already. */
export function formatSandboxProgress(progress: SandboxProgress): string {
  return progress.step === 'build-step' ? progress.detail : `[${progress.step}] ${progress.detail}`;
}
