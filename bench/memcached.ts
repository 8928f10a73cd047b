/**
 * Benchmark: the local memcached server against Debian's memcached, same load, same machine.
 *
 *   npm run bench:memcached -- [--rounds 3] [--duration 5000] [--connections 50] [--depth 16]
 *
 * Each server runs in its own process (memcached with its defaults on a free port, and memcached
 * -t 1 for reference, both stopped by PID; the local server through the cdk-elasticache-local
 * CLI); the load comes from another process (bench/memcached-load.ts). Runs are interleaved over
 * several rounds, without and with pipelining, and the medians are printed: throughput ratio
 * local/memcached, p50/p99 latencies and each server's CPU time per request.
 */
import { ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LoadJob, LoadResult } from './memcached-load';

const ROOT = path.resolve(__dirname, '..');

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const ROUNDS = option('rounds', 3);
const DURATION_MS = option('duration', 5000);
const CONNECTIONS = option('connections', 50);
const DEPTH = option('depth', 16);
const KEYS = 10_000;
const VALUE_SIZE = 100;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

interface Target {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
}

/** memcached with its defaults (4 worker threads), or with `-t threads`. */
async function startMemcached(threads?: number): Promise<Target> {
  const port = await freePort();
  const user = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const t = threads === undefined ? [] : ['-t', String(threads)];
  const child = spawn('memcached', [...user, '-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '64', ...t], { stdio: 'ignore' });
  await waitForPort(port);
  return { name: threads === undefined ? 'memcached' : `memcached -t ${threads}`, port, child };
}

async function startLocal(): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src/local/cli.ts'),
    'serve', '--engine', 'memcached', '--port', String(port), '--memory-limit', '64'], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'test/tsconfig.json') },
    stdio: 'ignore',
  });
  await waitForPort(port);
  return { name: 'local', port, child };
}

/**
 * The least any Node.js server can do per request: answer each read with END or STORED without
 * parsing or storing anything. Only meaningful without pipelining (one request per read); it
 * shows how much of the gap to memcached is Node's own per-read and per-write cost.
 */
const NODE_FLOOR = `require('net').createServer({ noDelay: true }, (s) => {
  s.on('data', (d) => s.write(d[0] === 0x67 ? 'END\\r\\n' : 'STORED\\r\\n'));
}).listen(Number(process.argv[1]), '127.0.0.1');`;

async function startNodeFloor(): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', NODE_FLOOR, String(port)], { stdio: 'ignore' });
  await waitForPort(port);
  return { name: 'node floor', port, child };
}

function stop(target: Target): Promise<void> {
  return new Promise((resolve) => {
    if (target.child.exitCode !== null || target.child.signalCode !== null) return resolve();
    target.child.once('exit', () => resolve());
    process.kill(target.child.pid!, 'SIGTERM');
  });
}

/** The load generator process and a way to give it work. */
function startLoad(): { ask<T>(msg: object): Promise<T>; stop(): void } {
  const child = fork(path.join(__dirname, 'memcached-load.ts'), [], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'test/tsconfig.json') },
  });
  return {
    ask: <T>(msg: object) => new Promise<T>((resolve, reject) => {
      child.once('message', (reply: { error?: string }) => (reply.error ? reject(new Error(reply.error)) : resolve(reply as T)));
      child.send(msg);
    }),
    stop: () => child.kill(),
  };
}

