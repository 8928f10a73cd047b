import {
  BINARY_SENTINEL, BinaryRequest, Target, bin, exchange, incrExtras, show, startLocal, startRealMemcached, storeExtras, u32,
} from './memcached-harness';

/**
 * The binary protocol byte for byte against memcached 1.6 (headers, status codes, error texts,
 * opaque and CAS fields, quiet variants). Cases run in order on fresh servers so CAS values agree.
 */

const enum Op {
  GET = 0x00, SET = 0x01, ADD = 0x02, REPLACE = 0x03, DELETE = 0x04, INCR = 0x05, DECR = 0x06,
  QUIT = 0x07, FLUSH = 0x08, GETQ = 0x09, NOOP = 0x0a, VERSION = 0x0b, GETK = 0x0c, GETKQ = 0x0d,
  APPEND = 0x0e, PREPEND = 0x0f, STAT = 0x10, SETQ = 0x11, ADDQ = 0x12, REPLACEQ = 0x13,
  DELETEQ = 0x14, INCRQ = 0x15, DECRQ = 0x16, QUITQ = 0x17, FLUSHQ = 0x18, APPENDQ = 0x19,
  PREPENDQ = 0x1a, TOUCH = 0x1c, GAT = 0x1d, GATQ = 0x1e, SASL_LIST = 0x20, SASL_AUTH = 0x21,
  GATK = 0x23, GATKQ = 0x24,
}

const set = (key: string, value: string, extra: Partial<BinaryRequest> = {}) =>
  ({ opcode: Op.SET, key, value, extras: storeExtras(0, 0), ...extra });
const noop = { opcode: Op.NOOP, opaque: 0xfeedface };

