import * as assert from 'node:assert/strict';
import { markerLanes } from '../../media/panel/src/markerLanes';

describe('traffic panel: stage marker lanes', () => {
  it('keeps labels far apart in the first lane', () => {
    assert.deepEqual(markerLanes([{ x: 0, width: 50 }, { x: 100, width: 50 }, { x: 200, width: 50 }], 3), [0, 0, 0]);
  });

  it('moves a label that would run into the one before it to the next lane', () => {
    // Three stages a few seconds apart (drain, deploy, verify), then one later: back in the first lane.
    assert.deepEqual(markerLanes([{ x: 0, width: 80 }, { x: 20, width: 80 }, { x: 40, width: 80 }, { x: 120, width: 40 }], 3), [0, 1, 2, 0]);
  });

  it('with every lane taken, shares the lane that ends first', () => {
    assert.deepEqual(markerLanes([{ x: 0, width: 100 }, { x: 10, width: 50 }, { x: 20, width: 100 }], 2), [0, 1, 1]);
    assert.deepEqual(markerLanes([{ x: 0, width: 10 }], 0), [0]);
  });
});
