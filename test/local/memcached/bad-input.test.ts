import * as fc from 'fast-check';
import { RawClient, binRequest, fakeConnection } from './helpers';
import { MemcachedServer, startMemcachedServer } from '../../../src/local';
import { ServerState } from '../../../src/local/memcached/state';
import { Item } from '../../../src/local/memcached/store';

/** Ways in which the store's bookkeeping disagrees with its contents (none, we expect). */
function violations(state: ServerState): string[] {
  const store = state.store;
  const out: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) out.push(what);
  };
  check(store.stats.currItems === store.items.size, 'curr_items counts the items');
  let bytes = 0;
  for (const c of store.classes) {
    let n = 0;
    let prev: Item | null = null;
    for (let item = store.heads[c.id]; item !== null; item = item.next) {
      check(item.prev === prev && item.cls === c.id && store.items.get(item.key) === item, `LRU links of class ${c.id}`);
      bytes += item.size;
      prev = item;
      n++;
    }
    check(store.tails[c.id] === prev, `tail of class ${c.id}`);
    check(store.counts[c.id] === n, `item count of class ${c.id}`);
    check(store.usedChunks[c.id] >= n && store.usedChunks[c.id] <= store.pages[c.id] * c.perPage, `chunks of class ${c.id}`);
  }
  check(store.stats.currBytes === bytes, 'bytes adds up the item sizes');
  return out;
}

function checkInvariants(state: ServerState): void {
  const found = violations(state);
  if (found.length > 0) expect(found).toEqual([]);
}

const WORDS = ['get', 'gets', 'gat', 'set', 'add', 'cas', 'append', 'incr', 'decr', 'delete', 'touch', 'mg', 'ms',
  'md', 'ma', 'me', 'mn', 'stats', 'flush_all', 'verbosity', 'version', 'k', 'key', 'noreply', '0', '1', '5', '-1',
  '4294967296', '18446744073709551616', '2147483647', 'v', 'q', 'b', 'k', 'c', 'T-1', 'N10', 'MA', 'C1', 'D5',
  'O123', 'Zm9v', ' ', '  ', '\r\n', '\n', '\r', '\0', '\xff', 'x'.repeat(300), 'HTTP/1.1'];

const textish = fc.array(fc.constantFrom(...WORDS), { maxLength: 40 }).map((w) => Buffer.from(w.join(' '), 'latin1'));
const binaryish = fc.record({
  opcode: fc.oneof(fc.integer({ min: 0, max: 0x24 }), fc.integer({ min: 0, max: 255 })),
  key: fc.string({ maxLength: 20 }),
  extras: fc.uint8Array({ maxLength: 24 }),
  value: fc.uint8Array({ maxLength: 64 }),
  bodyDelta: fc.integer({ min: -40, max: 40 }),
}).map(({ opcode, key, extras, value, bodyDelta }) => {
  const frame = binRequest(opcode, { key, extras: Buffer.from(extras), value: Buffer.from(value) });
  frame.writeUInt32BE(Math.max(0, frame.readUInt32BE(8) + bodyDelta), 8);
  return frame;
});
const chunks = (input: fc.Arbitrary<Buffer>) => fc.tuple(fc.array(input, { minLength: 1, maxLength: 6 }),
  fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 8 }));

/** Feeds the concatenated inputs cut at the given sizes. */
function feedAll(parts: Buffer[], cuts: number[]) {
  const c = fakeConnection({ memoryLimitMb: 2 });
  const all = Buffer.concat(parts);
  let pos = 0;
  for (const n of cuts) {
    if (pos >= all.length) break;
    c.feed(all.subarray(pos, pos + n));
    pos += n;
  }
  if (pos < all.length) c.feed(all.subarray(pos));
  return c;
}

