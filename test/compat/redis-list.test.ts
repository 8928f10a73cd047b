import * as net from 'node:net';
import { CompatPair, encode } from './harness';
import type { Client } from '../../src/local/client';
import { parseNotifyFlags } from '../../src/local/notify';
import { decodeReply } from '../../src/local/resp/decode';
import { RawClient } from '../local/support';

/**
 * Differential tests of the list commands, blocking ones included, against redis-server 7.0:
 * every reply byte for byte in RESP2 and RESP3, the replies of several connections blocked on
 * the same keys, keyspace notifications and the replication stream.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Replies that arrive within a short quiet period. */
async function drain(c: RawClient): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    try {
      out.push(await c.reply(60));
    } catch {
      return out;
    }
  }
}

/**
 * One step of a multi-connection scenario, run the same way against both servers:
 * `call` sends and records the reply; `send` sends without waiting (a command that blocks);
 * `read` records the next reply of a connection; `silent` records whether nothing arrived.
 */
type Step =
  | { call: number; argv: string[] }
  | { send: number; argv: string[] }
  | { read: number }
  | { silent: number }
  | { sleep: number }
  | { close: number };

const call = (conn: number, ...argv: string[]): Step => ({ call: conn, argv });
const send = (conn: number, ...argv: string[]): Step => ({ send: conn, argv });
const read = (conn: number): Step => ({ read: conn });
const silent = (conn: number): Step => ({ silent: conn });
const pause = (ms: number): Step => ({ sleep: ms });
const close = (conn: number): Step => ({ close: conn });

async function runSteps(conns: RawClient[], steps: readonly Step[]): Promise<string[]> {
  const transcript: string[] = [];
  for (const step of steps) {
    if ('call' in step) {
      transcript.push(`${step.call}> ${step.argv.join(' ')} => ${await conns[step.call].call(...step.argv)}`);
    } else if ('send' in step) {
      conns[step.send].write(encode(step.argv));
      // Let the server register the block before the next step.
      await sleep(30);
    } else if ('read' in step) {
      transcript.push(`${step.read}< ${await conns[step.read].reply()}`);
    } else if ('silent' in step) {
      transcript.push(`${step.silent} silent: ${await conns[step.silent].silentFor(60)}`);
    } else if ('close' in step) {
      conns[step.close].close();
      await sleep(30);
    } else {
      await sleep(step.sleep);
    }
  }
  return transcript;
}

/** Opens `n` connections to each server (in the given protocol) and runs the steps on both. */
async function expectSameScenario(pair: CompatPair, n: number, steps: readonly Step[], resp: 2 | 3 = 2): Promise<void> {
  const real: RawClient[] = [];
  const local: RawClient[] = [];
  for (let i = 0; i < n; i++) {
    const both = await pair.connectBoth();
    if (resp === 3) {
      await both.real.call('HELLO', '3');
      await both.local.call('HELLO', '3');
    }
    real.push(both.real);
    local.push(both.local);
  }
  const [realTranscript, localTranscript] = [await runSteps(real, steps), await runSteps(local, steps)];
  for (const c of [...real, ...local]) c.close();
  expect(localTranscript).toEqual(realTranscript);
}

/**
 * The replication stream of a real server: connects as a replica with SYNC, skips the RDB payload
 * and collects the propagated commands (without PING and SELECT) as raw protocol.
 */
class ReplicationStream {
  public static async open(port: number): Promise<ReplicationStream> {
    const stream = new ReplicationStream(net.connect({ host: '127.0.0.1', port }));
    stream.socket.write('SYNC\r\n');
    const deadline = Date.now() + 10_000;
    while (!stream.synced) {
      if (Date.now() > deadline) throw new Error('no RDB payload from SYNC');
      await sleep(20);
    }
    return stream;
  }

  public commands: string[] = [];
  private buffer = '';
  private synced = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      this.parse();
    });
    socket.on('error', () => undefined);
  }

  private parse(): void {
    if (!this.synced) {
      this.buffer = this.buffer.replace(/^\n+/, '');
      const lineEnd = this.buffer.indexOf('\r\n');
      if (!this.buffer.startsWith('$') || lineEnd < 0) return;
      const length = Number(this.buffer.slice(1, lineEnd));
      if (this.buffer.length < lineEnd + 2 + length) return;
      this.buffer = this.buffer.slice(lineEnd + 2 + length);
      this.synced = true;
    }
    for (;;) {
      const r = decodeReply(this.buffer, 0);
      if (r === undefined) return;
      const raw = this.buffer.slice(0, r.end);
      this.buffer = this.buffer.slice(r.end);
      if (!/^\*\d+\r\n\$\d+\r\n(?:PING|SELECT|ping|select)\r\n/.test(raw)) this.commands.push(raw);
    }
  }

  public close(): void {
    this.socket.destroy();
  }
}

