import { CompatPair } from './harness';
import { makeListOnBoth } from './wrong-type';
import { elementRegister, HLL_REGISTERS } from '../../src/local/store/hll';

type Req = string[];

/** An empty sparse sketch's header (cache valid, count 0) followed by `body`. */
const sparse = (body: string, cache = '\x00'.repeat(8)) => 'HYLL\x01\x00\x00\x00' + cache + body;

describe('HyperLogLog commands against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(() => pair.reset());

  function generator(seed: number): (n: number) => number {
    let s = seed;
    return (n: number) => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s % n;
    };
  }

  /** PFADD of `count` elements (`prefix` + number) in batches; then the sketch bytes and counts must agree. */
  async function addAndCompare(key: string, count: number, prefix: string, batch = 500): Promise<void> {
    for (let from = 0; from < count; from += batch) {
      const args = ['PFADD', key];
      for (let i = from; i < Math.min(count, from + batch); i++) args.push(prefix + i);
      await pair.expectSame([args]);
    }
    await pair.expectSame([['GET', key], ['PFCOUNT', key], ['GET', key], ['PFDEBUG', 'ENCODING', key]]);
  }

  test('PFADD then PFCOUNT and GET give the same bytes and counts, sparse and dense, up to 100000 elements', async () => {
    await pair.expectSame([['PFADD', 'empty'], ['GET', 'empty'], ['PFCOUNT', 'empty'], ['GET', 'empty'], ['PFADD', 'empty']]);
    for (const n of [1, 2, 3, 10, 50, 100, 200, 500, 1000, 2000, 5000]) await addAndCompare(`h${n}`, n, `e${n}:`);
    await addAndCompare('big', 100000, 'element-', 2000);
  });

  test('PFCOUNT after each step of growth, through the sparse to dense promotion', async () => {
    const requests: Req[] = [];
    for (let i = 0; i < 1500; i++) {
      requests.push(['PFADD', 'g', `member:${i * 7919}`]);
      if (i % 50 === 0) requests.push(['PFCOUNT', 'g'], ['GET', 'g']);
    }
    requests.push(['PFDEBUG', 'ENCODING', 'g'], ['GET', 'g']);
    await pair.expectSame(requests);
  });

  test('binary, empty and long elements', async () => {
    const rand = generator(5);
    const requests: Req[] = [['PFADD', 'b', '', '\x00', '\xff\xfe', 'x'.repeat(1000), 'ab', 'abcdefg', 'abcdefgh', 'abcdefghi']];
    for (let i = 0; i < 300; i++) {
      const len = rand(20);
      requests.push(['PFADD', 'b', Array.from({ length: len }, () => String.fromCharCode(rand(256))).join('')]);
    }
    requests.push(['PFCOUNT', 'b'], ['GET', 'b']);
    await pair.expectSame(requests);
  });

  test('PFMERGE: sparse stays sparse, dense makes dense, sources that do not exist, the destination as input', async () => {
    const requests: Req[] = [
      ['PFADD', 's1', 'a', 'b', 'c'], ['PFADD', 's2', 'c', 'd', 'e', 'f'], ['PFMERGE', 'm', 's1', 's2'], ['GET', 'm'], ['PFCOUNT', 'm'],
      ['PFMERGE', 'm', 'missing'], ['GET', 'm'], ['PFMERGE', 'only'], ['GET', 'only'], ['PFMERGE', 's1', 's2'], ['GET', 's1'],
      ['PFCOUNT', 's1', 's2', 'missing'], ['PFCOUNT', 'missing', 'missing2'],
    ];
    const big: string[] = ['PFADD', 'd'];
    for (let i = 0; i < 3000; i++) big.push(`d${i}`);
    requests.push(big, ['PFDEBUG', 'ENCODING', 'd'], ['PFMERGE', 'm2', 's1', 'd'], ['PFDEBUG', 'ENCODING', 'm2'], ['GET', 'm2'],
      ['PFCOUNT', 'm2'], ['PFCOUNT', 's1', 'd'], ['PFCOUNT', 'd', 's2', 's1'], ['PFMERGE', 's2', 's2'], ['GET', 's2']);
    const many: string[] = ['PFADD', 'w'];
    for (let i = 0; i < 700; i++) many.push(`w${i}`);
    requests.push(many, ['PFDEBUG', 'ENCODING', 'w'], ['PFMERGE', 'm3', 'w', 's1', 's2'], ['PFDEBUG', 'ENCODING', 'm3'], ['GET', 'm3'],
      ['SET', 'ttl', 'x'], ['DEL', 'ttl'], ['PFADD', 'ttl', 'q'], ['EXPIRE', 'ttl', '100'], ['PFMERGE', 'ttl', 'w'], ['TTL', 'ttl'], ['GET', 'ttl']);
    await pair.expectSame(requests);
    await pair.both(['HELLO', '3']);
    await pair.expectSame([['PFCOUNT', 'm2'], ['PFMERGE', 'm4', 'm2', 'm3'], ['PFCOUNT', 'm4'], ['PFADD', 'm4', 'z']]);
  });

  test('PFMERGE and multi-key PFCOUNT over random sets', async () => {
    const rand = generator(21);
    const requests: Req[] = [];
    for (let k = 0; k < 6; k++) {
      const args = ['PFADD', `r${k}`];
      const n = [5, 40, 300, 900, 2500, 9000][k];
      for (let i = 0; i < n; i++) args.push(String(rand(20000)));
      requests.push(args, ['GET', `r${k}`]);
    }
    for (let t = 0; t < 12; t++) {
      const keys = Array.from({ length: 1 + rand(4) }, () => `r${rand(6)}`);
      requests.push(['PFCOUNT', ...keys], ['PFMERGE', `dst${t}`, ...keys], ['GET', `dst${t}`], ['PFCOUNT', `dst${t}`]);
    }
    await pair.expectSame(requests);
  });

  test('values that are not sketches and corrupted sketches', async () => {
    const corrupt: Array<[string, string]> = [
      ['short', 'HYLL\x01'],
      ['magic', 'HYLX\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff'],
      ['enc2', 'HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff'],
      ['densebad', 'HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00' + '\x00'.repeat(100)],
      ['short-run', sparse('\x7f\xfe')],
      ['long-run', sparse('\x7f\xff\x00')],
      ['val-overflow', sparse('\x7f\xfc\x83')],
      ['truncated', sparse('\x7f')],
      ['no-opcodes', sparse('')],
      ['cached', sparse('\x7f\xfe', '\x05\x00\x00\x00\x00\x00\x00\x00')],
      ['stale', sparse('\x40\x09\x8c\x7f\xf5', '\x00\x00\x00\x00\x00\x00\x00\x80')],
      ['plain', 'hello'],
      ['number', '12345678901234567890'],
    ];
    const requests: Req[] = [];
    for (const [key, value] of corrupt) requests.push(['SET', key, value]);
    for (const [key] of corrupt) {
      requests.push(['PFCOUNT', key], ['PFADD', key, 'a', 'b', 'c'], ['GET', key], ['PFCOUNT', key], ['PFADD', key],
        ['PFCOUNT', key, 'missing'], ['PFMERGE', 'dst', key], ['PFMERGE', key, 'missing'], ['GET', key], ['EXISTS', 'dst'],
        ['PFDEBUG', 'ENCODING', key], ['PFDEBUG', 'DECODE', key], ['PFDEBUG', 'TODENSE', key], ['GET', key]);
    }
    requests.push(['PFADD', 'l', 'a'], ['PFCOUNT', 'l'], ['PFCOUNT', 'l', 'x'], ['PFMERGE', 'l', 'x'], ['PFMERGE', 'x', 'l'],
      ['EXISTS', 'x'], ['PFDEBUG', 'ENCODING', 'l']);
    await makeListOnBoth(pair, 'l');
    await pair.expectSame(requests);
  }, 60_000);

  test('a corrupt sketch partly updated before the error is found', async () => {
    // Registers past the first opcodes exist only in a prefix: some elements land before the gap.
    const requests: Req[] = [['SET', 'p', sparse('\x60\x00')]];
    const rand = generator(9);
    for (let i = 0; i < 30; i++) requests.push(['PFADD', 'p', `x${rand(100000)}`], ['GET', 'p']);
    await pair.expectSame(requests);
  });

  test('crafted sparse sketches: updates at opcode boundaries split and merge runs the same way', async () => {
    // Elements by the register they hit, to aim at chosen registers.
    const byRegister = new Map<number, string[]>();
    for (let i = 0; i < 120000; i++) {
      const e = `p${i}`;
      const packed = elementRegister(e);
      const value = packed & 63;
      if (value > 6) continue;
      const index = packed >>> 6;
      const list = byRegister.get(index) ?? [];
      list.push(e);
      byRegister.set(index, list);
    }
    const rand = generator(77);
    const requests: Req[] = [];
    for (let t = 0; t < 60; t++) {
      // Random opcodes covering the registers: VAL runs (often equal neighbours), ZERO and XZERO.
      let body = '';
      let covered = 0;
      const boundaries: number[] = [];
      while (covered < HLL_REGISTERS) {
        const left = HLL_REGISTERS - covered;
        const kind = rand(10);
        let run: number;
        if (kind < 6) {
          run = Math.min(1 + rand(4), left);
          const value = 1 + rand(3);
          body += String.fromCharCode(0x80 | ((value - 1) << 2) | (run - 1));
        } else if (kind < 8) {
          run = Math.min(1 + rand(64), left);
          body += String.fromCharCode(run - 1);
        } else {
          run = Math.min(1 + rand(400), left);
          body += String.fromCharCode(0x40 | ((run - 1) >> 8), (run - 1) & 0xff);
        }
        boundaries.push(covered, covered + run - 1);
        covered += run;
        if (body.length > 40 && rand(3) === 0) {
          const rest = HLL_REGISTERS - covered;
          if (rest > 0) body += String.fromCharCode(0x40 | ((rest - 1) >> 8), (rest - 1) & 0xff);
          covered = HLL_REGISTERS;
        }
      }
      requests.push(['SET', 'c', sparse(body)], ['PFCOUNT', 'c']);
      for (let u = 0; u < 8; u++) {
        const target = boundaries[rand(boundaries.length)] + rand(3) - 1;
        const candidates = byRegister.get(target);
        if (candidates === undefined) continue;
        requests.push(['PFADD', 'c', candidates[rand(candidates.length)]], ['GET', 'c']);
      }
      requests.push(['PFCOUNT', 'c']);
    }
    await pair.expectSame(requests);
  });

  test('PFDEBUG subcommands', async () => {
    const requests: Req[] = [
      ['PFADD', 'h', 'a', 'b', 'c', 'd'], ['PFDEBUG', 'ENCODING', 'h'], ['PFDEBUG', 'decode', 'h'], ['PFDEBUG', 'NOSUCH', 'h'],
      ['PFDEBUG', 'NOSUCH', 'missing'], ['PFDEBUG', 'GETREG', 'missing'], ['PFDEBUG', 'TODENSE', 'h'], ['PFDEBUG', 'TODENSE', 'h'],
      ['PFDEBUG', 'ENCODING', 'h'], ['PFDEBUG', 'DECODE', 'h'], ['GET', 'h'], ['PFCOUNT', 'h'], ['PFDEBUG', 'GETREG', 'h'],
      ['PFADD', 'g', 'x'], ['PFDEBUG', 'GETREG', 'g'], ['PFDEBUG', 'ENCODING', 'g'], ['GET', 'g'], ['PFDEBUG', 'ENCODING'],
      ['PFDEBUG', 'ENCODING', 'h', 'x'], ['SET', 's', 'x'], ['PFDEBUG', 'ENCODING', 's'], ['PFDEBUG', 'NOSUCH', 's'],
    ];
    await pair.expectSame(requests);
  });

  test('hll-sparse-max-bytes decides when a sketch turns dense', async () => {
    for (const limit of ['0', '40', '300']) {
      const small = await CompatPair.start({ config: { 'hll-sparse-max-bytes': limit } });
      try {
        const requests: Req[] = [];
        for (let i = 0; i < 120; i++) {
          requests.push(['PFADD', 'k', `v${i}`]);
          if (i % 10 === 0) requests.push(['PFDEBUG', 'ENCODING', 'k'], ['GET', 'k']);
        }
        const other: string[] = ['PFADD', 'o'];
        for (let i = 0; i < 12; i++) other.push(`o${i}`);
        requests.push(other, ['PFDEBUG', 'ENCODING', 'o'], ['PFMERGE', 'm', 'o'], ['PFDEBUG', 'ENCODING', 'm'], ['GET', 'm']);
        await small.expectSame(requests);
      } finally {
        await small.stop();
      }
    }
  });

  test('arity errors', async () => {
    await pair.expectSame([['PFADD'], ['PFCOUNT'], ['PFMERGE'], ['PFDEBUG'], ['PFDEBUG', 'GETREG']]);
  });
});
