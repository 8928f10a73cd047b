/**
 * Runs one local-engine node in its own process for benchmarks, so that it gets a core of its own
 * like redis-server does. Prints `READY <port>` when listening.
 */
import { startRedisServer } from '../src/local';

const port = Number(process.argv[2] ?? 0);
startRedisServer({ port }).then((s) => {
  process.stdout.write(`READY ${s.port}\n`);
  const stop = () => {
    void s.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}).catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
