// The panel's HTML: a strict CSP (nothing by default; scripts only with this render's nonce,
// styles and scripts only from the extension's media/ folder), no remote content. The side view
// and the editor tab share it; `data-layout` tells the script and the CSS which one this is.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function newNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/** `view`: the narrow side view; `editor`: the editor tab (a taller chart, stage markers in lanes). */
export type PanelLayout = 'view' | 'editor';

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, layout: PanelLayout = 'view'): string {
  const nonce = newNonce();
  const media = (...parts: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel', ...parts)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${media('dist', 'panel.css')}">
<link rel="stylesheet" href="${media('panel.css')}">
<title>Traffic</title>
</head>
<body data-layout="${layout}">
<main id="app" aria-live="polite">
  <header class="row">
    <label for="environment">Environment</label>
    <select id="environment"></select>
    <span id="reader" class="muted"></span>
  </header>
  <section aria-labelledby="split-title">
    <h2 id="split-title">Split <span class="muted">configured vs observed (last <span id="split-seconds">10</span> s)</span></h2>
    <div id="configured" class="plan"></div>
    <div class="bars">
      <div class="bar-label">configured</div><div class="bar" id="bar-configured"><span class="blue"></span><span class="green"></span></div>
      <div class="bar-label">observed</div><div class="bar" id="bar-observed"><span class="blue"></span><span class="green"></span></div>
    </div>
    <div id="observed" class="numbers"></div>
  </section>
  <section aria-labelledby="chart-title">
    <h2 id="chart-title">Requests/s per color <span class="muted">last 5 min</span></h2>
    <div id="chart" role="img" aria-label="requests per second per color"></div>
  </section>
  <section aria-labelledby="stats-title">
    <h2 id="stats-title">Per color <span class="muted">last <span id="stats-seconds">60</span> s</span></h2>
    <table id="stats">
      <thead><tr><th></th><th>req/s</th><th>2xx</th><th>3xx</th><th>4xx</th><th>5xx</th><th title="median latency, ms">p50 ms</th><th title="95th percentile latency, ms">p95 ms</th><th title="preview requests">prev.</th></tr></thead>
      <tbody></tbody>
    </table>
    <div id="segments"></div>
    <ul id="markers"></ul>
    <div id="database" class="numbers"></div>
  </section>
  <section id="traffic" aria-labelledby="traffic-title" hidden>
    <h2 id="traffic-title">Simulated users <span class="muted">sandbox</span></h2>
    <form id="traffic-form" class="row">
      <label>Rate <input id="rps" type="number" min="1" max="500" step="1" value="20"> req/s</label>
      <label>Mobile <input id="mobile" type="number" min="0" max="100" step="5" value="20"> %</label>
      <button id="start" type="submit">Start</button>
      <button id="stop" type="button" class="secondary">Stop</button>
    </form>
    <div id="traffic-counts" class="numbers"></div>
  </section>
  <div id="notice" role="status"></div>
</main>
<script nonce="${nonce}" src="${media('dist', 'panel.js')}"></script>
</body>
</html>`;
}