/** [name, requests]: each inner array is written as one part (a separate write). */
const CASES: Array<[string, BinaryRequest[][]]> = [
  ['version and noop', [[{ opcode: Op.VERSION, opaque: 7 }, noop]]],
  ['set and get family', [[
    set('a', 'hello', { extras: storeExtras(0xdeadbeef, 0), opaque: 1 }),
    { opcode: Op.GET, key: 'a', opaque: 2 },
    { opcode: Op.GETK, key: 'a', opaque: 3 },
    { opcode: Op.GETQ, key: 'a', opaque: 4 },
    { opcode: Op.GETKQ, key: 'a', opaque: 5 },
    { opcode: Op.GET, key: 'nope', opaque: 6 },
    { opcode: Op.GETK, key: 'nope', opaque: 7 },
    { opcode: Op.GETQ, key: 'nope', opaque: 8 },
    { opcode: Op.GETKQ, key: 'nope', opaque: 9 },
    noop,
  ]]],
  ['add replace and cas', [[
    { opcode: Op.ADD, key: 'a', value: 'x', extras: storeExtras(0, 0) },
    { opcode: Op.REPLACE, key: 'missing', value: 'x', extras: storeExtras(0, 0) },
    { opcode: Op.ADD, key: 'b', value: 'x', extras: storeExtras(3, 0) },
    set('b', 'y', { cas: 1n }),
    set('b', 'z', { cas: 3n }),
    set('c', 'z', { cas: 3n }),
    { opcode: Op.ADD, key: 'b', value: 'w', extras: storeExtras(0, 0), cas: 99n },
    { opcode: Op.REPLACE, key: 'b', value: 'v', extras: storeExtras(1, 0), cas: 4n },
    { opcode: Op.GET, key: 'b' },
  ]]],
  ['quiet stores answer only errors', [[
    { opcode: Op.SETQ, key: 'q', value: '1', extras: storeExtras(0, 0) },
    { opcode: Op.ADDQ, key: 'q', value: '2', extras: storeExtras(0, 0) },
    { opcode: Op.REPLACEQ, key: 'qq', value: '3', extras: storeExtras(0, 0) },
    { opcode: Op.APPENDQ, key: 'q', value: '4' },
    { opcode: Op.PREPENDQ, key: 'q', value: '0' },
    { opcode: Op.DELETEQ, key: 'nope' },
    { opcode: Op.INCRQ, key: 'q', extras: incrExtras(1n, 0n, 0) },
    { opcode: Op.GET, key: 'q' },
    { opcode: Op.DELETEQ, key: 'q' },
    noop,
  ]]],
  ['empty value', [[set('empty', ''), { opcode: Op.GET, key: 'empty' }, { opcode: Op.APPEND, key: 'empty', value: '' }, noop]]],
  ['append and prepend', [[
    set('ap', 'bb', { extras: storeExtras(5, 0) }),
    { opcode: Op.APPEND, key: 'ap', value: 'cc' },
    { opcode: Op.PREPEND, key: 'ap', value: 'aa' },
    { opcode: Op.APPEND, key: 'ap', value: 'x', cas: 1n },
    { opcode: Op.APPEND, key: 'nope', value: 'x' },
    { opcode: Op.GET, key: 'ap' },
  ]]],
  ['delete', [[
    set('d', '1'),
    { opcode: Op.DELETE, key: 'd', cas: 12345n },
    { opcode: Op.DELETE, key: 'd' },
    { opcode: Op.DELETE, key: 'd' },
  ]]],
  ['incr and decr', [[
    set('n', '10'),
    { opcode: Op.INCR, key: 'n', extras: incrExtras(5n, 0n, 0), opaque: 11 },
    { opcode: Op.DECR, key: 'n', extras: incrExtras(100n, 0n, 0) },
    { opcode: Op.GET, key: 'n' },
    { opcode: Op.INCR, key: 'new', extras: incrExtras(1n, 42n, 0) },
    { opcode: Op.INCR, key: 'new', extras: incrExtras(1n, 42n, 0) },
    { opcode: Op.INCR, key: 'none', extras: incrExtras(1n, 42n, 0xffffffff) },
    { opcode: Op.DECR, key: 'none', extras: incrExtras(1n, 42n, 0xffffffff) },
    set('w', '18446744073709551615'),
    { opcode: Op.INCR, key: 'w', extras: incrExtras(2n, 0n, 0) },
    { opcode: Op.GET, key: 'w' },
    set('t', 'text'),
    { opcode: Op.INCR, key: 't', extras: incrExtras(1n, 0n, 0) },
    { opcode: Op.INCR, key: 'n', extras: incrExtras(1n, 0n, 0), cas: 1n },
    { opcode: Op.DECRQ, key: 'n', extras: incrExtras(1n, 0n, 0) },
    noop,
  ]]],
  ['touch and gat', [[
    set('g', 'val', { extras: storeExtras(9, 0) }),
    { opcode: Op.TOUCH, key: 'g', extras: u32(100) },
    { opcode: Op.GAT, key: 'g', extras: u32(100) },
    { opcode: Op.GATK, key: 'g', extras: u32(100) },
    { opcode: Op.GATQ, key: 'g', extras: u32(100) },
    { opcode: Op.GATKQ, key: 'g', extras: u32(100) },
    { opcode: Op.TOUCH, key: 'nope', extras: u32(100) },
    { opcode: Op.GAT, key: 'nope', extras: u32(100) },
    { opcode: Op.GATK, key: 'nope', extras: u32(100) },
    { opcode: Op.GATQ, key: 'nope', extras: u32(100) },
    { opcode: Op.GATKQ, key: 'nope', extras: u32(100) },
    noop,
  ]]],
  ['flush', [[
    set('f', '1'),
    { opcode: Op.FLUSH },
    { opcode: Op.GET, key: 'f' },
    { opcode: Op.FLUSHQ },
    { opcode: Op.FLUSH, extras: u32(0) },
    noop,
  ]]],
  ['stat errors and groups', [[
    { opcode: Op.STAT, key: 'nosuch' },
    { opcode: Op.STAT, key: 'conns' },
    { opcode: Op.STAT, key: 'detail x' },
    { opcode: Op.STAT, key: 'detail on' },
    { opcode: Op.STAT, key: 'sizes' },
    { opcode: Op.STAT, key: 'sizes_enable' },
    { opcode: Op.STAT, key: 'sizes_disable' },
    { opcode: Op.STAT, key: 'reset' },
    noop,
  ]]],
  ['frames split across reads', [
    [set('split', 'abcdef')].map((r) => r),
    [{ opcode: Op.GET, key: 'split', opaque: 77 }],
  ]],
  ['quit', [[{ opcode: Op.QUIT, opaque: 3 }, { opcode: Op.VERSION }]]],
  ['quiet quit', [[{ opcode: Op.NOOP }, { opcode: Op.QUITQ }, { opcode: Op.VERSION }]]],
  ['too large value is refused and swallowed', [[
    set('big', 'x'.repeat(1048577)),
    { opcode: Op.GET, key: 'big' },
    noop,
  ]]],
  ['failed set removes the old value', [[
    set('big2', 'small'),
    set('big2', 'x'.repeat(1048577)),
    { opcode: Op.GET, key: 'big2' },
  ]]],
  ['wrong extras length closes', [[{ opcode: Op.GET, key: 'a', extras: u32(1) }, noop]]],
  ['body shorter than key closes', [[{ opcode: Op.GET, key: 'abc', bodyLength: 2 }, noop]]],
  ['key over 250 bytes closes', [[{ opcode: Op.GET, key: 'k'.repeat(251) }, noop]]],
  ['version with a body closes', [[{ opcode: Op.VERSION, value: 'x' }, noop]]],
  ['set without extras closes', [[{ opcode: Op.SET, key: 'a', value: 'b' }, noop]]],
  ['incr with short extras closes', [[{ opcode: Op.INCR, key: 'a', extras: u32(1) }, noop]]],
  ['unknown opcode skips body-length bytes', [[{ opcode: 0x60, key: 'cluster' }, noop, noop]]],
  ['unknown opcode with a value', [[{ opcode: 0x45, key: 'k', value: 'vvvv' }, noop]]],
  ['SASL without SASL configured', [[{ opcode: Op.SASL_LIST }, { opcode: Op.SASL_AUTH, key: 'PLAIN', value: '\0u\0p' }, noop]]],
  ['bad magic closes', [[{ opcode: Op.NOOP, magic: 0x81 }, noop]]],
  ['text after binary closes', [[noop], []]],
];

