import { ReplyWriter, formatDouble, formatG } from '../../../src/local/resp/reply';

function write(resp: 2 | 3, fn: (w: ReplyWriter) => void): string {
  const w = new ReplyWriter();
  w.resp = resp;
  fn(w);
  return w.take();
}

describe('ReplyWriter', () => {
  test.each([
    ['null bulk', (w: ReplyWriter) => w.nullBulk(), '$-1\r\n', '_\r\n'],
    ['null array', (w: ReplyWriter) => w.nullArray(), '*-1\r\n', '_\r\n'],
    ['map', (w: ReplyWriter) => { w.map(1); w.bulk('a'); w.int(1); }, '*2\r\n$1\r\na\r\n:1\r\n', '%1\r\n$1\r\na\r\n:1\r\n'],
    ['set', (w: ReplyWriter) => { w.set(1); w.bulk('m'); }, '*1\r\n$1\r\nm\r\n', '~1\r\n$1\r\nm\r\n'],
    ['push', (w: ReplyWriter) => w.push(3), '*3\r\n', '>3\r\n'],
    ['double', (w: ReplyWriter) => w.double(1.5), '$3\r\n1.5\r\n', ',1.5\r\n'],
    ['bool', (w: ReplyWriter) => w.bool(true), ':1\r\n', '#t\r\n'],
    ['verbatim', (w: ReplyWriter) => w.verbatim('ab'), '$2\r\nab\r\n', '=6\r\ntxt:ab\r\n'],
    ['big number', (w: ReplyWriter) => w.bigNumber(12345678901234567890n), '$20\r\n12345678901234567890\r\n', '(12345678901234567890\r\n'],
  ])('%s in RESP2 and RESP3', (_name, fn, resp2, resp3) => {
    expect(write(2, fn)).toBe(resp2);
    expect(write(3, fn)).toBe(resp3);
  });

  test('bulk lengths count bytes of binary strings', () => {
    expect(write(2, (w) => w.bulk('\xff\x00\r\n'))).toBe('$4\r\n\xff\x00\r\n\r\n');
  });

  test('error replies are one line and are counted', () => {
    const seen: string[] = [];
    const w = new ReplyWriter();
    w.onError = (m) => seen.push(m);
    w.error('ERR bad\r\nthing');
    expect(w.take()).toBe('-ERR bad  thing\r\n');
    expect(seen).toEqual(['ERR bad\r\nthing']);
  });
});

describe('double formatting', () => {
  test.each([
    [0.1, '0.10000000000000001', '0.1'],
    [1.5, '1.5', '1.5'],
    [100, '100', '100'],
    [1e17, '1e+17', '1e+17'],
    [1e16, '10000000000000000', '10000000000000000'],
    [123456789012345680000, '1.2345678901234568e+20', '1.2345678901234568e+20'],
    [0.0001, '0.0001', '0.0001'],
    [0.00001, '1.0000000000000001e-05', '1e-05'],
    [-2.5, '-2.5', '-2.5'],
    [Infinity, 'inf', 'inf'],
    [-Infinity, '-inf', '-inf'],
    [NaN, 'nan', 'nan'],
    [0, '0', '0'],
    [-0, '-0', '-0'],
  ])('%p prints as %s (%%.17g) and %s (shortest)', (d, g17, shortest) => {
    expect(formatDouble(d, 'g17')).toBe(g17);
    expect(formatDouble(d, 'shortest')).toBe(shortest);
  });

  test('formatG matches C for other precisions', () => {
    expect(formatG(3.14159, 3)).toBe('3.14');
    expect(formatG(1234567, 3)).toBe('1.23e+06');
  });
});
