import * as assert from 'node:assert/strict';
import { parsePanelRequest, parsePanelUpdate } from '../../src/extension/panel/messages';

describe('panel messages', () => {
  it('accepts exactly the requests the webview may send', () => {
    assert.deepEqual(parsePanelRequest({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parsePanelRequest({ type: 'stopTraffic', extra: 1 }), { type: 'stopTraffic' });
    assert.deepEqual(parsePanelRequest({ type: 'selectEnvironment', environment: 'sandbox' }), { type: 'selectEnvironment', environment: 'sandbox' });
    assert.deepEqual(parsePanelRequest({ type: 'startTraffic', settings: { rps: 20, mobileShare: 0.2, evil: true } }), { type: 'startTraffic', settings: { rps: 20, mobileShare: 0.2 } });
  });

  it('ignores anything else', () => {
    for (const message of [
      undefined, null, 'ready', 42, [], {}, { type: 'rm -rf' }, { type: 'selectEnvironment' }, { type: 'selectEnvironment', environment: 5 },
      { type: 'startTraffic' }, { type: 'startTraffic', settings: { rps: '20', mobileShare: 0 } }, { type: 'startTraffic', settings: [] },
    ]) {
      assert.equal(parsePanelRequest(message), undefined, JSON.stringify(message));
    }
  });

  it('checks updates by shape on the webview side', () => {
    const view = { environment: 'sandbox', points: [], colors: {}, observed: {} };
    assert.equal(parsePanelUpdate({ type: 'update', view })?.type, 'update');
    assert.equal(parsePanelUpdate({ type: 'history', view, context: {}, traffic: {} })?.type, 'history');
    assert.equal(parsePanelUpdate({ type: 'notice', level: 'error', message: 'x' })?.type, 'notice');
    assert.equal(parsePanelUpdate({ type: 'update', view: { environment: 'x' } }), undefined);
    assert.equal(parsePanelUpdate({ type: 'notice', level: 'warn', message: 'x' }), undefined);
    assert.equal(parsePanelUpdate({ type: 'eval', code: 'alert(1)' }), undefined);
  });
});
