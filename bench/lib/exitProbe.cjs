// Preloaded into a benchmarked CLI run (node --require bench/lib/exitProbe.cjs …): at exit it
// writes the process's CPU time, peak RSS and uptime to $BLUEGREEN_EXIT_PROBE, as one JSON line.
// CPU time tells the CLI's own work from a busy machine's wait for a core.
const fs = require('node:fs');
const file = process.env.BLUEGREEN_EXIT_PROBE;
if (file) {
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    fs.appendFileSync(file, `${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, uptimeMs: process.uptime() * 1000 })}\n`);
  });
}
