/**
 * Expiry against redis-server in real time: lazy and active expiry, their statistics and
 * notifications, and what reaches replicas (read from MONITOR on a real replica, and from the
 * local engine's propagation listener).
 */
import { CompatPair, RealRedis, realRedisVersion, startRealRedis } from './harness';
import { configBoth, decode, infoField, listenBoth } from './keys-support';
import { RunningRedisServer, startRedisServer } from '../../src/local';
import { RawClient } from '../local/support';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds (or the time is up); returns whether it did. */
async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
}

/** `db0:keys=..,expires=..` of INFO keyspace, without avg_ttl (an estimate on both servers). */
async function keyspaceLine(client: RawClient): Promise<string> {
  const v = decode(await client.call('INFO', 'keyspace'));
  const text = v.type === 'bulk' || v.type === 'verbatim' ? v.value : '';
  return text.split('\r\n').filter((l) => l.startsWith('db')).map((l) => l.replace(/,avg_ttl=\d+/, '')).join(' ');
}

describe('expiry in real time against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(async () => {
    await configBoth(pair, { 'notify-keyspace-events': '' });
    await pair.reset();
  });

  test('a key read after its TTL is gone, counted once in expired_keys', async () => {
    const before = await Promise.all([infoField(pair.realClient, 'stats', 'expired_keys'), infoField(pair.localClient, 'stats', 'expired_keys')]);
    await pair.expectSame([['SET', 'k', 'v', 'PX', '40'], ['GET', 'k'], ['PEXPIRE', 'k', '40', 'XX']]);
    await sleep(60);
    await pair.expectSame([['GET', 'k'], ['TTL', 'k'], ['EXISTS', 'k'], ['DBSIZE']]);
    const after = await Promise.all([infoField(pair.realClient, 'stats', 'expired_keys'), infoField(pair.localClient, 'stats', 'expired_keys')]);
    expect(after[1] - before[1]).toBe(1);
    expect(after[1] - before[1]).toBe(after[0] - before[0]);
  });

  test('keys nobody reads are deleted by the active expire cycle', async () => {
    for (let i = 0; i < 200; i++) await pair.expectSame([['SET', `tmp:${i}`, 'v', 'PX', String(30 + (i % 50))]]);
    for (let i = 0; i < 50; i++) await pair.expectSame([['SET', `keep:${i}`, 'v', 'EX', '1000']]);
    for (let i = 0; i < 50; i++) await pair.expectSame([['SET', `plain:${i}`, 'v']]);
    for (const client of [pair.realClient, pair.localClient]) {
      expect(await eventually(async () => (await client.call('DBSIZE')) === ':100\r\n')).toBe(true);
    }
    expect(await keyspaceLine(pair.localClient)).toBe(await keyspaceLine(pair.realClient));
    expect(await keyspaceLine(pair.localClient)).toBe('db0:keys=100,expires=50');
  });

  test('expired events carry the same keys', async () => {
    await configBoth(pair, { 'notify-keyspace-events': 'Ex' });
    const events = await listenBoth(pair);
    for (let i = 0; i < 20; i++) await pair.expectSame([['SET', `e${i}`, 'v', 'PX', '20']]);
    await pair.expectSame([['SET', 'read', 'v', 'PX', '20']]);
    await sleep(40);
    await pair.expectSame([['GET', 'read']]);
    for (const client of [pair.realClient, pair.localClient]) {
      expect(await eventually(async () => (await client.call('DBSIZE')) === ':0\r\n')).toBe(true);
    }
    const got = await events.take();
    const messages = (raw: string) => raw.split('*4\r\n').filter((m) => m.length > 0).sort();
    expect(messages(got.local)).toEqual(messages(got.real));
    expect(messages(got.local)).toHaveLength(21);
    expect(got.local).toContain('__keyevent@0__:expired');
  });

  test('TTLs count down in milliseconds', async () => {
    await pair.expectSame([['SET', 'k', 'v', 'PX', '2000'], ['SET', 'j', 'v', 'EX', '2']]);
    await sleep(600);
    const [real, local] = await Promise.all([pair.realClient.call('PTTL', 'k'), pair.localClient.call('PTTL', 'k')]);
    const r = Number(real.slice(1));
    const l = Number(local.slice(1));
    expect(l).toBeGreaterThan(1200);
    expect(l).toBeLessThanOrEqual(1400);
    expect(Math.abs(l - r)).toBeLessThan(100);
    await pair.expectSame([['TTL', 'k'], ['TTL', 'j']]);
  });
});

