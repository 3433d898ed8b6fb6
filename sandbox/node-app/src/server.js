'use strict';
// The sample Node.js app (`web`): health, an HTML page showing both versions, and orders.
const http = require('node:http');
const { loadSettings } = require('./settings');
const { sampleFaults } = require('./sample-faults');
const { createDatabase } = require('./database');
const { fetchApiVersion } = require('./api-client');
const { renderPage } = require('./page');
const { acceptLiveUpdates } = require('./live-updates');

const settings = loadSettings();
const faults = sampleFaults(settings.version);
if (faults.failsAtStartup) {
  console.log(`version ${settings.version} is a broken sample build: exiting at start-up`);
  process.exit(1);
}
const database = createDatabase(settings);

function send(response, status, contentType, body) {
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}
const sendJson = (response, status, value) => send(response, status, 'application/json; charset=utf-8', JSON.stringify(value));

function readBody(request, limit = 16_384) {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => {
      body += chunk;
      if (body.length > limit) reject(new Error('body too large'));
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

async function createOrder(request, response) {
  let body;
  try {
    body = JSON.parse(await readBody(request));
  } catch (err) {
    sendJson(response, 400, { error: `body must be a JSON object: ${err.message}` });
    return;
  }
  const item = body && body.item;
  const quantity = body && body.quantity !== undefined ? body.quantity : 1;
  if (typeof item !== 'string' || item.trim() === '' || item.length > 200) {
    sendJson(response, 400, { error: 'item must be a non-empty string of at most 200 characters' });
    return;
  }
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > 1000) {
    sendJson(response, 400, { error: 'quantity must be a whole number from 1 to 1000' });
    return;
  }
  sendJson(response, 201, await database.createOrder(item, quantity));
}

async function handle(request, response) {
  response.setHeader('X-Bluegreen-Color', settings.color);
  response.setHeader('X-App-Version', settings.version);
  const { pathname, searchParams } = new URL(request.url, 'http://localhost');
  if (faults.failsThisRequest(pathname)) {
    sendJson(response, 500, { error: 'flaky sample build: failing this request on purpose' });
    return;
  }
  if (faults.leaksConnections && pathname !== '/health') {
    database.leakConnection().then(
      (count) => console.log(`leaky sample build: ${count} connection(s) left open`),
      (err) => console.log(`leaky sample build: could not open a connection: ${err.message}`),
    );
  }
  try {
    if (pathname === '/health') {
      sendJson(response, 200, { status: 'ok' });
    } else if (pathname === '/slow') {
      // A request that takes its time (`?ms=`, at most 30 s): what a drain must wait for.
      const ms = Math.min(Math.max(Number(searchParams.get('ms')) || 1000, 0), 30_000);
      await new Promise((resolve) => setTimeout(resolve, ms));
      sendJson(response, 200, { slept: ms, color: settings.color, version: settings.version });
    } else if (pathname === '/' && request.method === 'GET') {
      const [api, orders] = await Promise.all([
        fetchApiVersion(settings),
        database.recentOrders(10).catch((err) => ({ error: `database unavailable: ${err.message}` })),
      ]);
      send(response, 200, 'text/html; charset=utf-8', renderPage(settings, api, orders));
    } else if (pathname === '/orders' && request.method === 'GET') {
      sendJson(response, 200, await database.recentOrders(50));
    } else if (pathname === '/orders' && request.method === 'POST') {
      await createOrder(request, response);
    } else if (pathname === '/orders') {
      response.setHeader('Allow', 'GET, POST');
      sendJson(response, 405, { error: 'method not allowed' });
    } else {
      sendJson(response, 404, { error: `not found: ${pathname}` });
    }
  } catch (err) {
    // Everything that reaches here went wrong in the database.
    if (!response.headersSent) sendJson(response, 503, { error: `database unavailable: ${err.message}` });
  }
}

const server = http.createServer((request, response) => {
  handle(request, response).catch((err) => {
    console.log(`request failed: ${err.stack}`);
    if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
  });
});
server.on('upgrade', (request, socket) => acceptLiveUpdates(request, socket, settings));
server.listen(settings.port, () => {
  console.log(`${settings.app} ${settings.version} (${settings.color}) listening on port ${settings.port}`);
  database.connectWithRetry();
});

function shutdown(signal) {
  console.log(`${signal}: stopping`);
  server.close();
  database.close().finally(() => process.exit(0));
  // Keep-alive sockets may hold the server open: do not wait for them for long.
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
