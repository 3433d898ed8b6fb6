// Ingest throughput of the traffic panel's pipeline: parse + aggregate synthetic router access
// log lines on one core. Goal: ≥ 50,000 lines/s. Run: npx tsx bench/aggregator.ts [lines]
// Writes bench/aggregator.json beside this file.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { SplitAggregator } from '../src/core/traffic/splitAggregator';

const LINES = Number(process.argv[2] ?? 500_000);
const LINES_PER_SECOND_OF_LOG = 2_000; // 500,000 lines cover 250 s of traffic, inside the 300 s window
const START = 1_746_093_600;

const MOBILE_UA_SHARE = 0.3;
const apps = ['web', 'api'];
const uris = ['/', '/api/version', '/api/orders?page=2', '/static/app.3f9c1e.js'];

/** Deterministic pseudo-random numbers, so every run ingests the same lines. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function syntheticLines(count: number): string[] {
  const random = lcg(42);
  const lines: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const msec = START + i / LINES_PER_SECOND_OF_LOG;
    const r = random();
    const via = r < 0.02 ? 'preview' : r < 0.02 + MOBILE_UA_SHARE ? 'segment' : 'split';
    const color = via === 'split' ? (random() < 0.5 ? 'blue' : 'green') : 'green';
    const status = random() < 0.01 ? 502 : random() < 0.05 ? 304 : 200;
    const requestTime = (random() * random() * 0.8).toFixed(3);
    const upstream = status === 502 ? '-' : random() < 0.01 ? `0.001, ${requestTime}` : requestTime;
    const uri = uris[i % uris.length];
    const json =
      `{"time":"${new Date(msec * 1000).toISOString().slice(0, 19)}+00:00","msec":${msec.toFixed(3)},` +
      `"router":"router-${(i % 2) + 1}","app":"${apps[uri.startsWith('/api/') ? 1 : 0]}","color":"${color}",` +
      `"via":"${via}","segment":"${via === 'segment' ? 'mobile' : ''}","status":${status},` +
      `"request_time":${requestTime},"upstream_time":"${upstream}","method":"GET","uri":"${uri}"}`;
    // Every tenth line as `docker logs --timestamps` prints it; one in a thousand is an nginx error line.
    if (i % 1000 === 999) lines[i] = `2025/05/01 10:00:00 [error] 29#29: *${i} upstream timed out (110: Connection timed out)`;
    else lines[i] = i % 10 === 0 ? `${new Date(msec * 1000).toISOString()} ${json}` : json;
  }
  return lines;
}

function main(): void {
  const lines = syntheticLines(LINES);
  const bytes = lines.reduce((sum, line) => sum + line.length + 1, 0);
  const aggregator = new SplitAggregator();
  const began = performance.now();
  const cpuBefore = process.cpuUsage();
  for (const line of lines) aggregator.ingestLine(line);
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - began) / 1000;
  // CPU time (user + system, GC threads included) is the figure for "one core": on a shared
  // machine the wall clock also counts the time other processes held the core.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;

  const linesPerSecond = Math.round(LINES / cpuSeconds);
  const wallLinesPerSecond = Math.round(LINES / seconds);
  const split = aggregator.observedSplit(300);
  const green = aggregator.summary('green', 300);
  const result = {
    benchmark: 'access log parse + split aggregation, one core',
    lines: LINES,
    megabytes: +(bytes / 1e6).toFixed(1),
    cpuSeconds: +cpuSeconds.toFixed(3),
    linesPerSecond,
    wallSeconds: +seconds.toFixed(3),
    wallLinesPerSecond,
    goalLinesPerSecond: 50_000,
    meetsGoal: linesPerSecond >= 50_000,
    ingested: aggregator.ingested,
    rejected: aggregator.rejected,
    observedGreenShare: +split.shares.green.toFixed(4),
    greenP95Ms: green.p95Ms === undefined ? null : +green.p95Ms.toFixed(1),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    loadAverage1m: +os.loadavg()[0].toFixed(2),
    date: new Date().toISOString(),
  };
  fs.writeFileSync(path.join(__dirname, 'aggregator.json'), JSON.stringify(result, null, 2) + '\n');
  const format = (n: number): string => n.toLocaleString('en-US');
  console.log(
    `${format(LINES)} lines: ${format(linesPerSecond)} lines/s of CPU time (${cpuSeconds.toFixed(2)} s), ` +
      `${format(wallLinesPerSecond)} lines/s wall clock (${seconds.toFixed(2)} s, load ${os.loadavg()[0].toFixed(1)}); goal 50,000; ` +
      `rejected ${aggregator.rejected}`,
  );
  if (!result.meetsGoal) process.exitCode = 1;
}

main();