/** MONITOR lines (`+ts [db addr] "arg" ...`) as argument lists; PING and SELECT left out. */
function parseMonitor(raw: string): string[][] {
  const out: string[][] = [];
  for (const line of raw.split('\r\n')) {
    if (!line.startsWith('+') || line === '+OK') continue;
    const args: string[] = [];
    const re = /"((?:[^"\\]|\\.)*)"/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(line)) !== null) {
      args.push(m[1].replace(/\\x([0-9a-f]{2})|\\(.)/g, (_s, hex: string | undefined, ch: string | undefined) => {
        if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16));
        return ({ n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b' } as Record<string, string>)[ch as string] ?? (ch as string);
      }));
    }
    const name = args[0]?.toUpperCase();
    if (name === 'PING' || name === 'SELECT' || name === 'REPLCONF') continue;
    out.push(args);
  }
  return out;
}

/** Millisecond timestamps and DUMP payloads differ between runs and servers. */
function normalizeStream(stream: string[][]): string[][] {
  return stream.map((argv) => argv.map((a, i) => {
    if (/^\d{13,}$/.test(a)) return '<ms>';
    if (argv[0].toUpperCase() === 'RESTORE' && i === 3) return '<payload>';
    return a;
  }));
}

describe('what replicas receive, against a real primary and replica', () => {
  let primary: RealRedis;
  let replica: RealRedis;
  let r: RawClient;
  let monitor: RawClient;
  /** The local primary imitating Redis 7.0, and one imitating Valkey 8 (lazyfree options on). */
  const sides: Record<'redis' | 'valkey', { server?: RunningRedisServer; client?: RawClient; stream: string[][] }> = {
    redis: { stream: [] },
    valkey: { stream: [] },
  };

  beforeAll(async () => {
    primary = await startRealRedis();
    replica = await startRealRedis({ replicaof: `127.0.0.1 ${primary.port}` });
    const rc = await RawClient.connect(replica.port);
    const up = await eventually(async () => (await rc.call('INFO', 'replication')).includes('master_link_status:up'), 10000);
    rc.close();
    if (!up) throw new Error('the real replica did not connect');
    for (const engine of ['redis', 'valkey'] as const) {
      const side = sides[engine];
      side.server = await startRedisServer(engine === 'redis' ? { engine, version: realRedisVersion() } : { engine });
      side.server.server.onPropagate((_db, argv) => side.stream.push([...argv]));
      side.client = await RawClient.connect(side.server.port);
    }
    r = await RawClient.connect(primary.port);
    monitor = await RawClient.connect(replica.port);
    expect(await monitor.call('MONITOR')).toBe('+OK\r\n');
  });
  afterAll(async () => {
    for (const c of [r, monitor, sides.redis.client, sides.valkey.client]) c?.close();
    for (const side of Object.values(sides)) await side.server?.stop();
    await replica.stop();
    await primary.stop();
  });

  /**
   * Runs requests on the real primary and a local one, then returns both replication streams
   * since the last call.
   */
  async function run(requests: ReadonlyArray<readonly string[]>, settle = 0, engine: 'redis' | 'valkey' = 'redis'): Promise<{ real: string[][]; local: string[][] }> {
    const side = sides[engine];
    const l = side.client as RawClient;
    for (const argv of requests) {
      const [real, loc] = await Promise.all([r.call(...argv), l.call(...argv)]);
      expect({ request: argv, reply: loc }).toEqual({ request: argv, reply: real });
    }
    if (settle > 0) await sleep(settle);
    // A marker write ends what the replica must have received.
    await Promise.all([r.call('SET', 'marker', 'x'), l.call('SET', 'marker', 'x')]);
    let raw = '';
    while (!raw.includes('"marker"')) raw += await monitor.reply();
    const real = parseMonitor(raw).filter((argv) => argv[1] !== 'marker');
    const loc = side.stream.filter((argv) => argv[1] !== 'marker');
    side.stream.length = 0;
    return { real: normalizeStream(real), local: normalizeStream(loc) };
  }

  test('EXPIRE family replicates as PEXPIREAT with its flags; a time in the past as DEL', async () => {
    const got = await run([
      ['SET', 'a', '1'], ['EXPIRE', 'a', '100'], ['EXPIRE', 'a', '200', 'GT'], ['PEXPIREAT', 'a', '4102444800000', 'LT'],
      ['EXPIREAT', 'a', '4102444800'], ['pexpireat', 'a', '4102444800001'], ['PERSIST', 'a'], ['EXPIRE', 'a', '-1'], ['EXPIRE', 'a', '10'],
    ]);
    expect(got.local).toEqual(got.real);
    expect(got.real).toContainEqual(['DEL', 'a']);
    expect(got.real).toContainEqual(['PEXPIREAT', 'a', '<ms>', 'GT']);
  });

  test('expiry replicates a DEL', async () => {
    const got = await run([['SET', 'k', 'v', 'PX', '30'], ['SET', 'j', 'v', 'PX', '30']], 50);
    const read = await run([['GET', 'k'], ['EXISTS', 'j']]);
    // The reads delete the keys, unless the active cycle (on its own schedule) got there first.
    const writes = (s: string[][]) => s.filter((argv) => argv[0] !== 'DEL');
    const deletions = (s: string[][]) => s.filter((argv) => argv[0] === 'DEL').map((argv) => argv.join(' ')).sort();
    const real = [...got.real, ...read.real];
    const local = [...got.local, ...read.local];
    expect(writes(local)).toEqual(writes(real));
    expect(deletions(local)).toEqual(deletions(real));
    expect(deletions(real)).toEqual(['DEL j', 'DEL k']);
  });

  test('with lazyfree-lazy-expire on (Valkey 8\'s default) expiry replicates as UNLINK', async () => {
    expect(await r.call('CONFIG', 'SET', 'lazyfree-lazy-expire', 'yes')).toBe('+OK\r\n');
    try {
      const got = await run([['SET', 'a', '1'], ['EXPIRE', 'a', '-1'], ['SET', 'b', '1', 'PX', '10']], 30, 'valkey');
      // The key with a TTL goes on the read, or earlier through active expiry: either way an UNLINK.
      const read = await run([['GET', 'b']], 0, 'valkey');
      expect([...got.local, ...read.local]).toEqual([...got.real, ...read.real]);
      expect(got.real).toContainEqual(['UNLINK', 'a']);
      expect([...got.real, ...read.real]).toContainEqual(['UNLINK', 'b']);
    } finally {
      await r.call('CONFIG', 'SET', 'lazyfree-lazy-expire', 'no');
    }
  });

  test('the active expire cycle replicates each deletion on its own', async () => {
    const requests: string[][] = [];
    for (let i = 0; i < 30; i++) requests.push(['SET', `t${i}`, 'v', 'PX', '20']);
    const clients = [r, sides.redis.client as RawClient];
    const baseline = await Promise.all(clients.map((c) => c.call('DBSIZE')));
    const first = await run(requests);
    // DBSIZE counts keys until they are actually deleted (KEYS would hide expired ones at once).
    for (const [i, client] of clients.entries()) {
      expect(await eventually(async () => (await client.call('DBSIZE')) === baseline[i])).toBe(true);
    }
    const rest = await run([]);
    const deletions = (stream: string[][]) => stream.filter((a) => a[0] !== 'SET').map((a) => a.join(' ')).sort();
    const real = deletions([...first.real, ...rest.real]);
    expect(deletions([...first.local, ...rest.local])).toEqual(real);
    expect(real).toHaveLength(30);
    expect(real.every((line) => line.startsWith('DEL t'))).toBe(true);
  });

  test('RESTORE replicates an absolute TTL, or a DEL when it replaced a key with an expired payload', async () => {
    const l = sides.redis.client as RawClient;
    await Promise.all([r.call('SET', 's', 'v'), l.call('SET', 's', 'v')]);
    const [rd, ld] = await Promise.all([r.call('DUMP', 's'), l.call('DUMP', 's')]);
    const realPayload = decode(rd);
    const localPayload = decode(ld);
    if (realPayload.type !== 'bulk' || localPayload.type !== 'bulk') throw new Error('DUMP failed');
    await run([]);
    const restore = async (argv: string[]) => {
      const fill = (p: string) => argv.map((a) => (a === '<payload>' ? p : a));
      const [real, loc] = await Promise.all([r.call('RESTORE', ...fill(realPayload.value)), l.call('RESTORE', ...fill(localPayload.value))]);
      expect(loc).toBe(real);
    };
    await restore(['x', '100000', '<payload>']);
    await restore(['y', '4102444800000', '<payload>', 'ABSTTL']);
    await restore(['x', '1', '<payload>', 'REPLACE', 'ABSTTL']);
    await restore(['z', '1', '<payload>', 'ABSTTL']);
    const got = await run([]);
    expect(got.local).toEqual(got.real);
    expect(got.real).toEqual([
      ['RESTORE', 'x', '<ms>', '<payload>', 'ABSTTL'], ['RESTORE', 'y', '<ms>', '<payload>', 'ABSTTL'], ['DEL', 'x'],
    ]);
  });

  test('RENAME, COPY, MOVE and SORT ... STORE replicate as sent', async () => {
    const got = await run([
      ['SET', 'a', '1'], ['RENAME', 'a', 'b'], ['RENAMENX', 'b', 'c'], ['COPY', 'c', 'd', 'DB', '2', 'REPLACE'], ['MOVE', 'c', '3'],
      ['RENAME', 'nope', 'x'], ['COPY', 'nope', 'x'], ['MOVE', 'd', '2'], ['SORT', 'nope', 'STORE', 'dst'], ['SORT_RO', 'nope'],
      ['DEL', 'nope'], ['UNLINK', 'd'],
    ]);
    expect(got.local).toEqual(got.real);
  });
});
