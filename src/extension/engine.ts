// The engine, loaded on first use: activation stays cheap, and the first refresh or command pays
// for dockerode and friends once.
export type Engine = typeof import('./engineModules');

let loading: Promise<Engine> | undefined;

export function engine(): Promise<Engine> {
  loading ??= import('./engineModules');
  return loading;
}
