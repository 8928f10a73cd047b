import * as fc from 'fast-check';
import { ListValue, exceedsLimit, lpEntrySize } from '../../../src/local/store/list';
import { EncodingConfig, codecByTag, codecFor } from '../../../src/local/store/types';

const VALKEY: EncodingConfig = {
  hashMaxListpackEntries: 128,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  setMaxListpackEntries: 128,
  setMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  listMaxListpackSize: -2,
  listpackLists: true,
  setListpack: true,
};
const withFill = (fill: number): EncodingConfig => ({ ...VALKEY, listMaxListpackSize: fill });
const REDIS70: EncodingConfig = { ...VALKEY, listpackLists: false };

/** Pushes one value as RPUSH does: the conversion check, then the push. */
function rpush(list: ListValue, value: string, config = VALKEY): void {
  list.beforeGrowOne(config, value);
  list.pushTail(value);
}

function lpush(list: ListValue, value: string, config = VALKEY): void {
  list.beforeGrowOne(config, value);
  list.pushHead(value);
}

/** Decodes a rangeReply back into strings. */
function parseArray(reply: string): string[] {
  const out: string[] = [];
  let p = reply.indexOf('\r\n') + 2;
  const n = Number(reply.slice(1, p - 2));
  for (let i = 0; i < n; i++) {
    const lineEnd = reply.indexOf('\r\n', p);
    const len = Number(reply.slice(p + 1, lineEnd));
    out.push(reply.slice(lineEnd + 2, lineEnd + 2 + len));
    p = lineEnd + 2 + len + 2;
  }
  expect(p).toBe(reply.length);
  return out;
}

/** The quicklist nodes of the layout model, head first. */
function nodesOf(list: ListValue): Array<{ count: number; sz: number; plain: boolean }> {
  return (list as any).nodes.toArray();
}

/**
 * The layout model matches the elements: a listpack's size is the sum of its entries; quicklist
 * nodes cover the list in order, each packed node's size is that of a listpack of its elements and
 * a plain node holds one element of its own size.
 */
function expectConsistentLayout(list: ListValue, model: readonly string[]): void {
  const internals = list as unknown as { packed: boolean; lpBytes: number };
  const lpSize = (values: readonly string[]) => 7 + values.reduce((n, value) => n + lpEntrySize(value), 0);
  if (internals.packed) {
    expect(internals.lpBytes).toBe(lpSize(model));
    return;
  }
  let start = 0;
  for (const node of nodesOf(list)) {
    expect(node.count).toBeGreaterThan(0);
    const values = model.slice(start, start + node.count);
    if (node.plain) expect([node.count, node.sz]).toEqual([1, values[0].length]);
    else expect(node.sz).toBe(lpSize(values));
    start += node.count;
  }
  expect(start).toBe(model.length);
}

