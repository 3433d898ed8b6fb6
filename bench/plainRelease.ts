// A whole release over SSH on plain servers the product did not build (test/helpers/plainRelease.ts:
// a router without njs and one with, the sample apps, PostgreSQL on its own host), under load from
// an outside client in a container on the servers' network, at BENCH_PLAIN_RPS (default 300)
// req/s in total across both routers. Goal: 0 raw losses on both routers (njs, and files mode
// without njs).
//
//   npx tsx bench/plainRelease.ts
//
// Prints the figures and writes bench/plain-release.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { preparePlainRelease } from '../test/helpers/plainRelease';
import { machineLoad } from './lib/measure';

async function main(): Promise<void> {
  const rps = Number(process.env.BENCH_PLAIN_RPS || 300);
  const machine = { start: machineLoad() };
  const plain = await preparePlainRelease('bgbenchplain');
  try {
    const { release, figures } = await plain.releaseUnderLoad('1.0.1', rps);
    const result = {
      releaseExit: release.code,
      ...figures,
      goals: { njsRawLost: 0, filesRawLost: 0 },
      met: figures.njs.failedRaw === 0 && figures.files.failedRaw === 0 && release.code === 0,
      machine: { ...machine, end: machineLoad() },
    };
    fs.writeFileSync(path.join(__dirname, 'plain-release.json'), `${JSON.stringify(result, null, 2)}\n`);
    const line = (name: string, f: typeof figures.njs) => `${name}: sent ${f.sent}, failed raw ${f.failedRaw}, failed as a browser ${f.failedAsBrowser}`;
    process.stdout.write([
      `plain-server release at ${rps} req/s (release exit ${release.code}, ${figures.releaseSeconds.toFixed(0)} s)`,
      `  ${line('njs router lb2', figures.njs)}`,
      `  ${line('files-mode router lb1 (no njs)', figures.files)}`,
      `  errors: ${JSON.stringify(figures.errors)}`,
      `  goals met: ${result.met ? 'yes' : 'NO'}`,
      '',
    ].join('\n'));
    if (release.code !== 0) process.stderr.write(`${release.stderr}\n`);
  } finally {
    await plain.remove();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench/plainRelease.ts: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
