'use strict';
// The web app asks the api for its version through the router, with the preview header set to
// its own color, so each color talks to its own api even while the plan sends users elsewhere.
const http = require('node:http');

function fetchApiVersion(settings) {
  return new Promise((resolve) => {
    const url = new URL('/api/version', `${settings.routerUrl}/`);
    const request = http.get(
      url,
      { headers: { [settings.previewHeader]: settings.color, Accept: 'application/json' }, timeout: 2000 },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => {
          if (response.statusCode !== 200) {
            resolve({ error: `api answered ${response.statusCode}` });
            return;
          }
          try {
            resolve(JSON.parse(body));
          } catch {
            resolve({ error: 'api answered something that is not JSON' });
          }
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out after 2 s')));
    request.on('error', (err) => resolve({ error: `api unreachable: ${err.message}` }));
  });
}

module.exports = { fetchApiVersion };
