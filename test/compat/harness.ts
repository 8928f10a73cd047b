/**
 * Differential testing: the same requests go to the local engine and to a real redis-server
 * (Debian's package, started here on a free port and stopped by PID), and the raw replies must be
 * identical byte for byte, unless a normalizer for a known, listed difference says otherwise.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import { RedisServerOptions, RunningRedisServer, startRedisServer } from '../../src/local';
import { RawClient, encode } from '../local/support';

/** Version of the real server the local engine imitates in these tests. */
export function realRedisVersion(): string {
  const out = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (out.error) throw new Error('redis-server is not installed: run .ci/run, or apt-get install redis-server');
  const m = /v=(\d+\.\d+\.\d+)/.exec(out.stdout);
  if (!m) throw new Error(`cannot read the redis-server version from: ${out.stdout}`);
  return m[1];
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A real redis-server process on a free port. */
export interface RealRedis {
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts Debian's redis-server on 127.0.0.1 with persistence off and extra config arguments. */
export async function startRealRedis(config: Record<string, string> = {}): Promise<RealRedis> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--protected-mode', 'no', '--daemonize', 'no', '--dir', '/tmp', '--dbfilename', `compat-${port}.rdb`,
    '--logfile', ''];
  for (const [k, v] of Object.entries(config)) args.push(`--${k}`, v);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => { stderr += d; });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const c = await RawClient.connect(port);
      const pong = await c.call('PING');
      c.close();
      if (pong === '+PONG\r\n') break;
    } catch {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not start on ${port}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    process: child,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    }),
  };
}

export type Normalizer = (reply: string) => string;

export interface CompatOptions {
  /** Config for both servers (CONFIG SET names). */
  readonly config?: Record<string, string>;
  /** Extra options for the local engine. */
  readonly local?: RedisServerOptions;
}

/** A real server and the local engine, each with one raw connection. */
export class CompatPair {
  public static async start(options: CompatOptions = {}): Promise<CompatPair> {
    const real = await startRealRedis(options.config ?? {});
    const local = await startRedisServer({
      engine: 'redis',
      version: realRedisVersion(),
      ...options.local,
      config: { ...options.config, ...options.local?.config },
    });
    const pair = new CompatPair(real, local, await RawClient.connect(real.port), await RawClient.connect(local.port));
    return pair;
  }

  private readonly extra: RawClient[] = [];

  private constructor(
    public readonly real: RealRedis,
    public readonly local: RunningRedisServer,
    public readonly realClient: RawClient,
    public readonly localClient: RawClient,
  ) {}

  /** Sends one request to both; returns both raw replies. */
  public async both(argv: readonly string[]): Promise<{ real: string; local: string }> {
    const [real, local] = await Promise.all([this.realClient.call(...argv), this.localClient.call(...argv)]);
    return { real, local };
  }

  /**
   * Sends each request to both and expects byte-identical replies (after `normalize`, which
   * must only paper over a documented difference). Failures name the request.
   */
  public async expectSame(requests: ReadonlyArray<readonly string[]>, normalize: Normalizer = (r) => r): Promise<void> {
    for (const argv of requests) {
      const { real, local } = await this.both(argv);
      expect({ request: argv, reply: normalize(local) }).toEqual({ request: argv, reply: normalize(real) });
    }
  }

  /** Sends raw bytes to both and expects identical replies (for inline and malformed input). */
  public async expectSameRaw(bytes: string, replies = 1): Promise<void> {
    this.realClient.write(bytes);
    this.localClient.write(bytes);
    for (let i = 0; i < replies; i++) {
      const [real, local] = await Promise.all([this.realClient.reply(), this.localClient.reply()]);
      expect({ request: bytes, reply: local }).toEqual({ request: bytes, reply: real });
    }
  }

  /** Opens one more connection to each server (pub/sub, blocking, transactions across clients). */
  public async connectBoth(): Promise<{ real: RawClient; local: RawClient }> {
    const real = await RawClient.connect(this.real.port);
    const local = await RawClient.connect(this.local.port);
    this.extra.push(real, local);
    return { real, local };
  }

  /** FLUSHALL on both, back to RESP2 and database 0. */
  public async reset(): Promise<void> {
    for (const c of [this.realClient, this.localClient]) {
      await c.call('FLUSHALL');
      await c.call('HELLO', '2');
      await c.call('SELECT', '0');
    }
  }

  public async stop(): Promise<void> {
    for (const c of [this.realClient, this.localClient, ...this.extra]) c.close();
    await this.local.stop();
    await this.real.stop();
  }
}

export { encode };
