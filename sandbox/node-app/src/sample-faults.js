'use strict';
// Failures the sample app shows on purpose, keyed on its version string, so a release can be
// rehearsed going wrong: "broken" exits at start-up, "flaky" answers 20 % of requests with 500,
// "leaky" opens a database connection per request and never closes it (zombie connections).

function sampleFaults(version) {
  return {
    failsAtStartup: version.includes('broken'),
    leaksConnections: version.includes('leaky'),
    // The health endpoint is spared so the deploy succeeds and the canary has to notice.
    failsThisRequest(pathname) {
      return version.includes('flaky') && pathname !== '/health' && Math.random() < 0.2;
    },
  };
}

module.exports = { sampleFaults };
