// How soon the CLI answers: `node dist/cli.js --help` and `--version` to exit, and `status` from
// start to its first host call — over SSH (the first spawn of the ssh client, here a probe script
// given as $BLUEGREEN_SSH that writes the time and fails as an unreachable host does) and over
// Docker (the first connection to the engine's socket, here a socket this script listens on).
// Each round also runs `node -e 0`, Node's own start. Every figure is given twice: wall time, as
// a person waits for it, and the CLI's own CPU time (all threads), which a busy machine's wait for
// a core does not inflate. Goals (issue 18): --help ≤ 150 ms; status at its first host call
// within 150 ms of start.
// `--before=PATH` also measures another build (an earlier commit's dist/cli.js) in every round,
// each figure right after this one's, so both meet the same load on a shared machine.
// Run: npm run bench:cli-start [-- --rounds=N --build --cli=PATH --before=PATH --without-extra-ca-certs]; writes bench/cli-start.json.
import { spawn } from 'node:child_process';
import { existsSync, promises as fs, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLI as BUILT_CLI, configFolder, cpuMsOf, ensureBuilt, runNode, sshEnvironment } from './lib/cliProcess';
import { extraCaCerts, machineLoad, median, percentile, round } from './lib/measure';

const args = process.argv.slice(2);
const ROUNDS = Number(args.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 15);
const GOAL_MS = 150;
/** `--cli=PATH`: another build of the CLI, e.g. an earlier commit's, for a before/after figure. */
const CLI = path.resolve(args.find((a) => a.startsWith('--cli='))?.slice(6) ?? BUILT_CLI);
const BEFORE = args.find((a) => a.startsWith('--before='))?.slice(9);

/** Milliseconds since the epoch, with fractions: the clock bash's $EPOCHREALTIME also reads. */
const epochMs = () => performance.timeOrigin + performance.now();

interface Reached { at: number; cpuMs: number }

/** Runs `status` until its first host call: wall ms from spawn to that call, and CPU ms by then. */
function firstHostCall(cli: string, argv: string[], env: Record<string, string>, reached: (pid: number) => Promise<Reached>): Promise<{ ms: number; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    const began = epochMs();
    const child = spawn(process.execPath, [cli, ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    let done = false;
    child.on('exit', (code) => {
      if (!done) reject(new Error(`status ended (exit ${code}) before any host call:\n${stderr}`));
    });
    reached(child.pid ?? 0).then(({ at, cpuMs }) => {
      done = true;
      child.kill('SIGKILL');
      resolve({ ms: at - began, cpuMs });
    }, reject);
  });
}

