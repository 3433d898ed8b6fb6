// The build stream parser on real captured builds (test/fixtures/docker-build/: the JSON
// messages dockerode's buildImage streamed from this machine's engine, Docker 20.10's classic
// builder): the sandbox router built without the cache, the same again with its package layer
// cached, and a Dockerfile whose last step fails. Plus the lines the sandbox says about a build.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BuildEvent, BuildStep, BuildStreamParser, formatBuildStep } from '../../src/core/docker/buildProgress';
import { FIRST_BUILD_SECONDS, imageDisplayName, slowBuildNotice } from '../../src/core/sandbox/images';
import { formatSandboxProgress } from '../../src/core/sandbox/progress';

type Message = Record<string, unknown>;

const fixture = (name: string): Message[] =>
  readFileSync(path.join(__dirname, '..', 'fixtures', 'docker-build', `${name}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Message);

function parse(messages: Message[]): { parser: BuildStreamParser; events: BuildEvent[] } {
  const parser = new BuildStreamParser();
  const events = messages.flatMap((m) => parser.message(m));
  events.push(...parser.end());
  return { parser, events };
}

const stepsOf = (events: BuildEvent[]): BuildStep[] => events.flatMap((e) => (e.kind === 'step' ? [e.step] : []));
const linesOf = (events: BuildEvent[]): string[] => events.flatMap((e) => (e.kind === 'output' ? [e.line] : []));

/** The same stream cut into pieces of `size` characters at arbitrary places, as a slow socket may deliver it. */
function rechunked(messages: Message[], size: number): Message[] {
  const text = messages.map((m) => (typeof m.stream === 'string' ? m.stream : '')).join('');
  const pieces: Message[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push({ stream: text.slice(i, i + size) });
  return pieces;
}

describe('build progress: the classic builder\'s stream as steps', () => {
  it('a build without the cache: every step once, in order, none cached, with its instruction', () => {
    const { parser, events } = parse(fixture('router-cold'));
    const steps = stepsOf(events);
    assert.deepEqual(steps.map((s) => `${s.index}/${s.total}`), ['1/9', '2/9', '3/9', '4/9', '5/9', '6/9', '7/9', '8/9', '9/9']);
    assert.ok(steps.every((s) => !s.cached));
    // `ARG` prints nothing after its Step line: it is announced when the next step begins.
    assert.equal(steps[0].instruction, 'ARG BASE_IMAGE=debian:bookworm-slim');
    assert.equal(steps[1].instruction, 'FROM ${BASE_IMAGE}');
    assert.match(steps[2].instruction, /^RUN apt-get update && apt-get install -y --no-install-recommends nginx /);
    assert.equal(steps[3].instruction, 'COPY host/ /opt/bluegreen/');
    assert.deepEqual(parser.counts, { steps: 9, total: 9, cached: 0 });
    assert.equal(parser.failure, undefined);
    assert.equal(formatBuildStep(steps[2]), `step 3/9: ${steps[2].instruction.slice(0, 69)}…`);
    assert.equal(formatBuildStep(steps[3]), 'step 4/9: COPY host/ /opt/bluegreen/');
  });

  it('announces a step before the output of its command, and keeps every line whole', () => {
    const { events } = parse(fixture('router-cold'));
    const step3 = events.findIndex((e) => e.kind === 'step' && e.step.index === 3);
    const firstGet = events.findIndex((e) => e.kind === 'output' && e.line.startsWith('Get:1 '));
    assert.ok(step3 >= 0 && step3 < firstGet, 'step 3 is announced before apt-get prints');
    const lines = linesOf(events);
    // "Fetched … \nReading package lists..." then a bare "\n" in the next message: one line each.
    assert.ok(lines.some((l) => /^Fetched \d+ kB in/.test(l)));
    assert.ok(lines.includes('Reading package lists...'));
    assert.ok(lines.includes('Step 1/9 : ARG BASE_IMAGE=debian:bookworm-slim'));
    assert.ok(lines.every((l) => l.trim() !== '' && !l.includes('\n')));
    assert.equal(lines.at(-1), 'Successfully tagged bgprogress/router:capture');
  });

  it('the same events however the stream is cut into messages', () => {
    const whole = parse(fixture('router-cold')).events;
    for (const size of [1, 7, 300]) assert.deepEqual(parse(rechunked(fixture('router-cold'), size)).events, whole, `pieces of ${size}`);
  });

  it('a step taken from the layer cache says so, and is counted', () => {
    const { parser, events } = parse(fixture('router-warm'));
    const steps = stepsOf(events);
    assert.equal(steps.length, 9);
    assert.deepEqual(steps.filter((s) => s.cached).map((s) => s.index), [3]);
    assert.equal(formatBuildStep(steps[2]), 'step 3/9 (cached)');
    assert.deepEqual(parser.counts, { steps: 9, total: 9, cached: 1 });
    assert.equal(parser.running, undefined, 'nothing runs once the stream has ended');
  });

  it('a failing step: the error, the step it failed at, the command\'s output without colour codes', () => {
    const { parser, events } = parse(fixture('failing'));
    const steps = stepsOf(events);
    assert.deepEqual(steps.map((s) => [s.index, s.cached]), [[1, false], [2, false], [3, false]]);
    assert.equal(parser.failure, "The command '/bin/sh -c echo oops >&2 && exit 3' returned a non-zero code: 3");
    assert.equal(parser.currentStepLine, 'Step 3/3 : RUN echo oops >&2 && exit 3');
    assert.ok(parser.tail.includes('oops'));
    assert.ok(linesOf(events).every((l) => !l.includes(String.fromCharCode(27))));
    assert.equal(parser.lastOutput, 'oops');
  });

  it('while a step runs, it is the running one, with its last output line', () => {
    const parser = new BuildStreamParser();
    const messages = fixture('router-cold');
    const upTo = messages.findIndex((m) => typeof m.stream === 'string' && m.stream.startsWith('Get:4 '));
    for (const m of messages.slice(0, upTo + 1)) parser.message(m);
    assert.equal(parser.running?.index, 3);
    assert.match(parser.lastOutput, /^Get:4 http:\/\/deb\.debian\.org\/debian bookworm\/main amd64 Packages/);
  });
});

describe('build progress: what the sandbox says about a build', () => {
  it('names an image without its content hash', () => {
    assert.equal(imageDisplayName('bluegreen/router:72936407fcc7'), 'bluegreen/router');
    assert.equal(imageDisplayName('bluegreen/web:1.0.0-4d7f9ffcf151'), 'bluegreen/web:1.0.0');
    assert.equal(imageDisplayName('bluegreen/web-artifact:1.0.0-broken-61ae2848e15e'), 'bluegreen/web-artifact:1.0.0-broken');
    assert.equal(imageDisplayName('someone/else:1.0.0'), 'someone/else:1.0.0');
  });

  it('a first build says so, what it does and about how long it takes', () => {
    assert.equal(slowBuildNotice('router', 'bluegreen/router', 'first'),
      `first build of bluegreen/router (none on this engine yet, nothing cached): it installs nginx, njs, sshd and sudo from the Debian mirror; this takes up to about ${FIRST_BUILD_SECONDS.router} s on 2 cores`);
    assert.match(slowBuildNotice('app-runtime', 'bluegreen/web-runtime', 'no-cache'), /^building without the layer cache: it runs every step of your Dockerfile's runtime target; the sample apps' take up to about \d+ s on 2 cores$/);
  });

  it('a build step line carries its image; other lines their step', () => {
    assert.equal(formatSandboxProgress({ step: 'build-step', detail: '[image bluegreen/router] step 3/9 (cached)' }), '[image bluegreen/router] step 3/9 (cached)');
    assert.equal(formatSandboxProgress({ step: 'health', detail: 'waiting for x' }), '[health] waiting for x');
  });
});
