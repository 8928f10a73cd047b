/**
 * Benchmark of the local topology:
 *   1. start time of a 3-shard x 2-replica group and of a 500-node group from a template;
 *   2. throughput through a cluster client (redis-benchmark --cluster) against a local 3-shard
 *      cluster and against a 3-node `redis-server --cluster-enabled yes` cluster created with
 *      `redis-cli --cluster create`, in the same run.
 *
 *   npm run bench:topology
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CacheAuth, CacheNodeType, ClusterMode, ReplicationGroup } from '../src';
import { LocalElastiCache } from '../src/local';
import { CfnTemplate } from '../src/local/topology/template';

function template(shards: number, replicasPerShard: number, secure: boolean): CfnTemplate {
  const app = new App();
  const stack = new Stack(app, `Bench${shards}x${replicasPerShard}`, { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 3, natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  new ReplicationGroup(stack, 'Cache', {
    vpc,
    nodeType: CacheNodeType.R7G_LARGE,
    clusterMode: ClusterMode.enabled({ shards, replicasPerShard }),
    ...(secure ? {} : { auth: CacheAuth.none(), transitEncryption: false }),
  });
  return app.synth().getStackByName(stack.stackName).template as CfnTemplate;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function startTimes(): Promise<void> {
  console.log('Start time from a template (TLS and AUTH token on, as the construct defaults):');
  // The first start of a process also creates the local CA: measure it apart.
  const small = template(3, 2, true);
  const first = Date.now();
  await (await LocalElastiCache.start(small)).stop();
  console.log(`  first start in this process (includes creating the CA): ${Date.now() - first} ms`);
  for (const [label, t, runs, target] of [
    ['3 shards x 2 replicas (9 nodes)', small, 7, 300],
    ['100 shards x 4 replicas (500 nodes)', template(100, 4, true), 3, 5000],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = process.hrtime.bigint();
      const local = await LocalElastiCache.start(t);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      const nodes = local.caches[0].group!.nodes.length;
      await local.stop();
      if (i === 0) console.log(`  ${label}: ${nodes} nodes`);
    }
    const m = median(times);
    console.log(`  ${label}: median ${m.toFixed(0)} ms over ${runs} runs (target < ${target} ms: ${m < target ? 'met' : 'NOT met'})`);
  }
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

async function waitForPing(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8' }).stdout.trim() === 'PONG') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no PONG on ${port}`);
}

/** A 3-node redis-server cluster (no replicas), created with redis-cli --cluster create. */
async function startRedisCluster(): Promise<{ port: number; stop: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) {
    // Cluster bus ports are port + 10000: keep ports low enough.
    let port = await freePort();
    while (port > 55000) port = await freePort();
    ports.push(port);
    children.push(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
      '--cluster-config-file', path.join(dir, `nodes-${port}.conf`), '--save', '', '--appendonly', 'no', '--dir', dir,
      '--logfile', '', '--protected-mode', 'no'], { stdio: 'ignore' }));
  }
  for (const p of ports) await waitForPing(p);
  const create = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-yes'], { encoding: 'utf8' });
  if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
  for (let i = 0; i < 100; i++) {
    if (spawnSync('redis-cli', ['-p', String(ports[0]), 'CLUSTER', 'INFO'], { encoding: 'utf8' }).stdout.includes('cluster_state:ok')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port: ports[0],
    stop: () => {
      for (const c of children) c.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The local 3-shard cluster in its own process, started from a template file. */
async function startLocalCluster(): Promise<{ port: number; stop: () => void }> {
  const file = path.join(os.tmpdir(), `bench-local-cluster-${process.pid}.json`);
  // The construct requires a replica per shard in cluster mode; the redis-server cluster it is
  // compared with has none, so the template is edited to three primaries alone.
  const t = template(3, 1, false) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  for (const r of Object.values(t.Resources)) if (r.Type === 'AWS::ElastiCache::ReplicationGroup') r.Properties.ReplicasPerNodeGroup = 0;
  fs.writeFileSync(file, JSON.stringify(t));
  const runner = path.join(os.tmpdir(), `bench-local-cluster-${process.pid}.js`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  esbuild.buildSync({
    stdin: {
      contents: `const { LocalElastiCache } = require('./src/local');
        LocalElastiCache.start(process.argv[2], { elasticacheMode: false }).then((l) => {
          process.stdout.write('READY ' + l.caches[0].endpoint.port + '\\n');
        });`,
      resolveDir: path.resolve(__dirname, '..'),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile: runner,
    logLevel: 'error',
  });
  const child = spawn(process.execPath, [runner, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`local cluster exited with ${code}`)));
  });
  return {
    port,
    stop: () => {
      child.kill('SIGKILL');
      fs.rmSync(file, { force: true });
      fs.rmSync(runner, { force: true });
    },
  };
}

function clusterBenchmark(port: number): Map<string, number> {
  const r = spawnSync('redis-benchmark', ['--cluster', '-h', '127.0.0.1', '-p', String(port), '-t', 'set,get', '-n', '200000', '-c', '50', '--csv'], {
    encoding: 'utf8', maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`redis-benchmark --cluster failed: ${r.stdout}${r.stderr}`);
  const out = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    const cols = line.split('","').map((c) => c.replace(/"/g, ''));
    if (cols.length >= 2 && cols[0] !== 'test' && !Number.isNaN(Number(cols[1]))) out.set(cols[0], Number(cols[1]));
  }
  return out;
}

async function clusterThroughput(): Promise<void> {
  console.log('\nThroughput through a cluster client (redis-benchmark --cluster -t set,get -n 200000 -c 50), 3 rounds interleaved:');
  const redis = await startRedisCluster();
  const local = await startLocalCluster();
  try {
    const results: Record<string, Record<string, number[]>> = { redis: {}, local: {} };
    for (let round = 0; round < 3; round++) {
      const order: Array<['redis' | 'local', number]> = round % 2 === 0 ? [['redis', redis.port], ['local', local.port]] : [['local', local.port], ['redis', redis.port]];
      for (const [name, port] of order) {
        for (const [test, rps] of clusterBenchmark(port)) (results[name][test] ??= []).push(rps);
      }
    }
    for (const test of Object.keys(results.redis)) {
      const r = median(results.redis[test]);
      const l = median(results.local[test] ?? [0]);
      const ratio = l / r;
      console.log(`  ${test.padEnd(6)} redis-server cluster ${r.toFixed(0).padStart(8)} rps, local cluster ${l.toFixed(0).padStart(8)} rps, ratio ${ratio.toFixed(2)}x (target >= 0.5x: ${ratio >= 0.5 ? 'met' : 'NOT met'})`);
    }
  } finally {
    local.stop();
    redis.stop();
  }
}

async function main(): Promise<void> {
  console.log(`Machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, Node ${process.version}, ${spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim()}\n`);
  await startTimes();
  await clusterThroughput();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