async function main(): Promise<void> {
  if (CLI === BUILT_CLI) ensureBuilt(args.includes('--build'));
  const machineStart = machineLoad();
  const caCerts = extraCaCerts(args);
  const { dir, file } = configFolder('cli-start', `${sshEnvironment('production', 1)}  box:\n    docker: { host: "unix://${path.join('/tmp', `bluegreen-bench-docker-${process.pid}.sock`)}" }\n`);

  // The ssh client that records when it was first called and the CLI's CPU time by then (its
  // parent's threads' schedstat, ns), then fails as an unreachable host does.
  const probeFile = path.join(dir, 'ssh-called');
  const probe = path.join(dir, 'ssh-probe');
  writeFileSync(probe, [
    '#!/bin/bash',
    'now=$EPOCHREALTIME; cpu=0',
    'for f in /proc/$PPID/task/*/schedstat; do read -r ns _ < "$f" && cpu=$((cpu + ns)); done',
    `echo "$now $cpu" >> '${probeFile}'`,
    'echo "ssh: connect to host x port 22: Connection refused" >&2',
    'exit 255',
    '',
  ].join('\n'), { mode: 0o755 });
  const sshReached = async (): Promise<Reached> => {
    for (;;) {
      if (existsSync(probeFile)) {
        const [at, ns] = readFileSync(probeFile, 'utf8').split('\n')[0].split(' ');
        if (ns) return { at: Number(at.replace(',', '.')) * 1000, cpuMs: Number(ns) / 1e6 };
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  };

  // The Docker engine: a socket that notes its first connection and never answers.
  const socketPath = path.join('/tmp', `bluegreen-bench-docker-${process.pid}.sock`);
  rmSync(socketPath, { force: true });
  let onConnection: ((at: number) => void) | undefined;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => { sockets.add(socket); onConnection?.(epochMs()); onConnection = undefined; });
  const dockerReached = (pid: number) => new Promise<Reached>((resolve) => {
    onConnection = (at) => resolve({ at, cpuMs: cpuMsOf(pid) });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));

  const names = ['nodeAlone', 'version', 'help', 'statusSshFirstCall', 'statusDockerFirstCall'] as const;
  type Name = (typeof names)[number];
  const series = () => Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Name, number[]>;
  const builds = [{ label: 'now', cli: CLI, wall: series(), cpu: series() }, ...(BEFORE ? [{ label: 'before', cli: path.resolve(BEFORE), wall: series(), cpu: series() }] : [])];
  const [wall, cpu] = [builds[0].wall, builds[0].cpu];
  for (let round = 0; round < ROUNDS; round++) {
    const alone = await runNode(['-e', '0']);
    for (const build of builds) {
      const add = (name: Name, figures: { ms: number; cpuMs: number }) => { build.wall[name].push(figures.ms); build.cpu[name].push(figures.cpuMs); };
      add('nodeAlone', alone);
      const version = await runNode([build.cli, '--version']);
      if (version.code !== 0) throw new Error(`${build.cli} --version failed: ${version.stderr}`);
      add('version', version);
      const help = await runNode([build.cli, '--help']);
      if (help.code !== 0 || !help.stdout.includes('Commands:')) throw new Error(`${build.cli} --help failed: ${help.stderr}`);
      add('help', help);
      rmSync(probeFile, { force: true });
      add('statusSshFirstCall', await firstHostCall(build.cli, ['--config', file, '--env', 'production', 'status'], { BLUEGREEN_SSH: probe }, sshReached));
      add('statusDockerFirstCall', await firstHostCall(build.cli, ['--config', file, '--env', 'box', 'status'], { DOCKER_HOST: '' }, dockerReached));
      for (const s of sockets) s.destroy();
      sockets.clear();
    }
  }
  server.close();
  rmSync(socketPath, { force: true });

  const stats = (runs: number[]) => ({ median: round(median(runs), 1), p90: round(percentile(runs, 90), 1), min: round(Math.min(...runs), 1), runs: runs.map((r) => round(r, 1)) });
  const figures = Object.fromEntries(names.map((n) => [n, { wallMs: stats(wall[n]), cpuMs: stats(cpu[n]) }]));
  const before = builds[1] && { cli: path.relative(process.cwd(), builds[1].cli), figures: Object.fromEntries(names.map((n) => [n, { wallMs: stats(builds[1].wall[n]), cpuMs: stats(builds[1].cpu[n]) }])) };
  const result = {
    startedAt: machineStart.at, node: process.version, rounds: ROUNDS, goalMs: GOAL_MS,
    cli: path.relative(process.cwd(), CLI), figures, ...(before ? { before } : {}),
    machine: { start: machineStart, end: machineLoad(), nodeExtraCaCerts: { file: caCerts.file, removed: caCerts.removed } },
  };
  await fs.writeFile(path.join(__dirname, 'cli-start.json'), `${JSON.stringify(result, null, 2)}\n`);
  const goal = (name: string) => (name === 'help' || name.startsWith('status') ? `≤ ${GOAL_MS}` : '-');
  console.table(names.map((name) => ({
    figure: name, 'wall median ms': round(median(wall[name]), 1), 'wall p90 ms': round(percentile(wall[name], 90), 1),
    'CPU median ms': round(median(cpu[name]), 1), 'CPU over node -e 0': name === 'nodeAlone' ? '-' : round(median(cpu[name]) - median(cpu.nodeAlone), 1),
    goal: goal(name), 'met (wall)': goal(name) === '-' ? '-' : median(wall[name]) <= GOAL_MS ? 'yes' : 'NO',
    ...(builds[1] ? { 'before: wall / CPU median ms': `${round(median(builds[1].wall[name]), 1)} / ${round(median(builds[1].cpu[name]), 1)}` } : {}),
  })));
  console.log(`${ROUNDS} rounds; load average (1/5/15 min) at start ${machineStart.loadAverage.join(' ')}, at end ${result.machine.end.loadAverage.join(' ')}; wrote bench/cli-start.json`);
  console.log(caCerts.note);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