describe('ListValue as a deque', () => {
  test('pushes and pops at both ends, reads and writes by index', () => {
    const list = new ListValue();
    for (let i = 0; i < 20; i++) list.pushTail(`t${i}`);
    for (let i = 0; i < 20; i++) list.pushHead(`h${i}`);
    expect(list.length).toBe(40);
    expect(list.at(0)).toBe('h19');
    expect(list.at(19)).toBe('h0');
    expect(list.at(20)).toBe('t0');
    expect(list.at(39)).toBe('t19');
    expect(list.at(40)).toBeUndefined();
    expect(list.at(-1)).toBeUndefined();
    list.set(20, 'x');
    expect(list.at(20)).toBe('x');
    expect(list.popHead()).toBe('h19');
    expect(list.popTail()).toBe('t19');
    expect(list.length).toBe(38);
    expect(list.type).toBe('list');
  });

  test('an empty list pops nothing', () => {
    const list = new ListValue();
    expect(list.popHead()).toBeUndefined();
    expect(list.popTail()).toBeUndefined();
    expect(list.toArray()).toEqual([]);
    expect(list.rangeReply(0, 0)).toBe('*0\r\n');
  });

  test('rangeReply builds the protocol bytes forwards and backwards', () => {
    const list = ListValue.from(['a', '', 'ccc', 'bin\x00\xff']);
    expect(list.rangeReply(0, 4)).toBe('*4\r\n$1\r\na\r\n$0\r\n\r\n$3\r\nccc\r\n$5\r\nbin\x00\xff\r\n');
    expect(list.rangeReply(3, 2, true)).toBe('*2\r\n$5\r\nbin\x00\xff\r\n$3\r\nccc\r\n');
    expect(list.rangeReply(1, 1)).toBe('*1\r\n$0\r\n\r\n');
  });

  test('behaves like an array under random operations (including wrap-around and resizing)', () => {
    type Op =
      | { op: 'pushHead' | 'pushTail'; value: string }
      | { op: 'popHead' | 'popTail' }
      | { op: 'insert'; at: number; value: string; after: boolean }
      | { op: 'set'; at: number; value: string }
      | { op: 'trim'; left: number; right: number }
      | { op: 'remove'; value: string; limit: number; fromTail: boolean };
    const value = fc.constantFrom('a', 'b', 'c', '1', '12345', '', 'x'.repeat(70), 'L'.repeat(5000));
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constantFrom('pushHead' as const, 'pushTail' as const), value }),
      fc.record({ op: fc.constantFrom('popHead' as const, 'popTail' as const) }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), value, after: fc.boolean() }),
      fc.record({ op: fc.constant('set' as const), at: fc.nat(), value }),
      fc.record({ op: fc.constant('trim' as const), left: fc.nat(5), right: fc.nat(5) }),
      fc.record({ op: fc.constant('remove' as const), value, limit: fc.nat(3), fromTail: fc.boolean() }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 300 }), fc.constantFrom(-1, -2, 3, 1, 0), (ops, fill) => {
      const config = withFill(fill);
      const list = new ListValue();
      const model: string[] = [];
      for (const o of ops) {
        switch (o.op) {
          case 'pushHead': lpush(list, o.value, config); model.unshift(o.value); break;
          case 'pushTail': rpush(list, o.value, config); model.push(o.value); break;
          case 'popHead': expect(list.popHead()).toBe(model.shift()); list.afterShrink(config); break;
          case 'popTail': expect(list.popTail()).toBe(model.pop()); list.afterShrink(config); break;
          case 'insert':
            if (model.length === 0) break;
            list.beforeGrowOne(config, o.value);
            list.insert(o.at % model.length, o.value, o.after);
            model.splice((o.at % model.length) + (o.after ? 1 : 0), 0, o.value);
            break;
          case 'set':
            if (model.length === 0) break;
            list.beforeGrowOne(config, o.value);
            list.set(o.at % model.length, o.value);
            list.afterShrink(config);
            model[o.at % model.length] = o.value;
            break;
          case 'trim': {
            list.trim(o.left, o.right);
            list.afterShrink(config);
            if (o.left + o.right >= model.length) model.length = 0;
            else model.splice(0, o.left), model.splice(model.length - o.right, o.right);
            break;
          }
          case 'remove': {
            let removed = 0;
            const indexes = model.map((v, i) => (v === o.value ? i : -1)).filter((i) => i >= 0);
            const chosen = o.fromTail ? indexes.reverse() : indexes;
            const drop = new Set(o.limit === 0 ? chosen : chosen.slice(0, o.limit));
            removed = drop.size;
            const kept = model.filter((_, i) => !drop.has(i));
            expect(list.removeMatches(o.value, o.limit, o.fromTail)).toBe(removed);
            list.afterShrink(config);
            model.splice(0, model.length, ...kept);
            break;
          }
        }
        expect(list.length).toBe(model.length);
      }
      expect(list.toArray()).toEqual(model);
      if (model.length > 0) expect(parseArray(list.rangeReply(0, model.length))).toEqual(model);
      // Incremental memory accounting matches a list built from scratch.
      expect(list.bytes).toBe(ListValue.from(model).bytes);
      expectConsistentLayout(list, model);
    }), { numRuns: 300 });
  });

  test('memory accounting reports changes to the keyspace counter', () => {
    const counter = { used: 0 };
    const list = new ListValue();
    list.counter = counter;
    const before = list.bytes;
    list.pushTail('hello');
    expect(list.bytes - before).toBe(counter.used);
    expect(counter.used).toBeGreaterThanOrEqual(5);
    list.popTail();
    expect(list.bytes).toBe(before);
    expect(counter.used).toBe(0);
  });

  test('gives its buffer back after shrinking', () => {
    const list = new ListValue();
    for (let i = 0; i < 10000; i++) list.pushTail('x');
    for (let i = 0; i < 9990; i++) list.popHead();
    expect((list as any).items.length).toBeLessThanOrEqual(64);
    expect(list.toArray()).toEqual(Array(10).fill('x'));
  });

  test('clone is deep and keeps the encoding', () => {
    const list = ListValue.from(['a', 'b']);
    const copy = list.clone();
    copy.pushTail('c');
    list.set(0, 'z');
    expect(list.toArray()).toEqual(['z', 'b']);
    expect(copy.toArray()).toEqual(['a', 'b', 'c']);
    expect(copy.bytes).toBe(ListValue.from(['a', 'b', 'c']).bytes);
    const big = ListValue.from(Array(200).fill('y'.repeat(100)));
    expect(big.clone().encoding(VALKEY)).toBe('quicklist');
  });

  test('registers a codec for DUMP/RESTORE and SORT', () => {
    const codec = codecFor('list');
    expect(codec).toBeDefined();
    expect(codecByTag(codec!.tag)?.[0]).toBe('list');
    const list = ListValue.from(['3', '1', '2']);
    expect(codec!.dump(list)).toEqual(['3', '1', '2']);
    expect(codec!.sortElements!(list)).toEqual(['3', '1', '2']);
    const restored = codec!.restore(['x', '', 'y']) as ListValue;
    expect(restored.toArray()).toEqual(['x', '', 'y']);
    expect(() => codec!.restore([])).toThrow();
  });
});

