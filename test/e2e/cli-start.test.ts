import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';
import { CacheConsumer, ClusterMode, ReplicationGroup } from '../../src';

/**
 * `cdk-elasticache-local start <cdk.out>` as a user runs it: a child process started from a
 * bundle of the CLI, on a cloud assembly synthesized like `cdk synth` writes it.
 */
describe('cdk-elasticache-local start', () => {
  let dir: string;
  let bundle: string;
  let assembly: string;
  let child: ChildProcess | undefined;
  let stdout = '';

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-elasticache-start-'));
    bundle = path.join(dir, 'cli.js');
    buildSync({ entryPoints: [path.resolve(__dirname, '../../src/local/cli.ts')], bundle: true, platform: 'node', target: 'node20', outfile: bundle, logLevel: 'silent' });
    assembly = path.join(dir, 'cdk.out');
    const app = new App({ outdir: assembly, context: { 'aws:cdk:enable-path-metadata': true } });
    const stack = new Stack(app, 'Shop', { env: { account: '123456789012', region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 3, natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const cart = new ReplicationGroup(stack, 'Carts', { vpc, clusterMode: ClusterMode.enabled({ shards: 3, replicasPerShard: 1 }) });
    const fn = new lambda.Function(stack, 'Checkout', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'), vpc,
    });
    cart.addConsumer(CacheConsumer.fromFunction(fn), { prefix: 'CARTS' });
    app.synth();
  });
  afterAll(() => {
    child?.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('prints endpoints and the consumer\'s exports; redis-cli -c follows redirects across shards; Ctrl-C stops it', async () => {
    child = spawn(process.execPath, [bundle, 'start', assembly], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    for (let i = 0; i < 800 && !stdout.includes('Running; stop with Ctrl-C.'); i++) await new Promise((r) => setTimeout(r, 25));
    expect(stdout).toContain('Stack Shop: 1 cache(s) running');
    expect(stdout).toMatch(/Shop\/Carts \(carts[0-9a-f]*\): valkey, cluster, 6 node\(s\), TLS on/);
    expect(stdout).toMatch(/shard 3: primary 127\.0\.0\.1:\d+, replica 127\.0\.0\.1:\d+/);
    expect(stdout).toContain('# Shop/Checkout');
    expect(stdout).toMatch(/export CARTS_MODE=cluster/);
    expect(stdout).toMatch(/export CARTS_TLS_CA="\$\(cat .*ca\.pem\)"/);
    const tryLine = /try: (redis-cli -c -h 127\.0\.0\.1 -p (\d+) --tls --cacert (\S+) --pass (\S+))/.exec(stdout);
    expect(tryLine).not.toBeNull();
    const [, , port, cacert, pass] = tryLine!;
    const cli = (...args: string[]) => spawnSync('redis-cli', ['-c', '-h', '127.0.0.1', '-p', port, '--tls', '--cacert', cacert, '--pass', pass, '--no-auth-warning', ...args], { encoding: 'utf8' });
    // Keys in different slots: redis-cli follows MOVED to the shard that owns each.
    for (let i = 0; i < 20; i++) expect(cli('SET', `item:${i}`, String(i)).stdout.trim()).toBe('OK');
    for (let i = 0; i < 20; i++) expect(cli('GET', `item:${i}`).stdout.trim()).toBe(String(i));
    expect(cli('CLUSTER', 'INFO').stdout).toContain('cluster_size:3');
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child!.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(stdout).toContain('stopped (SIGINT)');
    child = undefined;
  });

  test('a cdk.out without caches, or a missing path, is a clear error', () => {
    const missing = spawnSync(process.execPath, [bundle, 'start', path.join(dir, 'nope')], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('does not exist');
    const noArg = spawnSync(process.execPath, [bundle, 'start'], { encoding: 'utf8' });
    expect(noArg.status).toBe(2);
    expect(noArg.stderr).toContain('start takes one cdk.out directory or template file');
  });
});
