// Where the chart's stage-marker labels go: each label in the first lane (row) where it does not
// run into the label before it, so labels of stages that ran close together stay readable.
// Pure (no DOM): the webview script measures the labels and draws them.

/**
 * The lane of each label, given its left edge and width in pixels (in the markers' order, oldest
 * first). A label that fits in no lane goes where the lane ends first (overlap, but the fewest).
 */
export function markerLanes(labels: readonly { x: number; width: number }[], lanes: number, gap = 4): number[] {
  const count = Math.max(1, Math.floor(lanes));
  const ends: number[] = new Array<number>(count).fill(-Infinity);
  return labels.map(({ x, width }) => {
    let lane = ends.findIndex((end) => end + gap <= x);
    if (lane < 0) lane = ends.indexOf(Math.min(...ends));
    ends[lane] = x + width;
    return lane;
  });
}