describe('listpack entry sizes', () => {
  test.each([
    ['0', 2], ['127', 2], ['128', 3], ['-1', 3], ['4095', 3], ['-4096', 3], ['4096', 4], ['32767', 4], ['-32768', 4],
    ['32768', 5], ['8388607', 5], ['8388608', 6], ['2147483647', 6], ['-2147483648', 6], ['2147483648', 10],
    ['9223372036854775807', 10], ['-9223372036854775808', 10], ['9223372036854775808', 21], ['01', 4], ['-0', 4], ['+1', 4],
    ['', 2], ['a', 3],
  ])('%j takes %d bytes', (value, size) => {
    expect(lpEntrySize(value)).toBe(size);
  });

  test.each([
    [63, 65], [64, 67], [125, 128], [126, 130], [4095, 4099], [4096, 4103],
  ])('a string of %d bytes takes %d bytes', (length, size) => {
    expect(lpEntrySize('x'.repeat(length))).toBe(size);
  });

  test('node limits by size class and by count', () => {
    expect(exceedsLimit(-1, 4096, 1000)).toBe(false);
    expect(exceedsLimit(-1, 4097, 1)).toBe(true);
    expect(exceedsLimit(-2, 8192, 1)).toBe(false);
    expect(exceedsLimit(-2, 8193, 1)).toBe(true);
    expect(exceedsLimit(-5, 65536, 1)).toBe(false);
    expect(exceedsLimit(-9, 65537, 1)).toBe(true);
    expect(exceedsLimit(5, 100, 5)).toBe(false);
    expect(exceedsLimit(5, 100, 6)).toBe(true);
    expect(exceedsLimit(5000, 8193, 2)).toBe(true);
    expect(exceedsLimit(0, 10, 1)).toBe(false);
    expect(exceedsLimit(0, 10, 2)).toBe(true);
  });
});

