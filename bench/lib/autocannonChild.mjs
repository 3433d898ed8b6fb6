// autocannon in its own process, so it does not share an event loop (and a CPU) with the
// product's generator it checks. Args: JSON options. Says {"started":true} on stdout, stops at a
// line on stdin, when stdin closes (the bench went away) or on SIGTERM, and prints autocannon's
// result as one JSON line on stdout.
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
const instance = autocannon({ duration: 3600, ...options }, (error, result) => {
  process.stdout.write(`${JSON.stringify(error ? { error: error.message } : result)}\n`, () => process.exit(0));
});
let stopped = false;
const stop = () => {
  if (stopped) return;
  stopped = true;
  instance.stop();
};
process.on('SIGTERM', stop);
process.stdin.on('data', stop);
process.stdin.on('end', stop);
process.stdout.write('{"started":true}\n');
