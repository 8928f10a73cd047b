/**
 * Benchmark: the local engine against Debian's redis-server, measured in the same run on the same
 * machine with redis-benchmark. Prints per-command throughput ratios (engine / redis-server) and
 * p50/p99 latencies at pipeline depths 1 and 16, then the RSS of each after loading 1M keys
 * (16-byte keys, 100-byte values).
 *
 *   npm run bench:redis              # full run (3 rounds)
 *   npm run bench:redis -- --quick   # 1 round, fewer requests
 *   npm run bench:redis -- --tests=set,get
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const testsArg = process.argv.find((a) => a.startsWith('--tests='));
const TESTS = testsArg ? testsArg.slice('--tests='.length) : 'set,get,incr,lpush,rpop,sadd,hset,spop,zadd,lrange_100,mset';
const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 1 : 3;
const REQUESTS = quick ? 50_000 : 200_000;
const CLIENTS = 50;
const PIPELINES = [1, 16];
const KEYS_FOR_RSS = quick ? 200_000 : 1_000_000;

interface Server {
  readonly name: 'redis-server' | 'engine';
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

interface Sample {
  rps: number;
  p50: number;
  p99: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const r = spawnSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8' });
    if (r.stdout.trim() === 'PONG') return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`no PONG on port ${port}`);
}

async function startRedis(): Promise<Server> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--protected-mode', 'no', '--logfile', '', '--dir', os.tmpdir(), '--dbfilename', `bench-${port}.rdb`], { stdio: 'ignore' });
  await waitForPing(port);
  return { name: 'redis-server', port, pid: child.pid as number, stop: stopper(child) };
}

/**
 * Bundles the engine's runner to plain JavaScript first, so the measured process holds no
 * TypeScript compiler (its memory would distort the RSS comparison).
 */