/** The server-side client of a local connection (to subscribe it without SUBSCRIBE commands). */
function serverClientOf(pair: CompatPair, conn: RawClient): Client {
  for (const c of pair.local.server.clients.values()) {
    if (c.socket?.remotePort === conn.socket.localPort) return c;
  }
  throw new Error('no such client');
}

describe.each([2, 3] as const)('list commands against redis-server (RESP%d)', (resp) => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(async () => {
    await pair.reset();
    if (resp === 3) await pair.both(['HELLO', '3']);
  });

  test('LPUSH, RPUSH, LPUSHX, RPUSHX', async () => {
    await pair.expectSame([
      ['LPUSH', 'l', 'a'], ['LPUSH', 'l', 'b', 'c', 'd'], ['RPUSH', 'l', 'x', 'y'], ['LRANGE', 'l', '0', '-1'],
      ['LPUSHX', 'nokey', 'a'], ['RPUSHX', 'nokey', 'a', 'b'], ['EXISTS', 'nokey'],
      ['LPUSHX', 'l', '1', '2'], ['RPUSHX', 'l', '3'], ['LRANGE', 'l', '0', '-1'], ['LLEN', 'l'],
      ['SET', 's', 'v'], ['LPUSH', 's', 'a'], ['RPUSH', 's', 'a'], ['LPUSHX', 's', 'a'], ['RPUSHX', 's', 'a'],
      ['LPUSH', 'l'], ['RPUSH'], ['LPUSHX', 'l'],
      ['RPUSH', 'e', ''], ['LRANGE', 'e', '0', '-1'], ['RPUSH', 'bin\x00\xff', '\r\n', '\x00\x01\xfe'],
      ['LRANGE', 'bin\x00\xff', '0', '-1'], ['TYPE', 'l'], ['TYPE', 'e'],
    ]);
  });

  test('LPOP and RPOP with and without a count', async () => {
    await pair.expectSame([
      ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'], ['LPOP', 'l'], ['RPOP', 'l'], ['LPOP', 'l', '2'], ['RPOP', 'l', '0'],
      ['LPOP', 'l', '0'], ['RPOP', 'l', '10'], ['EXISTS', 'l'], ['LPOP', 'l'], ['LPOP', 'l', '1'], ['RPOP', 'l', '0'],
      ['RPUSH', 'l', 'a', 'b'], ['LPOP', 'l', '-1'], ['LPOP', 'l', 'x'], ['LPOP', 'l', '1.5'],
      ['LPOP', 'l', '9223372036854775807'], ['LPOP', 'l', '9223372036854775808'], ['RPOP', 'l', '1', '2'],
      ['LPOP', 'nokey', '-1'], ['LPOP', 'nokey', 'x'], ['SET', 's', 'v'], ['LPOP', 's'], ['RPOP', 's', '0'],
      ['RPOP', 's', '2'], ['LPOP'], ['RPOP', 'a', 'b', 'c'],
    ]);
  });

  test('LLEN, LINDEX, LSET', async () => {
    await pair.expectSame([
      ['RPUSH', 'l', 'a', 'b', 'c'], ['LLEN', 'l'], ['LLEN', 'nokey'], ['LINDEX', 'l', '0'], ['LINDEX', 'l', '-1'],
      ['LINDEX', 'l', '-3'], ['LINDEX', 'l', '-4'], ['LINDEX', 'l', '3'], ['LINDEX', 'l', 'x'], ['LINDEX', 'nokey', 'x'],
      ['LINDEX', 'l', '9223372036854775807'], ['LINDEX', 'l', '-9223372036854775808'], ['LINDEX', 'l', '9223372036854775808'],
      ['LSET', 'l', '0', 'A'], ['LSET', 'l', '-1', 'C'], ['LSET', 'l', '3', 'x'], ['LSET', 'l', '-4', 'x'],
      ['LSET', 'l', 'x', 'y'], ['LSET', 'nokey', '0', 'x'], ['LSET', 'nokey', 'x', 'x'], ['LRANGE', 'l', '0', '-1'],
      ['SET', 's', 'v'], ['LLEN', 's'], ['LINDEX', 's', '0'], ['LINDEX', 's', 'x'], ['LSET', 's', '0', 'x'], ['LSET', 's', 'x', 'x'],
      ['LSET', 'l', '1', ''], ['LINDEX', 'l', '1'],
    ]);
  });

  test('LRANGE and LTRIM bounds', async () => {
    const values = Array.from({ length: 10 }, (_, i) => String(i));
    const ranges = [['0', '-1'], ['0', '0'], ['-1', '-1'], ['2', '5'], ['5', '2'], ['-100', '100'], ['-3', '-1'], ['8', '20'],
      ['10', '20'], ['-20', '-11'], ['-20', '-10'], ['3', '-8'], ['3', '-7'], ['9223372036854775807', '-1'], ['-9223372036854775808', '9223372036854775807']];
    const requests: string[][] = [['RPUSH', 'l', ...values]];
    for (const [a, b] of ranges) requests.push(['LRANGE', 'l', a, b]);
    requests.push(['LRANGE', 'nokey', '0', '-1'], ['LRANGE', 'nokey', 'x', '1'], ['LRANGE', 'l', '0', 'x'], ['LRANGE', 'l', '1.0', '2']);
    for (const [a, b] of ranges) requests.push(['DEL', 't'], ['RPUSH', 't', ...values], ['LTRIM', 't', a, b], ['LRANGE', 't', '0', '-1'], ['EXISTS', 't']);
    requests.push(['LTRIM', 'nokey', '0', '1'], ['LTRIM', 'nokey', 'x', '1'], ['LTRIM', 'l', '0', 'x'], ['SET', 's', 'v'],
      ['LRANGE', 's', '0', '1'], ['LTRIM', 's', '0', '1'], ['LRANGE', 's', 'x', '1']);
    await pair.expectSame(requests);
  });

  test('LREM', async () => {
    await pair.expectSame([
      ['RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', 'b', 'a'], ['LREM', 'l', '2', 'a'], ['LRANGE', 'l', '0', '-1'],
      ['LREM', 'l', '-1', 'b'], ['LRANGE', 'l', '0', '-1'], ['LREM', 'l', '0', 'a'], ['LRANGE', 'l', '0', '-1'],
      ['LREM', 'l', '0', 'zz'], ['LREM', 'l', '0', 'b'], ['LREM', 'l', '0', 'c'], ['EXISTS', 'l'], ['LREM', 'nokey', '0', 'a'],
      ['RPUSH', 'l', 'x', 'x', 'x'], ['LREM', 'l', '-2', 'x'], ['LRANGE', 'l', '0', '-1'], ['LREM', 'l', 'x', 'x'],
      ['LREM', 'l', '9223372036854775807', 'x'], ['RPUSH', 'l', 'x'], ['LREM', 'l', '-9223372036854775807', 'x'],
      ['RPUSH', 'l', 'x'], ['LREM', 'l', '-9223372036854775808', 'x'], ['LREM', 'l', '9223372036854775808', 'x'],
      ['LRANGE', 'l', '0', '-1'], ['SET', 's', 'v'], ['LREM', 's', '0', 'v'], ['LREM', 'nokey', 'x', 'v'],
    ]);
  });

  test('LINSERT', async () => {
    await pair.expectSame([
      ['RPUSH', 'l', 'a', 'b', 'c'], ['LINSERT', 'l', 'BEFORE', 'a', '0'], ['LINSERT', 'l', 'after', 'c', 'd'],
      ['LINSERT', 'l', 'Before', 'c', 'bc'], ['LINSERT', 'l', 'AFTER', 'zz', 'x'], ['LRANGE', 'l', '0', '-1'],
      ['LINSERT', 'l', 'MIDDLE', 'a', 'x'], ['LINSERT', 'nokey', 'BEFORE', 'a', 'x'], ['LINSERT', 'nokey', 'FOO', 'a', 'x'],
      ['RPUSH', 'd', 'p', 'p'], ['LINSERT', 'd', 'AFTER', 'p', 'x'], ['LRANGE', 'd', '0', '-1'],
      ['SET', 's', 'v'], ['LINSERT', 's', 'BEFORE', 'a', 'x'], ['LINSERT', 's', 'FOO', 'a', 'x'], ['EXISTS', 'nokey'],
    ]);
  });

  test('LPOS with RANK, COUNT and MAXLEN', async () => {
    await pair.expectSame([
      ['RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'c', 'a'], ['LPOS', 'l', 'a'], ['LPOS', 'l', 'c'], ['LPOS', 'l', 'zz'],
      ['LPOS', 'l', 'a', 'RANK', '2'], ['LPOS', 'l', 'a', 'RANK', '-1'], ['LPOS', 'l', 'a', 'RANK', '-3'],
      ['LPOS', 'l', 'a', 'RANK', '4'], ['LPOS', 'l', 'a', 'RANK', '0'], ['LPOS', 'l', 'a', 'RANK', 'x'],
      ['LPOS', 'l', 'a', 'COUNT', '0'], ['LPOS', 'l', 'a', 'COUNT', '2'], ['LPOS', 'l', 'zz', 'COUNT', '2'],
      ['LPOS', 'l', 'a', 'COUNT', '0', 'RANK', '2'], ['LPOS', 'l', 'a', 'RANK', '-1', 'COUNT', '2'],
      ['LPOS', 'l', 'a', 'COUNT', '-1'], ['LPOS', 'l', 'a', 'COUNT', 'x'], ['LPOS', 'l', 'a', 'MAXLEN', '3'],
      ['LPOS', 'l', 'c', 'MAXLEN', '2'], ['LPOS', 'l', 'a', 'COUNT', '0', 'MAXLEN', '4'], ['LPOS', 'l', 'a', 'RANK', '-1', 'MAXLEN', '1'],
      ['LPOS', 'l', 'b', 'RANK', '-1', 'MAXLEN', '1'], ['LPOS', 'l', 'a', 'MAXLEN', '-1'], ['LPOS', 'l', 'a', 'MAXLEN', 'x'],
      ['LPOS', 'l', 'a', 'RANK'], ['LPOS', 'l', 'a', 'FOO', '1'], ['LPOS', 'l', 'a', 'rank', '1', 'count', '1', 'maxlen', '0'],
      ['LPOS', 'l', 'a', 'RANK', '9223372036854775807'], ['LPOS', 'l', 'a', 'RANK', '-9223372036854775807'],
      ['LPOS', 'l', 'a', 'RANK', '-9223372036854775808'], ['LPOS', 'l', 'a', 'COUNT', '9223372036854775808'],
      ['LPOS', 'nokey', 'a'], ['LPOS', 'nokey', 'a', 'COUNT', '1'], ['LPOS', 'nokey', 'a', 'RANK', '0'],
      ['SET', 's', 'v'], ['LPOS', 's', 'v'], ['LPOS', 's', 'v', 'RANK', '0'],
    ]);
  });

  test('LMOVE and RPOPLPUSH, including a list moved onto itself', async () => {
    await pair.expectSame([
      ['RPUSH', 'src', 'a', 'b', 'c'], ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'], ['LMOVE', 'src', 'dst', 'right', 'left'],
      ['LRANGE', 'src', '0', '-1'], ['LRANGE', 'dst', '0', '-1'], ['RPOPLPUSH', 'src', 'dst'], ['EXISTS', 'src'],
      ['LRANGE', 'dst', '0', '-1'], ['LMOVE', 'dst', 'dst', 'LEFT', 'RIGHT'], ['LRANGE', 'dst', '0', '-1'],
      ['RPOPLPUSH', 'dst', 'dst'], ['LRANGE', 'dst', '0', '-1'], ['LMOVE', 'nokey', 'dst', 'LEFT', 'LEFT'],
      ['RPOPLPUSH', 'nokey', 'dst'], ['LMOVE', 'dst', 'x', 'UP', 'LEFT'], ['LMOVE', 'dst', 'x', 'LEFT', 'DOWN'],
      ['SET', 's', 'v'], ['LMOVE', 'dst', 's', 'LEFT', 'LEFT'], ['RPOPLPUSH', 'dst', 's'], ['LMOVE', 's', 'dst', 'LEFT', 'LEFT'],
      ['LMOVE', 'nokey', 's', 'LEFT', 'LEFT'], ['LRANGE', 'dst', '0', '-1'], ['RPUSH', 'one', 'x'],
      ['LMOVE', 'one', 'one', 'RIGHT', 'LEFT'], ['LRANGE', 'one', '0', '-1'], ['LMOVE', 'one', 'two', 'RIGHT', 'LEFT'], ['EXISTS', 'one'],
    ]);
  });

  test('LMPOP', async () => {
    await pair.expectSame([
      ['RPUSH', 'a', '1', '2', '3'], ['RPUSH', 'b', 'x', 'y'], ['LMPOP', '2', 'nokey', 'a', 'LEFT'], ['LMPOP', '1', 'a', 'RIGHT', 'COUNT', '5'],
      ['EXISTS', 'a'], ['LMPOP', '2', 'a', 'b', 'left', 'count', '1'], ['LMPOP', '1', 'nokey', 'LEFT'], ['LMPOP', '0', 'a', 'LEFT'],
      ['LMPOP', '-1', 'a', 'LEFT'], ['LMPOP', 'x', 'a', 'LEFT'], ['LMPOP', '3', 'a', 'LEFT'], ['LMPOP', '1', 'a', 'UP'],
      ['LMPOP', '1', 'b', 'LEFT', 'COUNT', '0'], ['LMPOP', '1', 'b', 'LEFT', 'COUNT', '-1'], ['LMPOP', '1', 'b', 'LEFT', 'COUNT', 'x'],
      ['LMPOP', '1', 'b', 'LEFT', 'COUNT', '1', 'COUNT', '1'], ['LMPOP', '1', 'b', 'LEFT', 'COUNT'], ['LMPOP', '1', 'b', 'LEFT', 'FOO'],
      ['LMPOP', '9223372036854775807', 'b', 'LEFT'], ['LMPOP', '9223372036854775808', 'b', 'LEFT'], ['LMPOP', '1', 'b'],
      ['SET', 's', 'v'], ['LMPOP', '2', 's', 'b', 'LEFT'], ['LMPOP', '2', 'b', 's', 'LEFT'], ['LMPOP', '2', 'nokey', 'nokey2', 'RIGHT'],
      ['LMPOP', '1', 'b', 'RIGHT', 'COUNT', '9223372036854775807'], ['EXISTS', 'b'],
    ]);
  });

  test('blocking commands answer at once when data is there', async () => {
    await pair.expectSame([
      ['RPUSH', 'a', '1', '2', '3'], ['BLPOP', 'nokey', 'a', '0'], ['BRPOP', 'a', 'nokey', '1'], ['BLPOP', 'a', '0.5'],
      ['EXISTS', 'a'], ['RPUSH', 'a', '1', '2'], ['BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '0'], ['BRPOPLPUSH', 'a', 'b', '0'],
      ['LRANGE', 'b', '0', '-1'], ['BLMPOP', '0', '2', 'nokey', 'b', 'RIGHT', 'COUNT', '5'], ['RPUSH', 'c', 'x'],
      ['BLMPOP', '1.5', '1', 'c', 'LEFT'], ['SET', 's', 'v'], ['BLPOP', 's', '0'], ['BLPOP', 'nokey', 's', '0'],
      ['BLMOVE', 's', 'b', 'LEFT', 'LEFT', '0'], ['RPUSH', 'b', 'y'], ['BLMOVE', 'b', 's', 'LEFT', 'LEFT', '0'],
      ['BRPOPLPUSH', 's', 'b', '0'], ['BLMPOP', '0', '1', 's', 'LEFT'], ['LRANGE', 'b', '0', '-1'],
    ]);
  });

  test('blocking commands: argument errors', async () => {
    await pair.expectSame([
      ['BLPOP', 'k', 'x'], ['BLPOP', 'k', '-1'], ['BLPOP', 'k', '-0.0019999'], ['BLPOP', 'k', 'inf'], ['BLPOP', 'k', '-inf'],
      ['BLPOP', 'k', 'nan'], ['BLPOP', 'k', ''], ['BLPOP', 'k', ' 1'], ['BLPOP', 'k', '1 '], ['BLPOP', 'k', '1e400'],
      ['BLPOP', 'k', '1e308'], ['BLPOP', 'k', '9223372036854775807'], ['BLPOP', 'k', '9223372036854775.808'],
      ['BLPOP', 'k', '1e16'], ['BLPOP', 'k', '1e5000'], ['BLPOP', 'k', '1e-5000'], ['BLPOP', 'k', '0x'], ['BLPOP', 'k', '1e'],
      ['BRPOP', 'k', '-1'], ['BLPOP', 'k'], ['BRPOP', 'k'],
      ['BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '-1'], ['BLMOVE', 'a', 'b', 'UP', 'RIGHT', '-1'], ['BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', 'x'],
      ['BRPOPLPUSH', 'a', 'b', '-1'], ['BRPOPLPUSH', 'a', 'b', 'x'], ['BLMOVE', 'a', 'b', 'LEFT', 'RIGHT'],
      ['BLMPOP', '-1', '1', 'k', 'LEFT'], ['BLMPOP', 'x', '0', 'k', 'LEFT'], ['BLMPOP', '-1', '1', 'k', 'UP'],
      ['BLMPOP', '0', '0', 'k', 'LEFT'], ['BLMPOP', '0', '2', 'k', 'LEFT'], ['BLMPOP', '0', '1', 'k', 'LEFT', 'COUNT', '0'],
      ['BLMPOP', 'x', '1', 'k', 'LEFT', 'COUNT', '0'], ['BLMPOP', '0', '1', 'k'],
    ]);
  });

  describe('blocked clients', () => {
    const scenario = (n: number, steps: Step[]) => expectSameScenario(pair, n, steps, resp);

    test('timeouts answer with the null reply of each command', async () => {
      await scenario(5, [
        send(0, 'BLPOP', 'k', '0.1'), send(1, 'BRPOP', 'k', 'k2', '0.1'), send(2, 'BLMOVE', 'k', 'd', 'LEFT', 'RIGHT', '0.1'),
        send(3, 'BRPOPLPUSH', 'k', 'd', '0.1'), send(4, 'BLMPOP', '0.1', '2', 'k', 'k2', 'LEFT', 'COUNT', '3'),
        read(0), read(1), read(2), read(3), read(4), call(0, 'PING'), call(4, 'EXISTS', 'k', 'd'),
      ]);
    });

    test('tiny and rounded timeouts: 1e-400 waits 1 ms, -0.001 and 0 wait for ever', async () => {
      await scenario(4, [
        send(0, 'BLPOP', 'k', '1e-400'), send(1, 'BLPOP', 'k', '-0.001'), send(2, 'BLPOP', 'k', '0'), send(3, 'BLPOP', 'k', '0.0001'),
        read(0), read(3), pause(100), silent(1), silent(2), call(3, 'RPUSH', 'k', 'a', 'b'), read(1), read(2),
      ]);
    });

    test('clients blocked on one key are served first come, first served', async () => {
      await scenario(4, [
        send(0, 'BLPOP', 'k', '0'), send(1, 'BLPOP', 'k', '0'), send(2, 'BLPOP', 'k', '0'),
        call(3, 'RPUSH', 'k', '1', '2'), read(0), read(1), silent(2), call(3, 'EXISTS', 'k'),
        call(3, 'LPUSH', 'k', '3', '4'), read(2), call(3, 'LRANGE', 'k', '0', '-1'),
      ]);
    });

    test('BLPOP and BRPOP on one key take from their own ends', async () => {
      await scenario(3, [
        send(0, 'BLPOP', 'k', '0'), send(1, 'BRPOP', 'k', '0'), call(2, 'RPUSH', 'k', '1', '2', '3'),
        read(0), read(1), call(2, 'LRANGE', 'k', '0', '-1'),
      ]);
    });

    test('a client blocked on several keys is served by the key that gets data', async () => {
      await scenario(3, [
        send(0, 'BLPOP', 'k1', 'k2', 'k3', '0'), send(1, 'BLMPOP', '0', '2', 'k3', 'k2', 'RIGHT', 'COUNT', '2'),
        call(2, 'RPUSH', 'k2', 'a', 'b', 'c', 'd'), read(0), read(1), call(2, 'LRANGE', 'k2', '0', '-1'),
        send(0, 'BRPOP', 'k1', 'k1', '0'), call(2, 'RPUSH', 'k1', 'x'), read(0),
      ]);
    });

    test('another key of the wrong type does not stop a client from being served', async () => {
      await scenario(2, [
        send(0, 'BLPOP', 'k1', 'k2', '0'), call(1, 'SET', 'k1', 'str'), silent(0), call(1, 'RPUSH', 'k2', 'a'), read(0),
      ]);
    });

    test('a key that becomes another type keeps its clients blocked', async () => {
      await scenario(2, [
        send(0, 'BLPOP', 'k', '0'), call(1, 'SET', 'k', 'str'), silent(0), call(1, 'DEL', 'k'), call(1, 'RPUSH', 'k', 'z'),
        read(0), call(1, 'EXISTS', 'k'),
      ]);
    });

    test('BLMOVE chains: a moved element serves the clients of the destination', async () => {
      await scenario(3, [
        send(0, 'BLPOP', 'b', '0'), send(1, 'BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '0'), call(2, 'RPUSH', 'a', 'x'),
        read(1), read(0), call(2, 'EXISTS', 'a', 'b'),
        send(0, 'BRPOPLPUSH', 's', 'd', '0'), send(1, 'BLPOP', 'd', '0'), call(2, 'LPUSH', 's', '1', '2'),
        read(0), read(1), call(2, 'LRANGE', 's', '0', '-1'), call(2, 'EXISTS', 'd'),
      ]);
    });

    test('BLMOVE of a list onto itself, then another client of the same key', async () => {
      await scenario(3, [
        send(0, 'BLMOVE', 'k', 'k', 'LEFT', 'RIGHT', '0'), send(1, 'BLPOP', 'k', '0'), call(2, 'RPUSH', 'k', 'x'),
        read(0), read(1), call(2, 'EXISTS', 'k'),
        send(0, 'BLMOVE', 'k', 'k', 'RIGHT', 'LEFT', '0'), call(2, 'RPUSH', 'k', 'a', 'b'), read(0), call(2, 'LRANGE', 'k', '0', '-1'),
      ]);
    });

    test('BLMOVE into a destination of the wrong type gets WRONGTYPE when served', async () => {
      await scenario(3, [
        send(0, 'BLMOVE', 's', 'd', 'LEFT', 'RIGHT', '0'), send(1, 'BLPOP', 's', '0'), call(2, 'SET', 'd', 'str'),
        call(2, 'RPUSH', 's', 'a', 'b'), read(0), read(1), call(2, 'LRANGE', 's', '0', '-1'), call(2, 'GET', 'd'),
      ]);
    });

    test('commands pipelined behind a blocked one run after it is served', async () => {
      await scenario(2, [
        send(0, 'BLPOP', 'k', '0'), send(0, 'PING'), send(0, 'LLEN', 'k'), silent(0), call(1, 'RPUSH', 'k', 'a', 'b'),
        read(0), read(0), read(0),
      ]);
    });

    test('a client blocked in another database is not served by this one', async () => {
      await scenario(2, [
        call(0, 'SELECT', '1'), send(0, 'BLPOP', 'k', '0'), call(1, 'RPUSH', 'k', 'x'), silent(0),
        call(1, 'SELECT', '1'), call(1, 'RPUSH', 'k', 'y'), read(0), call(1, 'SELECT', '0'), call(1, 'LLEN', 'k'),
      ]);
    });

    test('a timed-out or disconnected client is no longer served', async () => {
      await scenario(3, [
        send(0, 'BLPOP', 'k', '0.05'), read(0), send(1, 'BLPOP', 'k', '0'), close(1), call(2, 'RPUSH', 'k', 'x'),
        silent(0), call(2, 'LLEN', 'k'),
      ]);
    });

    test('BLMPOP served with a count larger than the list', async () => {
      await scenario(2, [
        send(0, 'BLMPOP', '0', '1', 'k', 'LEFT', 'COUNT', '10'), call(1, 'RPUSH', 'k', 'a', 'b', 'c'), read(0), call(1, 'EXISTS', 'k'),
        send(0, 'BLMPOP', '0', '2', 'x', 'k', 'RIGHT'), call(1, 'LPUSH', 'k', '1', '2'), read(0), call(1, 'LRANGE', 'k', '0', '-1'),
      ]);
    });
  });
});

describe('list side effects against redis-server', () => {
  let pair: CompatPair;
  let realStream: ReplicationStream;
  const localStream: string[] = [];
  let subscriber: { real: RawClient; local: RawClient };
  beforeAll(async () => {
    pair = await CompatPair.start();
    // Keyspace events of every class on both (the local flags are set directly: CONFIG is not
    // part of this command family).
    await pair.realClient.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    pair.local.server.notifyFlags = parseNotifyFlags('KEA') as number;
    realStream = await ReplicationStream.open(pair.real.port);
    pair.local.server.onPropagate((_db, argv) => localStream.push(encode(argv)));
    subscriber = await pair.connectBoth();
    await subscriber.real.call('PSUBSCRIBE', '__key*__:*');
    pair.local.server.pubsub.subscribe('pattern', serverClientOf(pair, subscriber.local), '__key*__:*');
  });
  afterAll(async () => {
    realStream?.close();
    await pair.stop();
  });
  beforeEach(async () => {
    await pair.reset();
    await sleep(50);
    await drain(subscriber.real);
    await drain(subscriber.local);
    realStream.commands = [];
    localStream.length = 0;
  });

  /** Compares the keyspace events and the replication stream since the test started. */
  async function expectSameEffects(): Promise<void> {
    await sleep(50);
    const [events, realEvents] = [await drain(subscriber.local), await drain(subscriber.real)];
    expect(realEvents.length).toBeGreaterThan(0);
    expect(events).toEqual(realEvents);
    expect(realStream.commands.length).toBeGreaterThan(0);
    expect(localStream).toEqual(realStream.commands);
  }

  test('pushes, pops and the deletion of an emptied list', async () => {
    await pair.expectSame([
      ['LPUSH', 'l', 'a', 'b'], ['RPUSH', 'l', 'c'], ['LPUSHX', 'nokey', 'a'], ['RPUSHX', 'l', 'd'], ['LPUSHX', 'l', 'e'],
      ['LPOP', 'l'], ['RPOP', 'l', '2'], ['LPOP', 'l', '0'], ['RPOP', 'l', '5'], ['LPOP', 'l'], ['RPOP', 'nokey', '1'],
    ]);
    await expectSameEffects();
  });

  test('LSET, LREM, LTRIM and LINSERT', async () => {
    await pair.expectSame([
      ['RPUSH', 'l', 'a', 'b', 'a', 'c'], ['LSET', 'l', '0', 'x'], ['LSET', 'l', '9', 'x'], ['LREM', 'l', '0', 'zz'],
      ['LREM', 'l', '1', 'a'], ['LTRIM', 'l', '0', '-1'], ['LTRIM', 'l', '1', '-1'], ['LINSERT', 'l', 'BEFORE', 'zz', 'q'],
      ['LINSERT', 'l', 'AFTER', 'c', 'q'], ['LTRIM', 'l', '5', '9'], ['LTRIM', 'nokey', '0', '1'],
      ['RPUSH', 'r', 'a', 'a'], ['LREM', 'r', '0', 'a'],
    ]);
    await expectSameEffects();
  });

  test('LMOVE, RPOPLPUSH and LMPOP', async () => {
    await pair.expectSame([
      ['RPUSH', 'src', 'a', 'b', 'c'], ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'], ['LMOVE', 'src', 'src', 'right', 'left'],
      ['RPOPLPUSH', 'src', 'dst'], ['RPOPLPUSH', 'src', 'dst'], ['LMOVE', 'nokey', 'dst', 'LEFT', 'LEFT'],
      ['LMPOP', '2', 'nokey', 'dst', 'RIGHT', 'COUNT', '2'], ['LMPOP', '1', 'dst', 'LEFT', 'COUNT', '9'], ['LMPOP', '1', 'dst', 'LEFT'],
    ]);
    await expectSameEffects();
  });

  test('blocking commands served at once propagate as their plain forms', async () => {
    await pair.expectSame([
      ['RPUSH', 'a', '1', '2', '3', '4', '5'], ['BLPOP', 'nokey', 'a', '0'], ['BRPOP', 'a', '1'],
      ['BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '0'], ['BLMOVE', 'a', 'b', 'right', 'Left', '0'], ['BRPOPLPUSH', 'b', 'a', '0'],
      ['BLMPOP', '0', '2', 'nokey', 'a', 'RIGHT', 'COUNT', '5'], ['BLMPOP', '0', '1', 'b', 'LEFT'],
    ]);
    await expectSameEffects();
  });

  test('served blocked clients propagate as their plain forms, after the push that served them', async () => {
    await expectSameScenario(pair, 2, [
      send(0, 'BLPOP', 'x', 'l', '0'), call(1, 'RPUSH', 'l', 'a', 'b'), read(0),
      send(0, 'BRPOP', 'l', '0'), call(1, 'RPUSH', 'l', 'c'), read(0),
      send(0, 'BLMPOP', '0', '1', 'q', 'RIGHT', 'COUNT', '5'), call(1, 'RPUSH', 'q', 'a', 'b'), read(0),
      send(0, 'BLMPOP', '0', '1', 'q', 'LEFT'), call(1, 'RPUSH', 'q', 'a', 'b'), read(0),
      send(0, 'BRPOPLPUSH', 's', 'd', '0'), call(1, 'LPUSH', 's', '1', '2'), read(0),
      send(0, 'BLMOVE', 's2', 'd', 'RIGHT', 'LEFT', '0'), call(1, 'LPUSH', 's2', '9'), read(0),
    ]);
    await expectSameEffects();
  });
});
