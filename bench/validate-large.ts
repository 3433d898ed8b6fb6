// `bluegreen validate` of a 5 MB config: the repository's sample apps and runbook with ssh:
// environments of real-host shape (2 routers, 10 app hosts each, an ssh option) until the file
// is 5 MB (about 4,500 environments). Wall time and the CLI's CPU time and peak RSS (exitProbe.cjs),
// median of N runs. Goal (issue 18): ≤ 1 s and ≤ 200 MB.
// `--before=PATH` also runs another build (an earlier commit's dist/cli.js) after each run of this
// one, so both meet the same load on a shared machine.
// Run: npm run bench:validate-large [-- --runs=N --mb=5 --build --cli=PATH --before=PATH --without-extra-ca-certs]; writes bench/validate-large.json.
import { promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { CLI as BUILT_CLI, configFolder, ensureBuilt, runNode, sshEnvironment } from './lib/cliProcess';
import { extraCaCerts, machineLoad, median, round } from './lib/measure';

const args = process.argv.slice(2);
const RUNS = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 5);
const MB = Number(args.find((a) => a.startsWith('--mb='))?.slice(5) ?? 5);
const GOAL = { ms: 1000, mb: 200 };
/** `--cli=PATH`: another build of the CLI, e.g. an earlier commit's, for a before/after figure. */
const CLI = path.resolve(args.find((a) => a.startsWith('--cli='))?.slice(6) ?? BUILT_CLI);
const BEFORE = args.find((a) => a.startsWith('--before='))?.slice(9);

async function main(): Promise<void> {
  if (CLI === BUILT_CLI) ensureBuilt(args.includes('--build'));
  const machineStart = machineLoad();
  const caCerts = extraCaCerts(args);
  const parts = ['  sandbox:\n    docker: {}\n'];
  let size = parts[0].length;
  for (let i = 0; size < MB * 1024 * 1024 - 2000; i++) {
    parts.push(sshEnvironment(`env${i}`, i));
    size += parts[parts.length - 1].length;
  }
  const { dir, file } = configFolder('validate-large', parts.join(''));
  const bytes = statSync(file).size;
  console.error(`${path.relative(process.cwd(), file)}: ${(bytes / 1024 / 1024).toFixed(2)} MB, ${parts.length} environments`);

  const validate = async (cli: string) => {
    const run = await runNode([cli, 'validate', file], { cwd: dir });
    if (run.code !== 0 || !run.stdout.includes('is valid')) throw new Error(`${cli} validate failed (exit ${run.code}):\n${run.stderr.slice(0, 2000)}`);
    return run;
  };
  const runs = [];
  const beforeRuns = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(await validate(CLI));
    if (BEFORE) beforeRuns.push(await validate(path.resolve(BEFORE)));
  }
  const before = BEFORE ? {
    cli: path.relative(process.cwd(), path.resolve(BEFORE)),
    wallMs: { median: round(median(beforeRuns.map((r) => r.ms))), runs: beforeRuns.map((r) => round(r.ms)) },
    cpuMs: { median: round(median(beforeRuns.map((r) => r.cpuMs))), runs: beforeRuns.map((r) => round(r.cpuMs)) },
    maxRssMb: { median: round(median(beforeRuns.map((r) => r.maxRssMb))), runs: beforeRuns.map((r) => round(r.maxRssMb)) },
  } : undefined;
  const wallMs = round(median(runs.map((r) => r.ms)));
  const cpuMs = round(median(runs.map((r) => r.cpuMs)));
  const maxRssMb = round(median(runs.map((r) => r.maxRssMb)));
  const result = {
    startedAt: machineStart.at, node: process.version, file: { bytes, environments: parts.length }, runs: RUNS, goal: GOAL,
    wallMs: { median: wallMs, runs: runs.map((r) => round(r.ms)) },
    cpuMs: { median: cpuMs, runs: runs.map((r) => round(r.cpuMs)) },
    maxRssMb: { median: maxRssMb, runs: runs.map((r) => round(r.maxRssMb)) },
    ...(before ? { before } : {}),
    machine: { start: machineStart, end: machineLoad(), nodeExtraCaCerts: { file: caCerts.file, removed: caCerts.removed } },
  };
  await fs.writeFile(path.join(__dirname, 'validate-large.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.table([
    { figure: `validate ${(bytes / 1024 / 1024).toFixed(1)} MB: wall ms (median of ${RUNS})`, value: wallMs, goal: `≤ ${GOAL.ms}`, met: wallMs <= GOAL.ms ? 'yes' : 'NO', ...(before ? { before: before.wallMs.median } : {}) },
    { figure: 'CPU ms (all threads)', value: cpuMs, goal: '-', met: '-', ...(before ? { before: before.cpuMs.median } : {}) },
    { figure: 'peak RSS MB', value: maxRssMb, goal: `≤ ${GOAL.mb}`, met: maxRssMb <= GOAL.mb ? 'yes' : 'NO', ...(before ? { before: before.maxRssMb.median } : {}) },
  ]);
  console.log(`load average (1/5/15 min) at start ${machineStart.loadAverage.join(' ')}, at end ${result.machine.end.loadAverage.join(' ')}; wrote bench/validate-large.json`);
  console.log(caCerts.note);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