function buildEngineRunner(): string {
  const outfile = path.join(os.tmpdir(), `cdk-elasticache-bench-${process.pid}.js`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  esbuild.buildSync({
    entryPoints: [path.join(__dirname, 'serve-redis-engine.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

async function startEngine(): Promise<Server> {
  const port = await freePort();
  const runner = buildEngineRunner();
  const child = spawn(process.execPath, [runner, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.once('exit', () => fs.rmSync(runner, { force: true }));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      if (out.includes('READY')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`engine exited with ${code}`)));
  });
  await waitForPing(port);
  return { name: 'engine', port, pid: child.pid as number, stop: stopper(child) };
}

/** Runs redis-benchmark and parses its CSV: test -> sample. */
function benchmark(port: number, pipeline: number): Map<string, Sample> {
  const r = spawnSync('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-t', TESTS, '-n', String(REQUESTS),
    '-c', String(CLIENTS), '-P', String(pipeline), '--csv'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  const out = new Map<string, Sample>();
  for (const line of r.stdout.split('\n')) {
    const cols = line.split('","').map((c) => c.replace(/"/g, ''));
    if (cols.length < 7 || cols[0] === 'test') continue;
    out.set(cols[0].replace(/ \(.*\)$/, ''), { rps: Number(cols[1]), p50: Number(cols[4]), p99: Number(cols[6]) });
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Loads `count` keys `key:%012d` (16 bytes) with 100-byte values through one pipelined socket. */
async function load(port: number, count: number): Promise<void> {
  const value = 'x'.repeat(100);
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let replies = 0;
    let pending = '';
    socket.on('data', (d) => {
      pending += d.toString('latin1');
      let i = pending.indexOf('\r\n');
      while (i >= 0) {
        replies++;
        pending = pending.slice(i + 2);
        i = pending.indexOf('\r\n');
      }
      if (replies >= count) {
        socket.end();
        resolve();
      }
    });
    socket.once('error', reject);
    socket.once('connect', async () => {
      const batch = 10_000;
      for (let start = 0; start < count; start += batch) {
        let chunk = '';
        for (let i = start; i < Math.min(count, start + batch); i++) {
          const key = `key:${String(i).padStart(12, '0')}`;
          chunk += `*3\r\n$3\r\nSET\r\n$16\r\n${key}\r\n$100\r\n${value}\r\n`;
        }
        if (!socket.write(chunk, 'latin1')) await new Promise((r) => socket.once('drain', r));
      }
    });
  });
}

async function main(): Promise<void> {
  const redisVersion = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Machine: ${os.cpus().length} x ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${redisVersion}`);
  console.log(`redis-benchmark -t ${TESTS} -n ${REQUESTS} -c ${CLIENTS} -P 1|16, ${ROUNDS} interleaved round(s)\n`);

  const results = new Map<string, Map<string, Sample[]>>(); // "P<n> <server>" -> test -> samples
  const redis = await startRedis();
  const engine = await startEngine();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const pipeline of PIPELINES) {
        const order = round % 2 === 0 ? [redis, engine] : [engine, redis];
        for (const server of order) {
          spawnSync('redis-cli', ['-p', String(server.port), 'FLUSHALL']);
          const samples = benchmark(server.port, pipeline);
          const key = `P${pipeline} ${server.name}`;
          const byTest = results.get(key) ?? new Map<string, Sample[]>();
          for (const [test, sample] of samples) byTest.set(test, [...(byTest.get(test) ?? []), sample]);
          results.set(key, byTest);
        }
      }
    }

    const rows: string[] = [];
    let worst = Infinity;
    for (const pipeline of PIPELINES) {
      rows.push(`\n-P ${pipeline}      redis-server rps   engine rps   ratio   p50 ms (r/e)    p99 ms (r/e)   p99 ratio`);
      const r = results.get(`P${pipeline} redis-server`) as Map<string, Sample[]>;
      const e = results.get(`P${pipeline} engine`) as Map<string, Sample[]>;
      for (const [test, rs] of r) {
        const es = e.get(test);
        if (!es) continue;
        const rr = median(rs.map((s) => s.rps));
        const er = median(es.map((s) => s.rps));
        const ratio = er / rr;
        worst = Math.min(worst, ratio);
        const p50 = `${median(rs.map((s) => s.p50)).toFixed(3)}/${median(es.map((s) => s.p50)).toFixed(3)}`;
        const p99r = median(rs.map((s) => s.p99));
        const p99e = median(es.map((s) => s.p99));
        rows.push(`${test.padEnd(24)} ${rr.toFixed(0).padStart(10)} ${er.toFixed(0).padStart(12)} ${ratio.toFixed(2).padStart(7)}x  ${p50.padStart(14)}  ${`${p99r.toFixed(3)}/${p99e.toFixed(3)}`.padStart(14)}  ${(p99e / p99r).toFixed(2).padStart(8)}x`);
      }
    }
    console.log(rows.join('\n'));
    console.log(`\nLowest throughput ratio: ${worst.toFixed(2)}x`);

    for (const server of [redis, engine]) spawnSync('redis-cli', ['-p', String(server.port), 'FLUSHALL']);
    const base = { redis: rssOf(redis.pid), engine: rssOf(engine.pid) };
    await load(redis.port, KEYS_FOR_RSS);
    await load(engine.port, KEYS_FOR_RSS);
    await new Promise((res) => setTimeout(res, 1000));
    const loaded = { redis: rssOf(redis.pid), engine: rssOf(engine.pid) };
    const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
    const dbsize = (port: number) => spawnSync('redis-cli', ['-p', String(port), 'DBSIZE'], { encoding: 'utf8' }).stdout.trim();
    console.log(`\nRSS with ${KEYS_FOR_RSS} keys (16-byte keys, 100-byte values; DBSIZE ${dbsize(redis.port)} / ${dbsize(engine.port)}):`);
    console.log(`  redis-server ${mb(loaded.redis)} (empty ${mb(base.redis)}), engine ${mb(loaded.engine)} (empty ${mb(base.engine)}), ratio ${(loaded.engine / loaded.redis).toFixed(2)}x`);
  } finally {
    await engine.stop();
    await redis.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