/** CPU seconds a process has used (user + system), from /proc; undefined elsewhere. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line (11 and 12 after the command).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

interface Measured extends LoadResult {
  /** Server CPU time per request in microseconds (independent of how busy the machine is). */
  readonly cpuPerRequest?: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const memcachedVersion = execFileSync('memcached', ['-V']).toString().trim();
  const load = startLoad();
  // References: memcached -t 1 has one worker thread, like the local server's one event loop; the
  // Node floor is the cost of Node's socket I/O alone (no-pipelining mode only).
  const targets = await Promise.all([startMemcached(), startLocal(), startMemcached(1), startNodeFloor()]);
  const modes = [{ name: 'no pipelining', depth: 1 }, { name: `pipelined x${DEPTH}`, depth: DEPTH }];
  const results = new Map<string, Measured[]>();
  try {
    for (const t of targets) {
      if (t.name !== 'node floor') await load.ask({ preload: { port: t.port, keys: KEYS, valueSize: VALUE_SIZE } });
    }
    // Warm-up (not recorded): lets the JIT optimize the local server before it is measured.
    for (const t of targets) {
      for (const mode of modes) {
        if (t.name === 'node floor' && mode.depth > 1) continue;
        const warmUp: LoadJob = {
          port: t.port, connections: CONNECTIONS, depth: mode.depth, durationMs: 1000, keys: KEYS, valueSize: VALUE_SIZE, getRatio: 0.9,
        };
        await load.ask({ job: warmUp });
      }
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of modes) {
        // Alternate the order, so drift in machine load affects the servers alike.
        const order = round % 2 === 0 ? targets : [...targets].reverse();
        for (const t of order) {
          if (t.name === 'node floor' && mode.depth > 1) continue;
          const job: LoadJob = {
            port: t.port,
            connections: CONNECTIONS,
            depth: mode.depth,
            durationMs: DURATION_MS,
            keys: KEYS,
            valueSize: VALUE_SIZE,
            getRatio: 0.9,
          };
          const cpuBefore = cpuSeconds(t.child.pid!);
          const { result: r } = await load.ask<{ result: LoadResult }>({ job });
          const cpuAfter = cpuSeconds(t.child.pid!);
          const result: Measured = {
            ...r,
            cpuPerRequest: cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) * 1e6 / r.requests,
          };
          const key = `${mode.name}|${t.name}`;
          results.set(key, [...(results.get(key) ?? []), result]);
          const rate = Math.round(result.requests / (result.elapsedMs / 1000));
          process.stderr.write(`round ${round + 1} ${mode.name.padEnd(14)} ${t.name.padEnd(14)} ${rate} req/s `
            + `p50 ${result.p50.toFixed(0)} us p99 ${result.p99.toFixed(0)} us `
            + `cpu ${result.cpuPerRequest?.toFixed(1) ?? '?'} us/req\n`);
        }
      }
    }
  } finally {
    load.stop();
    await Promise.all(targets.map(stop));
  }

  const cpus = os.cpus();
  console.log(`\nmemcached benchmark: ${CONNECTIONS} connections, 90% get / 10% set, ${KEYS} keys of ${VALUE_SIZE} bytes, `
    + `${ROUNDS} rounds of ${DURATION_MS / 1000} s per server and mode (medians)`);
  console.log(`machine: ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, `
    + `node ${process.version}, ${memcachedVersion} (default settings), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('');
  console.log('| mode | server | req/s | local / this | p50 (us) | p99 (us) | local p99 / this p99 | server CPU per request (us) |');
  console.log('|---|---|---|---|---|---|---|---|');
  const rate = (rs: Measured[]) => median(rs.map((r) => r.requests / (r.elapsedMs / 1000)));
  const p = (rs: Measured[], k: 'p50' | 'p99') => median(rs.map((r) => r[k]));
  const cpu = (rs: Measured[]) => (rs.every((r) => r.cpuPerRequest !== undefined) ? median(rs.map((r) => r.cpuPerRequest!)).toFixed(1) : '?');
  for (const mode of modes) {
    const local = results.get(`${mode.name}|local`)!;
    for (const t of targets) {
      const rs = results.get(`${mode.name}|${t.name}`);
      if (rs === undefined) continue;
      const vs = t.name === 'local' ? '' : (rate(local) / rate(rs)).toFixed(2);
      const p99 = t.name === 'local' ? '' : (p(local, 'p99') / p(rs, 'p99')).toFixed(2);
      console.log(`| ${mode.name} | ${t.name} | ${Math.round(rate(rs))} | ${vs} | ${p(rs, 'p50').toFixed(0)} | `
        + `${p(rs, 'p99').toFixed(0)} | ${p99} | ${cpu(rs)} |`);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
