import { LocalCa, RedisServerOptions, RunningRedisServer, startRedisServer } from '../../../src/local';

/** The CA and node certificate the TLS cases share (key generation is the slow part). */
export const ca = LocalCa.shared();
export const nodeCert = ca.issue(['localhost', '127.0.0.1']);

export const PASSWORD = 'client-suite-token-0123456789abcdef';
/** An ACL user restricted to `app:*` keys and without INFO (like ElastiCache RBAC users often are). */
export const ACL_USERS = [
  'alice on >alice-secret-0123456789 ~app:* &app:* +@all -info',
  'bob on >bob-secret-0123456789 ~* &* +@all',
];

/** Servers started by a test file, stopped together in afterAll. */
export class Servers {
  private readonly running: RunningRedisServer[] = [];

  public async start(options: RedisServerOptions = {}): Promise<RunningRedisServer> {
    const server = await startRedisServer(options);
    this.running.push(server);
    return server;
  }

  public async stopAll(): Promise<void> {
    await Promise.all(this.running.splice(0).map((s) => s.stop()));
  }
}

/** Waits until `check` holds, polling every 5 ms, or fails after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Number of clients blocked on the server (INFO clients `blocked_clients`). */
export function blockedClients(server: RunningRedisServer): number {
  let n = 0;
  for (const c of server.server.clients.values()) if (c.blocked !== null) n++;
  return n;
}

/** A buffer with every byte value 0..255, `repeat` times. */
export function allBytes(repeat = 1): Buffer {
  const one = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) one[i] = i;
  return Buffer.concat(Array.from({ length: repeat }, () => one));
}

/** Deterministic pseudo-random bytes (fast; no crypto needed). */
export function pseudoRandomBytes(length: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
