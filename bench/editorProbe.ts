// Runs inside the real extension host (code-server), started by the extension's test-only hook
// (BLUEGREEN_TEST_SUITE). Measures what activation costs there:
//  - load: a cold require() of a fresh copy of the installed dist/extension.js (compile + the
//    bundle's top-level code), best of several copies;
//  - activate: the extension's own activate() call, as it reported it (BluegreenApi.activationMs);
//  - engine: the same cold require() of dist/engine.js, the cost moved from activation to the
//    first refresh or command (not part of activation);
// and writes them to BLUEGREEN_TEST_RESULTS for bench/editor.ts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'bluegreen-releases.bluegreen';
const COPIES = 5;
const ENGINE_COPIES = 3;

export interface ProbeResults {
  loadMs: number[];
  engineLoadMs: number[];
  activateMs: number;
  vscodeVersion: string;
}

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<{ activationMs: number }>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed`);
  const api = await extension.activate();
  const dist = path.join(extension.extensionPath, 'dist');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bluegreen-probe-'));
  const loadMs = coldLoads(path.join(dist, 'extension.js'), dir, COPIES);
  const engineLoadMs = coldLoads(path.join(dist, 'engine.js'), dir, ENGINE_COPIES);
  fs.rmSync(dir, { recursive: true, force: true });
  const results: ProbeResults = { loadMs, engineLoadMs, activateMs: api.activationMs, vscodeVersion: vscode.version };
  const file = process.env.BLUEGREEN_TEST_RESULTS;
  if (file) {
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(results));
    fs.renameSync(`${file}.tmp`, file);
  }
}

/** Milliseconds of a cold require() of each of `copies` fresh copies of `bundle`. */
function coldLoads(bundle: string, dir: string, copies: number): number[] {
  const source = fs.readFileSync(bundle, 'utf8');
  const name = path.basename(bundle, '.js');
  const times: number[] = [];
  for (let i = 0; i < copies; i++) {
    // A new file each time: Node's module cache and V8's code cache know nothing of it.
    const copy = path.join(dir, `${name}-${i}.js`);
    fs.writeFileSync(copy, `${source}\n// copy ${i}\n`);
    const started = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(copy);
    times.push(performance.now() - started);
  }
  return times;
}
