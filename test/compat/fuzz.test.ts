/**
 * The protocol fuzz cases of test/local/fuzz-frames.ts, replayed against redis-server and the
 * local engine: the same chunks to both, the same replies, and the same connections closed.
 * Each property run sends a batch of streams at once, one connection per stream, so that the
 * wait for "nothing more is coming" is paid once per batch; each connection has its own database. FUZZ_SEED and FUZZ_RUNS (a
 * multiplier) run other or longer campaigns.
 */
import * as fc from 'fast-check';
import { RealRedis, realRedisVersion, startRealRedis } from './harness';
import { RunningRedisServer, startRedisServer } from '../../src/local';
import { PROTOCOL_ERRORS, chunked, longBytes, pipeline, soup, writeChunks } from '../local/fuzz-frames';
import { RawClient } from '../local/support';

const SEED = Number(process.env.FUZZ_SEED ?? 20260101);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);

interface Conversation {
  readonly replies: string[];
  readonly unread: string;
  readonly closed: boolean;
  readonly reset: boolean;
}

describe('protocol fuzzing against redis-server', () => {
  let real: RealRedis;
  let local: RunningRedisServer;
  let realControl: RawClient;
  let localControl: RawClient;
  beforeAll(async () => {
    real = await startRealRedis();
    local = await startRedisServer({ engine: 'redis', version: realRedisVersion() });
    realControl = await RawClient.connect(real.port);
    localControl = await RawClient.connect(local.port);
  });
  afterAll(async () => {
    realControl?.close();
    localControl?.close();
    await local?.stop();
    await real?.stop();
  });

  /**
   * Everything each connection receives for its chunks. The streams are sent, flushed, then two
   * round trips on a control connection make sure the server has read and answered them (it
   * serves connections in one event loop); then replies are collected until a quiet period.
   */
  async function conversations(port: number, control: RawClient, streams: ReadonlyArray<readonly string[]>): Promise<Conversation[]> {
    const clients = await Promise.all(streams.map(() => RawClient.connect(port)));
    try {
      // A database per connection: connections served in a different order see the same keys.
      const selected = await Promise.all(clients.map((c, i) => c.call('SELECT', String(i + 1))));
      expect(selected.every((s) => s === '+OK\r\n')).toBe(true);
      await Promise.all(clients.map((c, i) => writeChunks(c, streams[i])));
      for (let i = 0; i < 400 && clients.some((c) => !c.isClosed && c.socket.writableLength > 0); i++) await new Promise((r) => setTimeout(r, 5));
      for (let i = 0; i < 2; i++) expect(await control.call('PING')).toBe('+PONG\r\n');
      const replies = clients.map(() => [] as string[]);
      for (;;) {
        const got = await Promise.all(clients.map((c) => c.drain(10)));
        got.forEach((g, i) => replies[i].push(...g));
        if (got.every((g) => g.length === 0)) break;
      }
      return clients.map((c, i) => ({ replies: replies[i], unread: c.unread, closed: c.isClosed, reset: c.isReset }));
    } finally {
      for (const c of clients) c.close();
    }
  }

  /** The same conversation on both servers, stream by stream. */
  async function expectSameConversations(cases: ReadonlyArray<readonly [string, readonly number[]]>): Promise<void> {
    const streams = cases.map(([s, cuts]) => chunked(s, cuts));
    const [r, l] = await Promise.all([conversations(real.port, realControl, streams), conversations(local.port, localControl, streams)]);
    cases.forEach(([stream], i) => {
      const shown = JSON.stringify(stream.slice(0, 300));
      const { reset: realReset, ...realSeen } = r[i];
      const { reset: localReset, ...localSeen } = l[i];
      if (realReset || localReset) {
        // A server that closes while input is still arriving makes the kernel reset the
        // connection, and the reset can discard the protocol error before the client reads it
        // (and replies sent before it). Both must have closed, the replies of the reset one must
        // be a prefix of the other's, and that one must end with a protocol error.
        expect({ shown, closed: l[i].closed }).toEqual({ shown, closed: true });
        expect({ shown, closed: r[i].closed }).toEqual({ shown, closed: true });
        const [shorter, longer] = r[i].replies.length <= l[i].replies.length ? [r[i], l[i]] : [l[i], r[i]];
        expect(shorter.reset).toBe(true);
        expect({ shown, replies: shorter.replies }).toEqual({ shown, replies: longer.replies.slice(0, shorter.replies.length) });
        expect(longer.replies.length).toBeGreaterThan(0);
        expect(longer.replies[longer.replies.length - 1].slice(1, -2)).toMatch(PROTOCOL_ERRORS);
        return;
      }
      expect({ shown, ...localSeen }).toEqual({ shown, ...realSeen });
    });
  }

  const cutPoints = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 });

  test('pipelines of valid, malformed and truncated frames', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(pipeline().map((f) => f.bytes), cutPoints), { minLength: 1, maxLength: 10 }),
      (cases) => expectSameConversations(cases)), { seed: SEED, numRuns: 30 * SCALE });
  });

  test('lines of up to 1 MB without an end', async () => {
    const long = pipeline({ oversized: true }).map((f) => f.bytes).filter((s) => s.length > 64 * 1024);
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(long, cutPoints), { minLength: 1, maxLength: 4 }),
      (cases) => expectSameConversations(cases)), { seed: SEED, numRuns: 4 * SCALE });
  });

  test('random bytes, alone or after the start of a request', async () => {
    const stream = fc.oneof(
      soup,
      longBytes(400),
      fc.tuple(fc.constantFrom('*', '*1\r\n', '*2\r\n$', '*3\r\n$3\r\nSET\r\n$', 'ECHO "', '$'), longBytes(200)).map(([a, b]) => a + b),
    );
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(stream, cutPoints), { minLength: 1, maxLength: 10 }),
      (cases) => expectSameConversations(cases)), { seed: SEED, numRuns: 30 * SCALE });
  });
});