describe('memcached binary protocol, compared with memcached 1.6', () => {
  let real: Target;
  let local: Target;

  beforeAll(async () => {
    [real, local] = await Promise.all([startRealMemcached(), startLocal()]);
  });
  afterAll(async () => {
    await Promise.all([real?.stop(), local?.stop()]);
  });

  test.each(CASES)('%s', async (name, writes) => {
    const parts = writes.map((reqs) => (reqs.length === 0 ? Buffer.from('get a\r\n') : Buffer.concat(reqs.map(bin))));
    const options = { sentinel: BINARY_SENTINEL };
    const [expected, actual] = await Promise.all([exchange(real.port, parts, options), exchange(local.port, parts, options)]);
    expect([name, show(actual)]).toEqual([name, show(expected)]);
  });

  test('stat packets: names in memcached order, items and slabs equal', async () => {
    const fill = Array.from({ length: 20 }, (_, i) => set(`s${i}`, 'v'.repeat(i * 50)));
    const parts = [Buffer.concat([...fill, { opcode: Op.GET, key: 's3' }, { opcode: Op.GET, key: 'zz' }].map(bin)),
      bin({ opcode: Op.STAT, key: 'items' }), bin({ opcode: Op.STAT, key: 'slabs' }), bin({ opcode: Op.STAT })];
    // Three stat groups, each ended by a packet with an empty key.
    const until = (b: Buffer) => {
      let ends = 0;
      for (let p = 0; p + 24 <= b.length; p += 24 + b.readUInt32BE(p + 8)) {
        if (b[p + 1] === Op.STAT && b.readUInt16BE(p + 2) === 0 && p + 24 + b.readUInt32BE(p + 8) <= b.length) ends++;
      }
      return ends >= 3;
    };
    const [expected, actual] = await Promise.all([real, local].map((t) => exchange(t.port, parts, { until })));
    const packets = (b: Buffer) => {
      const out: Array<[string, string]> = [];
      for (let p = 0; p + 24 <= b.length;) {
        const keylen = b.readUInt16BE(p + 2);
        const body = b.readUInt32BE(p + 8);
        if (b[p + 1] === Op.STAT) out.push([b.toString('latin1', p + 24, p + 24 + keylen), b.toString('latin1', p + 24 + keylen, p + 24 + body)]);
        p += 24 + body;
      }
      return out;
    };
    const ours = packets(actual.data);
    const theirs = packets(expected.data);
    const split = (list: Array<[string, string]>) => {
      const groups: Array<Array<[string, string]>> = [[]];
      for (const kv of list) {
        if (kv[0] === '') groups.push([]);
        else groups[groups.length - 1].push(kv);
      }
      return groups;
    };
    const [ourItems, ourSlabs, ourGeneral] = split(ours);
    const [theirItems, theirSlabs, theirGeneral] = split(theirs);
    const maskAge = (g: Array<[string, string]>) => g.map(([k, v]) => [k, k.endsWith(':age') ? 'N' : v]);
    expect(maskAge(ourItems)).toEqual(maskAge(theirItems));
    expect(ourSlabs).toEqual(theirSlabs);
    const theirNames = theirGeneral.map(([k]) => k);
    const positions = ourGeneral.map(([k]) => theirNames.indexOf(k));
    expect(positions.filter((p) => p < 0)).toEqual([]);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const value = (g: Array<[string, string]>, k: string) => g.find(([n]) => n === k)?.[1];
    for (const k of ['curr_items', 'total_items', 'bytes', 'cmd_get', 'get_hits', 'get_misses', 'cmd_set']) {
      expect([k, value(ourGeneral, k)]).toEqual([k, value(theirGeneral, k)]);
    }
  });
});
