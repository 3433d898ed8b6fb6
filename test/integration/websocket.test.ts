// WebSocket upgrades through the routers (issue "real hosts 2/2"): a connection opened while blue
// serves stays open on blue through a switch to green — the switch decides new requests only —
// while a connection opened after it reaches green. Real nginx (njs routing), the sample web
// app's `/ws`, and the stagetest sandbox's stages.
import assert from 'node:assert/strict';
import { switchTo } from '../../src/core/stages/switch';
import { runStage } from '../../src/core/stages/runStage';
import { SANDBOX_UP_TIMEOUT_MS, StageSandbox, Stages, closeStagesAtBaseline, openStagesAtBaseline } from '../helpers/stageHarness';
import { OpenWebSocket, openWebSocket } from '../helpers/webSocket';

interface Update { color: string; version: string; n: number }
const parse = (message: string): Update => JSON.parse(message) as Update;

describe('WebSocket upgrades through the routers (stagetest sandbox)', function () {
  this.timeout(SANDBOX_UP_TIMEOUT_MS);
  let sandbox: StageSandbox;
  let stages: Stages;
  const open: OpenWebSocket[] = [];

  before(async () => {
    ({ sandbox, stages } = await openStagesAtBaseline({ everyUserOn: 'blue' }));
  });
  after(async () => {
    open.forEach((socket) => socket.close());
    await closeStagesAtBaseline(stages);
  });

  it('an open WebSocket stays on blue through a switch to green; a new one reaches green; both routers pass upgrades', async () => {
    const before = await Promise.all(sandbox.urls.map((url) => openWebSocket(`${url}/ws`)));
    open.push(...before);
    for (const socket of before) {
      const first = parse(socket.messages[0] ?? await socket.next());
      assert.equal(first.color, 'blue', 'every user is on blue before the switch');
    }

    const ctx = stages.ctx();
    await runStage(ctx, 'switch green', () => switchTo(ctx, 'green'));

    // The connections opened before the switch keep receiving from blue: nothing cut them.
    for (const socket of before) {
      const seen = socket.messages.length;
      const later = [await socket.next(5000), await socket.next(5000)].map(parse);
      assert.ok(later.every((u) => u.color === 'blue'), JSON.stringify(later));
      assert.ok(later[1].n > parse(socket.messages[seen - 1]).n, 'the same connection, still counting');
      assert.equal(socket.closed(), false);
    }

    const after = await Promise.all(sandbox.urls.map((url) => openWebSocket(`${url}/ws`)));
    open.push(...after);
    for (const socket of after) {
      const first = parse(socket.messages[0] ?? await socket.next());
      assert.equal(first.color, 'green', 'a new connection follows the switch');
    }
  });
});
