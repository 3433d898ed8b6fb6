// Latency the preview proxy adds on loopback: the same sequential keep-alive GETs to a small
// HTTP server, direct and through the proxy, alternating in rounds so machine load hits both
// alike. Goal: p50(proxy) − p50(direct) ≤ 1 ms. Run: npx tsx bench/preview.ts [requests]
// Writes bench/preview.json beside this file.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startPreviewProxy } from '../src/core/preview';

const REQUESTS = Number(process.argv[2] ?? 4000);
const ROUNDS = 20;
const GOAL_MS = 1;
const BODY = Buffer.from('<!doctype html><title>green</title>'.padEnd(2048, ' '));

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

function timedGet(url: string, agent: http.Agent): Promise<number> {
  const begin = performance.now();
  return new Promise((resolve, reject) => {
    http.get(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 200 ? resolve(performance.now() - begin) : reject(new Error(`status ${response.statusCode}`))));
    }).on('error', reject);
  });
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { requests: samples.length, p50Ms: round(percentile(sorted, 0.5)), p90Ms: round(percentile(sorted, 0.9)), p99Ms: round(percentile(sorted, 0.99)) };
}

async function main(): Promise<void> {
  const upstream = http.createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html', 'x-bluegreen-color': request.headers['x-bluegreen-preview'] === 'green' ? 'green' : 'blue' });
    response.end(BODY);
  });
  upstream.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const direct = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
  const proxy = await startPreviewProxy({ target: direct, color: 'green', preview: { header: 'X-Bluegreen-Preview', cookie: 'bluegreen_preview' } });
  const directAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const proxyAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  // Warm up both paths (JIT, connections).
  for (let i = 0; i < 300; i++) {
    await timedGet(direct, directAgent);
    await timedGet(proxy.url, proxyAgent);
  }
  const directMs: number[] = [];
  const proxyMs: number[] = [];
  const perRound = Math.ceil(REQUESTS / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < perRound; i++) directMs.push(await timedGet(direct, directAgent));
    for (let i = 0; i < perRound; i++) proxyMs.push(await timedGet(proxy.url, proxyAgent));
  }
  directAgent.destroy();
  proxyAgent.destroy();
  await proxy.close();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));

  const d = summary(directMs);
  const p = summary(proxyMs);
  const addedP50Ms = Math.round((p.p50Ms - d.p50Ms) * 1000) / 1000;
  const result = {
    benchmark: 'preview proxy added latency (loopback, sequential keep-alive GETs of a 2 KiB page)',
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100), node: process.version },
    direct: d,
    viaProxy: p,
    addedP50Ms,
    addedP99Ms: Math.round((p.p99Ms - d.p99Ms) * 1000) / 1000,
    goalAddedP50Ms: GOAL_MS,
    pass: addedP50Ms <= GOAL_MS,
  };
  console.log(`direct     p50 ${d.p50Ms} ms  p90 ${d.p90Ms} ms  p99 ${d.p99Ms} ms  (${d.requests} requests)`);
  console.log(`via proxy  p50 ${p.p50Ms} ms  p90 ${p.p90Ms} ms  p99 ${p.p99Ms} ms  (${p.requests} requests)`);
  console.log(`added p50 ${addedP50Ms} ms (goal ≤ ${GOAL_MS} ms): ${result.pass ? 'PASS' : 'FAIL'}; load average ${result.machine.loadAverage.join(' ')}`);
  fs.writeFileSync(path.join(__dirname, 'preview.json'), JSON.stringify(result, null, 2) + '\n');
  process.exitCode = result.pass ? 0 : 1;
}

void main();
