// autocannon in its own process, so it does not share an event loop (and a CPU) with the
// product's generator it checks. Args: JSON options. Stops on SIGTERM or 'stop' message and
// prints autocannon's result as one JSON line on stdout.
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
const instance = autocannon({ duration: 3600, ...options }, (error, result) => {
  process.stdout.write(`${JSON.stringify(error ? { error: error.message } : result)}\n`, () => process.exit(0));
});
const stop = () => instance.stop();
process.on('SIGTERM', stop);
process.on('message', stop);
// The parent died without stopping us: stop rather than load the routers for an hour.
process.on('disconnect', stop);
process.send?.('started');
