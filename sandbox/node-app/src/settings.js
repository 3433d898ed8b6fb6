'use strict';
// What the app learns from its environment (app.env, written by the host) and its release folder.
const fs = require('node:fs');
const path = require('node:path');

function loadSettings() {
  // The release folder carries its own VERSION file, so the version never depends on how the
  // process was started.
  const releaseDir = path.resolve(__dirname, '..');
  const version = fs.readFileSync(path.join(releaseDir, 'VERSION'), 'utf8').trim();
  const app = process.env.BLUEGREEN_APP || 'web';
  const color = process.env.BLUEGREEN_COLOR || 'none';
  return {
    app,
    version,
    color,
    port: Number(process.env.PORT || 3000),
    databaseUrl: process.env.DATABASE_URL || '',
    routerUrl: (process.env.ROUTER_URL || 'http://127.0.0.1').replace(/\/+$/, ''),
    previewHeader: process.env.BLUEGREEN_PREVIEW_HEADER || 'X-Bluegreen-Preview',
    // What the database sees, so connections can be counted per color and version.
    applicationName: `${app}-${color}-${version}`,
  };
}

module.exports = { loadSettings };
