// The traffic panel's script, inside the webview. It draws what the extension posts and sends
// back only typed requests. Bounded: the chart keeps at most CHART_SECONDS points. The same
// script runs in the side view and in the editor tab (body[data-layout]); the tab has a taller
// chart, larger marker labels and more of the stages listed.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { CHART_SECONDS, mergePoints, splitBarWidths } from '../../../src/core/live/trafficView';
import { markerLanes } from './markerLanes';
import type { ChartPoint, PanelContext, PanelRequest, TrafficControlView, TrafficView } from '../../../src/extension/panel/messages';
import { parsePanelUpdate } from '../../../src/extension/panel/messages';

declare function acquireVsCodeApi(): { postMessage(message: PanelRequest): void };
const vscode = acquireVsCodeApi();
const send = (request: PanelRequest) => vscode.postMessage(request);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let points: ChartPoint[] = [];
let latest: TrafficView | undefined;
let chart: uPlot | undefined;

const editorLayout = document.body.dataset.layout === 'editor';
const LAYOUT = editorLayout
  ? { chartHeight: 360, markerFontPx: 12, markerLanes: 4, listedMarkers: 12 }
  : { chartHeight: 160, markerFontPx: 10, markerLanes: 2, listedMarkers: 5 };

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function palette() {
  return {
    blue: cssVar('--vscode-charts-blue', '#3794ff'),
    green: cssVar('--vscode-charts-green', '#89d185'),
    text: cssVar('--vscode-foreground', '#cccccc'),
    grid: cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', '#80808040')),
    marker: cssVar('--vscode-charts-orange', '#d18616'),
    background: cssVar('--vscode-editor-background', '#1e1e1e'),
  };
}

/**
 * Draws stage markers as vertical lines over the plot, each label on a backing box in the first
 * lane where it does not run into the label before it (markerLanes.ts).
 */
function markersPlugin(): uPlot.Plugin {
  return {
    hooks: {
      draw: [(u) => {
        const { ctx } = u;
        const px = devicePixelRatio;
        const markers = (latest?.markers ?? [])
          .map((marker) => ({ marker, x: u.valToPos(marker.time, 'x', true) }))
          .filter(({ x }) => x >= u.bbox.left && x <= u.bbox.left + u.bbox.width);
        if (!markers.length) return;
        const colors = palette();
        const font = LAYOUT.markerFontPx * px;
        const pad = 2 * px;
        ctx.save();
        ctx.lineWidth = 1 * px;
        ctx.font = `${font}px ${cssVar('--vscode-font-family', 'sans-serif')}`;
        ctx.textBaseline = 'top';
        const labels = markers.map(({ marker, x }) => ({ x: x + 3 * px, width: ctx.measureText(marker.label).width + 2 * pad, text: marker.label }));
        const lanes = markerLanes(labels, LAYOUT.markerLanes, 4 * px);
        for (const [i, { x }] of markers.entries()) {
          ctx.strokeStyle = colors.marker;
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          const label = labels[i];
          const y = u.bbox.top + 2 * px + lanes[i] * (font + 2 * pad + px);
          ctx.globalAlpha = 0.85;
          ctx.fillStyle = colors.background;
          ctx.fillRect(label.x, y, label.width, font + 2 * pad);
          ctx.globalAlpha = 1;
          ctx.fillStyle = colors.marker;
          ctx.fillText(label.text, label.x + pad, y + pad);
        }
        ctx.restore();
      }],
    },
  };
}

function chartData(): uPlot.AlignedData {
  return [points.map((p) => p.second), points.map((p) => p.blue), points.map((p) => p.green)];
}

