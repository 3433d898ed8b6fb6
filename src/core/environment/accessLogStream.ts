// Streams the routers' JSON access-log lines as they are written. Sandbox: the router
// containers' logs through the Docker API (nginx logs to stdout there); real hosts: `tail -F`
// over the transport. Stops when `signal` aborts; rejects when a router's stream breaks or ends
// before that, so a reader that must see every router (the canary) can fail closed.
import { PassThrough } from 'node:stream';
import { connectDocker } from '../docker/connect';
import { followAccessLogCommand } from '../hostCommands/routerCommands';
import { runHostCommand } from '../hostCommands/run';
import { EnvironmentHandle } from './openEnvironment';

export type LineHandler = (line: string, router: string) => void;

export async function streamAccessLogs(handle: EnvironmentHandle, onLine: LineHandler, signal: AbortSignal): Promise<void> {
  const { env } = handle;
  if (env.kind === 'docker') {
    const docker = connectDocker(env.dockerHost);
    await Promise.all(handle.routers.map(async (router) => {
      const container = docker.getContainer(router.name);
      const raw = await container.logs({ follow: true, stdout: true, stderr: false, since: Math.floor(Date.now() / 1000), tail: 0 });
      const out = new PassThrough();
      container.modem.demuxStream(raw, out, new PassThrough());
      const stop = () => (raw as unknown as { destroy(): void }).destroy();
      signal.addEventListener('abort', stop, { once: true });
      await splitLines(out, raw, (line) => onLine(line, router.name));
      if (!signal.aborted) throw new Error(`${router.name}: the access-log stream ended`);
    }));
    return;
  }
  await Promise.all(handle.routers.map((router) => {
    const split = lineSplitter((line) => onLine(line, router.name));
    return runHostCommand(router.transport, followAccessLogCommand(router), {
      signal,
      onOutput: (stream, text) => { if (stream === 'stdout') split(text); },
    }).then(
      (result) => { if (!signal.aborted) throw new Error(`${router.name}: tail of the access log exited ${result.code}${result.stderr.trim() ? `: ${result.stderr.trim().split('\n')[0]}` : ''}`); },
      (error: Error) => { if (!signal.aborted) throw error; },
    );
  }));
}

function splitLines(out: NodeJS.ReadableStream, source: NodeJS.ReadableStream, onLine: (line: string) => void): Promise<void> {
  const split = lineSplitter(onLine);
  out.on('data', (chunk: Buffer) => split(chunk.toString('utf8')));
  return new Promise((resolve) => {
    source.on('end', resolve);
    source.on('close', resolve);
    source.on('error', () => resolve());
  });
}

function lineSplitter(onLine: (line: string) => void): (text: string) => void {
  let buffered = '';
  return (text) => {
    buffered += text;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(line);
  };
}
