/**
 * Real redis-server and memcached processes for the runtime helpers' tests: TLS from the local
 * CA, cluster mode, ACL users. Free ports on 127.0.0.1, stopped by PID.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { Redis } from 'ioredis';
import { freePort } from './harness';
import { localTls } from '../runtime/support';

export interface RealServer {
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess, dir?: string): () => Promise<void> {
  return () => new Promise<void>((resolve) => {
    const done = () => {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
      resolve();
    };
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', done);
    child.kill('SIGKILL');
  });
}

/** The local CA's server key and certificate as files (redis-server and memcached read files). */
function tlsFiles(dir: string): { cert: string; key: string; ca: string } {
  const { ca, key, cert } = localTls();
  const files = { cert: path.join(dir, 'server.crt'), key: path.join(dir, 'server.key'), ca: path.join(dir, 'ca.crt') };
  fs.writeFileSync(files.cert, cert);
  fs.writeFileSync(files.key, key, { mode: 0o600 });
  fs.writeFileSync(files.ca, ca.certPem);
  return files;
}

export interface RedisProcessOptions {
  readonly tls?: boolean;
  readonly cluster?: boolean;
  /** ACL SETUSER rules run after start, e.g. 'app on >pw ~* +@all'. */
  readonly users?: readonly string[];
  /** The default user's password. */
  readonly requirepass?: string;
}

/** redis-server on a free port; with cluster, a one-node cluster owning every slot. */
export async function startRedisProcess(options: RedisProcessOptions = {}): Promise<RealServer> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-elasticache-runtime-'));
  const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--dir', dir, '--logfile', ''];
  if (options.tls) {
    const files = tlsFiles(dir);
    args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', files.cert, '--tls-key-file', files.key,
      '--tls-ca-cert-file', files.ca, '--tls-auth-clients', 'no');
    if (options.cluster) args.push('--tls-cluster', 'yes');
  } else {
    args.push('--port', String(port));
  }
  if (options.cluster) {
    // A node that never met another has no IP of its own: announce it, so CLUSTER SLOTS names it.
    args.push('--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, 'nodes.conf'), '--cluster-announce-ip', '127.0.0.1');
  }
  if (options.requirepass) args.push('--requirepass', options.requirepass);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => { stderr += d; });
  const admin = () => new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...(options.tls ? { tls: { ca: localTls().ca.certPem } } : {}),
    ...(options.requirepass ? { password: options.requirepass } : {}),
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = admin();
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if (options.cluster) {
        await probe.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
        while (!String(await probe.call('CLUSTER', 'INFO')).includes('cluster_state:ok')) await new Promise((r) => setTimeout(r, 50));
      }
      for (const rules of options.users ?? []) await probe.call('ACL', 'SETUSER', ...rules.split(/\s+/));
      probe.disconnect();
      break;
    } catch (e) {
      probe.disconnect();
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not start on ${port}: ${(e as Error).message} ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { port, process: child, stop: stopper(child, dir) };
}

/** memcached on a free port, optionally with TLS from the local CA. */
export async function startMemcachedProcess(options: { tls?: boolean } = {}): Promise<RealServer> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-elasticache-memcached-'));
  const args = ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '16', '-u', 'nobody'];
  if (options.tls) {
    const files = tlsFiles(dir);
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(files.key, 0o644);
    args.push('-Z', '-o', `ssl_chain_cert=${files.cert},ssl_key=${files.key}`);
  }
  const child = spawn('memcached', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => { stderr += d; });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = options.tls
        ? tls.connect({ host: '127.0.0.1', port, ca: localTls().ca.certPem, servername: 'localhost' }, () => socket.write('version\r\n'))
        : net.connect(port, '127.0.0.1', () => socket.write('version\r\n'));
      socket.on('data', (d) => { socket.destroy(); resolve(d.toString().startsWith('VERSION')); });
      socket.on('error', () => resolve(false));
    });
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`memcached exited: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`memcached did not start on ${port}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, process: child, stop: stopper(child, dir) };
}