describe('bad input never breaks the server', () => {
  test('random text commands keep the store consistent', () => {
    fc.assert(fc.property(chunks(textish), ([parts, cuts]) => {
      const c = feedAll(parts.map((p) => Buffer.concat([p, Buffer.from('\r\n')])), cuts);
      checkInvariants(c.state);
    }), { numRuns: 400 });
  });

  test('random binary frames keep the store consistent', () => {
    fc.assert(fc.property(chunks(binaryish), ([parts, cuts]) => {
      const c = feedAll(parts, cuts);
      checkInvariants(c.state);
    }), { numRuns: 400 });
  });

  test('random bytes never throw', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 5 }), (parts) => {
      const c = fakeConnection();
      c.feed(...parts.map((p) => Buffer.from(p)));
      checkInvariants(c.state);
    }), { numRuns: 400 });
  });

  test('an upload cut off by a disconnect gives its memory back', () => {
    const c = fakeConnection();
    c.feed('set k 0 0 100000\r\n', Buffer.alloc(5000));
    expect(c.state.store.usedChunks.reduce((a, b) => a + b)).toBe(1);
    c.socket.destroy();
    expect(c.state.store.usedChunks.reduce((a, b) => a + b)).toBe(0);
    expect(c.state.connections.size).toBe(0);
  });
});

describe('bad input over sockets', () => {
  let server: MemcachedServer;
  let control: RawClient;
  beforeAll(async () => {
    server = await startMemcachedServer();
    control = await RawClient.connect(server.port);
    await control.expect('set control 0 0 2\r\nok\r\n', 'STORED\r\n');
  });
  afterAll(async () => {
    control.close();
    await server.stop();
  });

  test.each([
    ['malformed storage line', 'set k 0 0 nope\r\n', 'CLIENT_ERROR bad command line format\r\n'],
    ['length beyond INT_MAX - 2', 'set k 0 0 2147483647\r\n', 'CLIENT_ERROR bad command line format\r\n'],
    ['unknown command', 'hello world\r\n', 'ERROR\r\n'],
    ['meta with garbage flags', 'mg key ~~ \r\n', 'CLIENT_ERROR invalid flag\r\n'],
    ['value with the wrong length', 'set k 0 0 2\r\nabcd\r\n', 'CLIENT_ERROR bad data chunk\r\nERROR\r\n'],
  ])('%s gets memcached\'s error and the connection stays usable', async (_name, input, error) => {
    const c = await RawClient.connect(server.port);
    await c.expect(input, error);
    await c.expect('version\r\n', 'VERSION 1.6.18\r\n');
    c.close();
  });

  test('random garbage from many clients leaves other clients served', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 3000 }), textish), async (bytes) => {
      const c = await RawClient.connect(server.port);
      c.socket.write(Buffer.from(bytes));
      await c.read(1 << 20, 20);
      c.close();
      await control.expect('get control\r\n', 'VALUE control 0 2\r\nok\r\nEND\r\n');
    }), { numRuns: 60 });
  });

  test('a huge declared value is swallowed without being buffered', async () => {
    const c = await RawClient.connect(server.port);
    const before = process.memoryUsage().arrayBuffers;
    await c.expect('set huge 0 0 2147483645\r\n', 'SERVER_ERROR object too large for cache\r\n');
    const block = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 64; i++) c.socket.write(block);
    await control.expect('version\r\n', 'VERSION 1.6.18\r\n');
    await new Promise((r) => setTimeout(r, 200));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 << 20);
    c.close();
  });

  test('a binary header claiming a 4 GB body is answered and skipped', async () => {
    const c = await RawClient.connect(server.port);
    const frame = binRequest(0x01, { key: 'k', extras: Buffer.alloc(8) });
    frame.writeUInt32BE(0xffffffff, 8);
    const reply = await c.send(frame, 24 + 10);
    expect(reply.readUInt16BE(6)).toBe(0x03); // E2BIG
    expect(reply.toString('latin1', 24)).toBe('Too large.');
    c.close();
    await control.expect('version\r\n', 'VERSION 1.6.18\r\n');
  });
});
