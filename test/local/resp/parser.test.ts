import { INLINE_MAX_SIZE, ProtocolError, QueryBufferLimitError, RequestParser, splitArgs } from '../../../src/local/resp/parser';

function parseAll(parser: RequestParser): string[][] {
  const out: string[][] = [];
  for (let r = parser.next(); r !== undefined; r = parser.next()) out.push(r);
  return out;
}

const FRAMES = Buffer.from(
  '*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n' +
  '*1\r\n$4\r\nPING\r\n' +
  '*2\r\n$3\r\nGET\r\n$0\r\n\r\n' +
  'SET "a b" \'c d\' e\r\n' +
  '\r\n' +
  '*0\r\n' +
  '*2\r\n$4\r\nECHO\r\n$4\r\n\r\n\x00\xff\r\n',
  'latin1',
);
const EXPECTED = [
  ['SET', 'key', 'value'],
  ['PING'],
  ['GET', ''],
  ['SET', 'a b', 'c d', 'e'],
  [],
  [],
  ['ECHO', '\r\n\x00\xff'],
];

describe('RequestParser', () => {
  test('parses pipelined multibulk and inline requests', () => {
    const parser = new RequestParser();
    parser.feed(FRAMES);
    expect(parseAll(parser)).toEqual(EXPECTED);
    expect(parser.buffered).toBe(0);
    expect(parser.midRequest).toBe(false);
  });

  test('gives the same requests for the input split at every byte offset', () => {
    for (let split = 1; split < FRAMES.length; split++) {
      const parser = new RequestParser();
      const got: string[][] = [];
      parser.feed(FRAMES.subarray(0, split));
      got.push(...parseAll(parser));
      parser.feed(FRAMES.subarray(split));
      got.push(...parseAll(parser));
      expect({ split, got }).toEqual({ split, got: EXPECTED });
    }
  });

  test('gives the same requests when fed one byte at a time', () => {
    const parser = new RequestParser();
    const got: string[][] = [];
    for (let i = 0; i < FRAMES.length; i++) {
      parser.feed(FRAMES.subarray(i, i + 1));
      got.push(...parseAll(parser));
    }
    expect(got).toEqual(EXPECTED);
  });

  test('joins a large bulk arriving in many chunks once, without copying per chunk', () => {
    const value = 'v'.repeat(1_000_000);
    const frame = Buffer.from(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${value.length}\r\n${value}\r\n*1\r\n$4\r\nPING\r\n`, 'latin1');
    const parser = new RequestParser();
    const concat = jest.spyOn(Buffer, 'concat');
    const got: string[][] = [];
    for (let i = 0; i < frame.length; i += 1000) {
      parser.feed(frame.subarray(i, i + 1000));
      got.push(...parseAll(parser));
    }
    expect(got).toEqual([['SET', 'k', value], ['PING']]);
    // A handful of joins (the header remainder and the final join), not one per chunk.
    expect(concat.mock.calls.length).toBeLessThan(5);
    concat.mockRestore();
  });

  test('keeps binary bytes exactly (latin1 byte strings)', () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const parser = new RequestParser();
    parser.feed(Buffer.concat([Buffer.from('*2\r\n$4\r\nECHO\r\n$256\r\n'), bytes, Buffer.from('\r\n')]));
    const [req] = parseAll(parser);
    expect(Buffer.from(req[1], 'latin1').equals(bytes)).toBe(true);
  });

  test.each([
    ['*abc\r\n', 'Protocol error: invalid multibulk length'],
    ['*-5x\r\n', 'Protocol error: invalid multibulk length'],
    ['*3000000000\r\n', 'Protocol error: invalid multibulk length'],
    ['*1\r\n+PING\r\n', "Protocol error: expected '$', got '+'"],
    ['*1\r\n$-1\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$abc\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$600000000\r\n', 'Protocol error: invalid bulk length'],
    ['SET "a\r\n', 'Protocol error: unbalanced quotes in request'],
    ['SET "a"b\r\n', 'Protocol error: unbalanced quotes in request'],
  ])('rejects %j with "%s"', (input, message) => {
    const parser = new RequestParser();
    parser.feed(Buffer.from(input, 'latin1'));
    expect(() => parseAll(parser)).toThrow(new ProtocolError(message));
  });

  test('applies the stricter limits before authentication', () => {
    const parser = new RequestParser({ authRequired: true });
    parser.feed(Buffer.from('*11\r\n'));
    expect(() => parser.next()).toThrow('Protocol error: unauthenticated multibulk length');
    const bulk = new RequestParser({ authRequired: true });
    bulk.feed(Buffer.from('*2\r\n$4\r\nAUTH\r\n$16385\r\n'));
    expect(() => bulk.next()).toThrow('Protocol error: unauthenticated bulk length');
    const ok = new RequestParser({ authRequired: true });
    ok.feed(Buffer.from('*2\r\n$4\r\nAUTH\r\n$16384\r\n'));
    expect(ok.next()).toBeUndefined();
  });

  test('rejects overlong inline requests and count lines', () => {
    const inline = new RequestParser();
    inline.feed(Buffer.alloc(INLINE_MAX_SIZE + 1, 'a'));
    expect(() => inline.next()).toThrow('Protocol error: too big inline request');
    const count = new RequestParser();
    count.feed(Buffer.from('*' + '1'.repeat(INLINE_MAX_SIZE + 1)));
    expect(() => count.next()).toThrow('Protocol error: too big mbulk count string');
    const bulk = new RequestParser();
    bulk.feed(Buffer.from('*1\r\n$' + '1'.repeat(INLINE_MAX_SIZE + 1)));
    expect(() => bulk.next()).toThrow('Protocol error: too big bulk count string');
  });

  test('honours proto-max-bulk-len and the query buffer limit', () => {
    const parser = new RequestParser({ maxBulkLen: 10 });
    parser.feed(Buffer.from('*1\r\n$11\r\n'));
    expect(() => parser.next()).toThrow('Protocol error: invalid bulk length');
    const limited = new RequestParser({ maxQueryBuffer: 100 });
    expect(() => limited.feed(Buffer.alloc(101, 'x'))).toThrow(QueryBufferLimitError);
  });

  test('a NUL before a line end hides it: the request waits, as in the server, until it is too long', () => {
    for (const head of ['*1\x00\r\n', '*1\r\n$3\x00\r\n', '*1\r\nx\x00\r\n', 'PING\x00\r\n', '*1\r\n$x\x00\r\n']) {
      const parser = new RequestParser();
      parser.feed(Buffer.from(head + '*1\r\n$4\r\nPING\r\n', 'latin1'));
      expect(parser.next()).toBeUndefined();
      expect(parser.midRequest).toBe(true);
    }
    const count = new RequestParser();
    count.feed(Buffer.from('*\x00\r\n' + 'x'.repeat(INLINE_MAX_SIZE), 'latin1'));
    expect(() => count.next()).toThrow('Protocol error: too big mbulk count string');
    const bulk = new RequestParser();
    bulk.feed(Buffer.from('*1\r\n$\x00\r\n' + 'x'.repeat(INLINE_MAX_SIZE), 'latin1'));
    expect(() => bulk.next()).toThrow('Protocol error: too big bulk count string');
    const inline = new RequestParser();
    inline.feed(Buffer.from('PING\x00\r\n' + 'x'.repeat(INLINE_MAX_SIZE), 'latin1'));
    expect(() => inline.next()).toThrow('Protocol error: too big inline request');
  });

  test('a NUL after the line end changes nothing', () => {
    const parser = new RequestParser();
    parser.feed(Buffer.from('*2\r\n$4\r\nECHO\r\n$1\r\n\x00\r\nPING\r\n', 'latin1'));
    expect(parseAll(parser)).toEqual([['ECHO', '\x00'], ['PING']]);
  });

  test('*-1 and *0 are empty requests', () => {
    const parser = new RequestParser();
    parser.feed(Buffer.from('*-1\r\n*0\r\n'));
    expect(parseAll(parser)).toEqual([[], []]);
  });
});

describe('splitArgs', () => {
  test.each([
    ['set a b', ['set', 'a', 'b']],
    ['  set   a\tb  ', ['set', 'a', 'b']],
    ['"a\\x41\\n" b', ['aA\n', 'b']],
    ['"a\\"b"', ['a"b']],
    ["'it\\'s'", ["it's"]],
    ["'a\\nb'", ['a\\nb']],
    ['x"a b"y', undefined],
    ['"unterminated', undefined],
    ['a"b c"', ['ab c']],
    ['""', ['']],
    ['', []],
    // \v and \f are skipped between words but do not end one (the server's word end is
    // space, tab, CR, LF).
    ['\v a\vb \f', ['a\vb']],
    ['a\fb', ['a\fb']],
  ])('%j -> %j', (line, expected) => {
    expect(splitArgs(line)).toEqual(expected);
  });
});