describe('OBJECT ENCODING of lists', () => {
  // With the default fill (-2: 8 KB listpacks), a 100-byte element takes 103 listpack bytes, and a
  // listpack has 7 bytes of header and end marker.
  const v = 'x'.repeat(100);

  test('Redis 7.0 reports every list as a quicklist', () => {
    const list = new ListValue();
    rpush(list, 'a', REDIS70);
    expect(list.encoding(REDIS70)).toBe('quicklist');
  });

  test('a listpack becomes a quicklist when the next push would pass 8 KB', () => {
    const list = new ListValue();
    for (let i = 0; i < 79; i++) rpush(list, v);
    // 7 + 78 * 103 + 100 <= 8192 let the 79th in; 7 + 79 * 103 + 100 > 8192 converts.
    expect(list.encoding(VALKEY)).toBe('listpack');
    rpush(list, v);
    expect(list.encoding(VALKEY)).toBe('quicklist');
  });

  test('a multi-element push is checked once, on the raw lengths, before it starts', () => {
    // 7 + 82 * 99 <= 8192: no conversion, although the 82 entries then take 7 + 82 * 102 bytes.
    const values = Array(83).fill('y'.repeat(99));
    const list = new ListValue();
    list.beforeGrow(VALKEY, values, 0, 82);
    for (let i = 0; i < 82; i++) list.pushTail(values[i]);
    expect(list.encoding(VALKEY)).toBe('listpack');
    rpush(list, values[82]);
    expect(list.encoding(VALKEY)).toBe('quicklist');
    const big = new ListValue();
    big.beforeGrow(VALKEY, values, 0, 83);
    expect(big.encoding(VALKEY)).toBe('quicklist');
  });

  test('shrinking converts back only below half the limit, in a single node', () => {
    const list = new ListValue();
    for (let i = 0; i < 80; i++) rpush(list, v);
    expect(list.encoding(VALKEY)).toBe('quicklist');
    // Popping from the tail empties the second node; the first (79 entries) is one node of 8144
    // bytes, above half the limit, until it holds 39 entries (4024 bytes).
    for (let i = 80; i > 40; i--) {
      list.popTail();
      list.afterShrink(VALKEY);
    }
    expect(list.length).toBe(40);
    expect(list.encoding(VALKEY)).toBe('quicklist');
    list.popTail();
    list.afterShrink(VALKEY);
    expect(list.encoding(VALKEY)).toBe('listpack');
  });

  test('a queue popped from the head stays a quicklist while two nodes remain', () => {
    const list = new ListValue();
    for (let i = 0; i < 80; i++) rpush(list, v);
    for (let i = 0; i < 78; i++) {
      list.popHead();
      list.afterShrink(VALKEY);
    }
    // One entry left in the first node and one in the second.
    expect(list.length).toBe(2);
    expect(list.encoding(VALKEY)).toBe('quicklist');
    list.popHead();
    list.afterShrink(VALKEY);
    expect(list.encoding(VALKEY)).toBe('listpack');
  });

  test('a count fill converts after that many entries and back at half of them', () => {
    const config = withFill(5);
    const list = new ListValue();
    for (let i = 0; i < 5; i++) rpush(list, String(i), config);
    expect(list.encoding(config)).toBe('listpack');
    rpush(list, '5', config);
    expect(list.encoding(config)).toBe('quicklist');
    list.trim(3, 0);
    list.afterShrink(config);
    // Nodes: [3, 4] (what remains of the converted listpack) and [5]: two nodes.
    expect(list.encoding(config)).toBe('quicklist');
    list.popTail();
    list.afterShrink(config);
    expect(list.encoding(config)).toBe('listpack');
  });

  test('an element larger than a node goes into a plain node at once', () => {
    const list = new ListValue();
    rpush(list, 'a');
    rpush(list, 'z'.repeat(9000));
    expect(list.encoding(VALKEY)).toBe('quicklist');
    list.popTail();
    list.afterShrink(VALKEY);
    expect(list.encoding(VALKEY)).toBe('listpack');
  });

  test('inserting into a full node splits it, and LSET of a large value isolates it', () => {
    const list = new ListValue();
    for (let i = 0; i < 160; i++) rpush(list, v);
    const nodes = () => nodesOf(list).map((n) => n.count);
    expect(nodes()).toEqual([79, 79, 2]);
    // Before element 100 (offset 21 of the full second node): the node splits, the first 21
    // entries and the new one form a node, and the rest merges with the small tail node.
    list.beforeGrowOne(VALKEY, v);
    const fresh = 'n'.repeat(100);
    list.insert(100, fresh, false);
    expect(nodes()).toEqual([79, 22, 60]);
    expect(list.at(100)).toBe(fresh);
    expect(list.at(101)).toBe(v);
    // A large value at index 0: the head node splits after it, the value gets a plain node and
    // the emptied one-entry node goes away.
    expect(list.at(0)).toBe(v);
    list.set(0, 'q'.repeat(9000));
    expect(nodes()).toEqual([1, 78, 22, 60]);
    expect(nodesOf(list)[0]).toEqual({ count: 1, sz: 9000, plain: true });
    expect(list.at(0)).toBe('q'.repeat(9000));
    expect(list.length).toBe(161);
  });

  test('a small insert fits into a node that has room', () => {
    const list = new ListValue();
    for (let i = 0; i < 160; i++) rpush(list, v);
    list.insert(100, 'new', true);
    expect(nodesOf(list).map((n) => n.count)).toEqual([79, 80, 2]);
    expect(list.at(101)).toBe('new');
  });

  test('one element per node (fill 1) keeps pushes, pops and trims linear', () => {
    const config = withFill(1);
    const list = new ListValue();
    const n = 200000;
    const started = Date.now();
    for (let i = 0; i < n; i++) lpush(list, 'a', config);
    for (let i = 0; i < n / 2; i++) rpush(list, 'b', config);
    expect(nodesOf(list).length).toBe(n * 1.5);
    for (let i = 0; i < n / 2; i++) list.popHead();
    list.trim(n / 2, 0);
    list.trim(0, n / 4);
    for (let i = 0; i < n / 8; i++) list.popTail();
    expect(list.length).toBe(n / 8);
    expect(nodesOf(list).length).toBe(n / 8);
    // Moving the node array on every push at the head would take half a minute here.
    expect(Date.now() - started).toBeLessThan(15000);
  });

  test('LINSERT and LSET check the conversion before they know whether they change anything', () => {
    const list = new ListValue();
    for (let i = 0; i < 79; i++) rpush(list, v);
    list.beforeGrowOne(VALKEY, v);
    expect(list.encoding(VALKEY)).toBe('quicklist');
  });
});