function makeChart(): void {
  const host = $('chart');
  chart?.destroy();
  const colors = palette();
  const axis = { stroke: colors.text, grid: { stroke: colors.grid, width: 1 }, ticks: { stroke: colors.grid, width: 1 } };
  chart = new uPlot({
    width: Math.max(200, host.clientWidth),
    height: LAYOUT.chartHeight,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [{ ...axis }, { ...axis, size: 40 }],
    series: [
      {},
      { label: 'blue', stroke: colors.blue, width: 2, points: { show: false } },
      { label: 'green', stroke: colors.green, width: 2, points: { show: false } },
    ],
    plugins: [markersPlugin()],
  }, chartData(), host);
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const ms = (value: number | undefined) => (value === undefined ? '—' : value < 10 ? value.toFixed(1) : String(Math.round(value)));

/** A split bar: a color with nothing has no part drawn at all (hidden, not a 0-wide sliver). */
function setBar(id: string, blue: number, green: number): void {
  const widths = splitBarWidths(blue, green);
  for (const part of Array.from($(id).children) as HTMLElement[]) {
    const width = part.classList.contains('blue') ? widths.blue : widths.green;
    part.hidden = width === 0;
    part.style.width = `${width}%`;
  }
}

function text(id: string, value: string): void {
  $(id).textContent = value;
}

function renderView(view: TrafficView): void {
  latest = view;
  text('split-seconds', String(view.observed.seconds));
  text('stats-seconds', String(view.statsSeconds));
  const reader = view.reader;
  text('reader', `${reader.state}${reader.error ? ` — ${reader.error}` : ''} · ${reader.ingested} lines`);
  const configured = view.configured;
  text('configured', configured ? `${configured.description} — ${configured.stage} (#${configured.serial})${configured.staleRouters.length ? ` · stale: ${configured.staleRouters.join(', ')}` : ''}` : 'no router state read yet');
  if (configured && !configured.plan.segments.length) setBar('bar-configured', configured.plan.weights.blue, configured.plan.weights.green);
  else setBar('bar-configured', 0, 0);
  const observed = view.observed;
  setBar('bar-observed', observed.requestsByColor.blue, observed.requestsByColor.green);
  text('observed', observed.requests
    ? `observed: blue ${percent(observed.shares.blue)} · green ${percent(observed.shares.green)} of ${observed.requests} user requests`
    : 'observed: no user requests in this span');

  const body = $('stats').querySelector('tbody') as HTMLTableSectionElement;
  body.replaceChildren(...(['blue', 'green'] as const).map((color) => {
    const s = view.colors[color];
    const row = document.createElement('tr');
    row.dataset.color = color;
    const cells = [color, s.requestsPerSecond.toFixed(1), s.status['2xx'], s.status['3xx'], s.status['4xx'], s.status['5xx'], ms(s.p50Ms), ms(s.p95Ms), s.previewRequests];
    for (const [i, value] of cells.entries()) {
      const cell = document.createElement(i === 0 ? 'th' : 'td');
      cell.textContent = String(value);
      if (i === 0) cell.className = `swatch ${color}`;
      row.append(cell);
    }
    return row;
  }));
  const db = view.database;
  text('database', !db ? '' : db.error ? `database: not read — ${db.error}`
    : `database: ${db.total}/${db.maxConnections} connections (${percent(db.maxConnections ? db.total / db.maxConnections : 0)}), ${db.zombies} zombie(s) idle > ${db.zombieAfterSeconds}s${db.holders.length ? ` · ${db.holders.join(' · ')}` : ''}`);
  text('segments', view.segmentHits.length ? `segments: ${view.segmentHits.map((h) => `${h.segment} → ${h.color} ${h.requests}`).join(' · ')}` : 'segments: no hits');
  $('markers').replaceChildren(...view.markers.slice(-LAYOUT.listedMarkers).reverse().map((m) => {
    const item = document.createElement('li');
    item.textContent = `${new Date(m.time * 1000).toLocaleTimeString()} ${m.label}`;
    return item;
  }));

  points = mergePoints(points, view.points, CHART_SECONDS);
  if (!chart) makeChart();
  else chart.setData(chartData());
}

function renderContext(context: PanelContext): void {
  const select = $('environment') as HTMLSelectElement;
  select.replaceChildren(...context.environments.map((name) => new Option(name, name, false, name === context.environment)));
  $('traffic').hidden = !context.canGenerateTraffic;
}

function renderTraffic(traffic: TrafficControlView): void {
  // A run started from the other panel (side view or editor tab) shows its own settings here.
  if (traffic.running && traffic.settings) {
    const rps = $('rps') as HTMLInputElement;
    const mobile = $('mobile') as HTMLInputElement;
    if (document.activeElement !== rps) rps.value = String(traffic.settings.rps);
    if (document.activeElement !== mobile) mobile.value = String(Math.round(traffic.settings.mobileShare * 100));
  }
  ($('start') as HTMLButtonElement).disabled = false;
  ($('stop') as HTMLButtonElement).disabled = !traffic.running;
  text('traffic-counts', `${traffic.running ? 'running' : 'stopped'} · sent ${traffic.sent} · ok ${traffic.ok} · failed ${traffic.failed}${traffic.running ? ` · ${traffic.achievedRps.toFixed(1)} req/s` : ''}`);
}

function notice(level: 'info' | 'error', message: string): void {
  const box = $('notice');
  box.className = level;
  box.textContent = message;
}

window.addEventListener('message', (event: MessageEvent) => {
  const update = parsePanelUpdate(event.data);
  if (!update) return; // unknown messages are ignored
  switch (update.type) {
    case 'history':
      points = [];
      renderContext(update.context);
      renderTraffic(update.traffic);
      renderView(update.view);
      return;
    case 'update':
      renderView(update.view);
      return;
    case 'traffic':
      renderTraffic(update.traffic);
      return;
    case 'notice':
      notice(update.level, update.message);
      return;
  }
});

($('environment') as HTMLSelectElement).addEventListener('change', (event) => {
  send({ type: 'selectEnvironment', environment: (event.target as HTMLSelectElement).value });
});
$('traffic-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const rps = Number(($('rps') as HTMLInputElement).value);
  const mobileShare = Number(($('mobile') as HTMLInputElement).value) / 100;
  notice('info', '');
  send({ type: 'startTraffic', settings: { rps, mobileShare } });
});
$('stop').addEventListener('click', () => send({ type: 'stopTraffic' }));

// The theme changes the body's class (vscode-light / vscode-dark / vscode-high-contrast):
// redraw with the new colors. Resizes redraw at the new width.
new MutationObserver(() => { if (chart) makeChart(); }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
new ResizeObserver(() => chart?.setSize({ width: Math.max(200, $('chart').clientWidth), height: LAYOUT.chartHeight })).observe($('chart'));

send({ type: 'ready' });
