/**
 * Generators of request streams for the protocol fuzz tests (test/local/fuzz.test.ts against the
 * local engine, test/compat/fuzz.test.ts against redis-server too). Each generated case carries
 * what the real server answers: the replies, whether it then closes the connection (a protocol
 * error) and, for a request cut short, the bytes that complete it.
 */
import * as fc from 'fast-check';
import { RawClient, encode } from './support';
import { RespValue, decodeReply } from '../../src/local/resp/decode';

/** PROTO_INLINE_MAX_SIZE: inline requests and count lines longer than this are protocol errors. */
export const INLINE_MAX = 64 * 1024;

/** A stream of requests and the server's answer to it. */
export interface FrameCase {
  /** What the client sends (latin1 byte string). */
  readonly bytes: string;
  /** The replies, in order. */
  readonly replies: readonly string[];
  /** The server replies, then closes the connection (the last reply is the protocol error). */
  readonly closes: boolean;
  /** The stream ends inside a request: these bytes complete it and `restReplies` answer it. */
  readonly rest?: string;
  readonly restReplies?: readonly string[];
  /** The stream ends in a line the server never finds the end of: it waits, silent, for more. */
  readonly stuck?: boolean;
}

export function bulk(s: string): string {
  return '$' + s.length + '\r\n' + s + '\r\n';
}

export function protocolError(what: string): string {
  return `-ERR Protocol error: ${what}\r\n`;
}

const latin1 = (a: Uint8Array) => Buffer.from(a).toString('latin1');

/** Any bytes. */
export const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map(latin1);

/** Any bytes, of any length up to `maxLength` (not biased toward short ones). */
export const longBytes = (maxLength: number) => fc.uint8Array({ maxLength, size: 'max' }).map(latin1);

/**
 * Random streams made of protocol pieces and random bytes: line ends, NUL bytes, quotes, count
 * and length headers, numbers at their limits, command names. Pure random bytes rarely contain a
 * line end; this reaches the parser's decisions much more often.
 */
export const soup = fc.array(fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('\r\n', '\n', '\r', '\x00', ' ', '"', "'", '\\', '\\x4', '*', '$', '*1\r\n', '*2\r\n', '*-1\r\n',
      '$3\r\n', '$0\r\n', '$-1\r\n', '*2147483648\r\n', '$536870913\r\n', '0', '1', '-', '9999999999999999999', 'PING', 'ECHO', 'SET', 'GET', 'DEL',
      'MULTI', 'EXEC', 'SUBSCRIBE', 'HELLO', '3', 'fuzz:k'),
  },
  { weight: 1, arbitrary: bytes(8) },
), { maxLength: 40 }).map((parts) => parts.join(''));

/** Bytes without CR and NUL: the rest of a header line (a NUL before the CR makes the server wait). */
const lineBytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((a) => latin1(a.filter((b) => b !== 13 && b !== 0)));

/** Text that string2ll refuses (or that is beyond INT_MAX for a count). */
const notAnInteger = fc.oneof(
  fc.constantFrom('', 'x', '+1', '01', '-0', ' 1', '1 ', '1.0', '0x10', '-', '1e3', '99999999999999999999', '9223372036854775808'),
  lineBytes(12).filter((s) => !/^-?(0|[1-9][0-9]{0,17})$/.test(s)),
);

/** A valid request and its replies. */
const validFrame: fc.Arbitrary<FrameCase> = fc.oneof(
  fc.constantFrom<FrameCase>(
    { bytes: encode(['PING']), replies: ['+PONG\r\n'], closes: false },
    { bytes: encode(['ping']), replies: ['+PONG\r\n'], closes: false },
    { bytes: 'PING\r\n', replies: ['+PONG\r\n'], closes: false },
    { bytes: 'PING\n', replies: ['+PONG\r\n'], closes: false },
    { bytes: ' \t PING   \r\n', replies: ['+PONG\r\n'], closes: false },
    // Empty requests are skipped without a reply.
    { bytes: '*0\r\n', replies: [], closes: false },
    { bytes: '*-1\r\n', replies: [], closes: false },
    { bytes: '*-2147483649\r\n', replies: [], closes: false },
    { bytes: '\r\n', replies: [], closes: false },
    { bytes: '  \n', replies: [], closes: false },
  ),
  bytes(64).map((s) => ({ bytes: encode(['ECHO', s]), replies: [bulk(s)], closes: false })),
  // Frames inside bulks are data: `*`, `$` and CRLF in a payload change nothing.
  fc.array(bytes(8), { maxLength: 4 }).map((argv) => {
    const nested = encode(argv) + '*3\r\n$';
    return { bytes: encode(['ECHO', nested]), replies: [bulk(nested)], closes: false };
  }),
  fc.tuple(bytes(16), bytes(64)).map(([k, v]) => ({
    bytes: encode(['SET', 'fuzz:' + k, v]) + encode(['GET', 'fuzz:' + k]),
    replies: ['+OK\r\n', bulk(v)],
    closes: false,
  })),
  // Inline ECHO with every byte escaped inside double quotes.
  bytes(32).map((s) => ({ bytes: 'ECHO "' + [...s].map(inlineEscape).join('') + '"\r\n', replies: [bulk(s)], closes: false })),
);

function inlineEscape(ch: string): string {
  const code = ch.charCodeAt(0);
  if (ch === '"' || ch === '\\') return '\\' + ch;
  if (code >= 0x20 && code < 0x7f) return ch;
  return '\\x' + code.toString(16).padStart(2, '0');
}

/** The start of a multibulk request: `*count` and fewer than `count` complete bulks. */
const requestStart = fc.array(bytes(12), { maxLength: 3 }).chain((args) =>
  fc.integer({ min: args.length + 1, max: args.length + 5 }).map((count) => '*' + count + '\r\n' + args.map(bulk).join('')));

/** Malformed input: the protocol error the server answers before closing. */
const badFrame: fc.Arbitrary<FrameCase> = fc.oneof(
  notAnInteger.map((n) => ({ bytes: '*' + n + '\r\n', replies: [protocolError('invalid multibulk length')], closes: true })),
  fc.constantFrom('2147483648', '4294967296', '9223372036854775807').map((n) => ({ bytes: '*' + n + '\r\n', replies: [protocolError('invalid multibulk length')], closes: true })),
  fc.tuple(requestStart, fc.oneof(notAnInteger, fc.constantFrom('-1', '-2', '536870913', '9223372036854775807', '-9223372036854775808')))
    .map(([start, n]) => ({ bytes: start + '$' + n + '\r\n', replies: [protocolError('invalid bulk length')], closes: true })),
  // Anything but `$` where a bulk header must start: nested counts, inline text, stray CR or LF.
  fc.tuple(requestStart, fc.integer({ min: 1, max: 255 }).filter((b) => b !== 0x24), lineBytes(8)).map(([start, b, tail]) => {
    const ch = String.fromCharCode(b);
    const shown = ch === '\r' || ch === '\n' ? ' ' : ch;
    return { bytes: start + ch + tail + '\r\n', replies: [protocolError(`expected '$', got '${shown}'`)], closes: true };
  }),
  fc.integer({ min: 2, max: 200 }).map((depth) => ({ bytes: '*2\r\n'.repeat(depth), replies: [protocolError("expected '$', got '*'")], closes: true })),
  fc.constantFrom('ECHO "abc', "ECHO 'abc", 'ECHO "a"b', "ECHO 'a'b", 'SET k "v\\"', '"', 'GET "\\x4"x').map((line) => ({
    bytes: line + '\r\n', replies: [protocolError('unbalanced quotes in request')], closes: true,
  })),
);

/**
 * A NUL byte before the line end of an inline request, a count line or a bulk header: the server
 * looks for the line end in a C string, so the NUL hides it and the server waits for more (until
 * the 64 KB limit) instead of refusing the line. Bytes after it change nothing.
 */
const stuckFrame: fc.Arbitrary<FrameCase> = fc.tuple(
  fc.oneof(
    lineBytes(8).filter((s) => !s.includes('\n')).map((s) => 'ECHO ' + s),
    lineBytes(4).map((s) => '*' + s),
    requestStart.chain((start) => fc.oneof(
      lineBytes(4).map((s) => start + '$' + s),
      fc.tuple(fc.integer({ min: 1, max: 255 }).filter((b) => b !== 0x24 && b !== 13 && b !== 10), lineBytes(4))
        .map(([b, s]) => start + String.fromCharCode(b) + s),
    )),
  ),
  lineBytes(8),
).map(([head, tail]) => ({ bytes: head + '\0' + tail + '\r\n', replies: [], closes: false, stuck: true }));

/** Lines past the 64 KB limit (up to 1 MB), with no end in sight. */
const oversized: fc.Arbitrary<FrameCase> = fc.tuple(fc.integer({ min: INLINE_MAX + 1, max: 1024 * 1024 }), fc.constantFrom('inline', 'count', 'bulk'))
  .map(([size, where]) => {
    if (where === 'inline') return { bytes: 'x'.repeat(size), replies: [protocolError('too big inline request')], closes: true };
    if (where === 'count') return { bytes: '*' + '1'.repeat(size), replies: [protocolError('too big mbulk count string')], closes: true };
    return { bytes: '*1\r\n$' + '1'.repeat(size), replies: [protocolError('too big bulk count string')], closes: true };
  });

/** A valid request cut short at any byte: no reply until the rest arrives. */
const cutFrame: fc.Arbitrary<FrameCase> = fc.tuple(
  validFrame.filter((f) => f.replies.length > 0 && f.bytes.length > 1),
  fc.double({ min: 0, max: 1, noNaN: true }),
)
  .map(([f, at]) => {
    const cut = 1 + Math.floor(at * (f.bytes.length - 1));
    // Both SET and GET may be complete before the cut: only what is cut waits.
    const whole = completeRequests(f.bytes.slice(0, cut));
    return {
      bytes: f.bytes.slice(0, cut),
      replies: f.replies.slice(0, whole),
      closes: false,
      rest: f.bytes.slice(cut),
      restReplies: f.replies.slice(whole),
    };
  });

/** How many complete multibulk requests `s` starts with (for a cut SET+GET pair). */
function completeRequests(s: string): number {
  let n = 0;
  let pos = 0;
  while (pos < s.length && s[pos] === '*') {
    const countEnd = s.indexOf('\r\n', pos);
    if (countEnd < 0) return n;
    let count = Number(s.slice(pos + 1, countEnd));
    pos = countEnd + 2;
    while (count-- > 0) {
      const lenEnd = s.indexOf('\r\n', pos);
      if (lenEnd < 0) return n;
      pos = lenEnd + 2 + Number(s.slice(pos + 1, lenEnd)) + 2;
      if (pos > s.length) return n;
    }
    n++;
  }
  return n;
}

/**
 * A pipeline: valid requests, then maybe one malformed (the server answers up to it and closes;
 * whatever follows is never read), one cut short, or one whose line end a NUL hides.
 */
export function pipeline(options: { oversized?: boolean } = {}): fc.Arbitrary<FrameCase> {
  const ending = fc.oneof(
    { weight: 3, arbitrary: fc.constant<FrameCase | null>(null) },
    { weight: 3, arbitrary: badFrame },
    { weight: 2, arbitrary: cutFrame },
    { weight: 1, arbitrary: stuckFrame },
    ...(options.oversized ? [{ weight: 1, arbitrary: oversized }] : []),
  );
  return fc.tuple(fc.array(validFrame, { maxLength: 6 }), ending, bytes(16)).map(([frames, end, garbage]) => {
    const all = end === null ? frames : [...frames, end];
    const closes = end?.closes ?? false;
    const stuck = end?.stuck ?? false;
    return {
      // After a protocol error, or in a line whose end is hidden, trailing bytes change nothing.
      bytes: all.map((f) => f.bytes).join('') + (closes || stuck ? garbage : ''),
      replies: all.flatMap((f) => f.replies),
      closes,
      rest: end?.rest,
      restReplies: end?.restReplies,
      stuck,
    };
  });
}

/** Splits a byte string at random points (the chunks the client writes separately). */
export function chunked(s: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * s.length)))].filter((p) => p > 0 && p < s.length).sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const p of points) {
    out.push(s.slice(from, p));
    from = p;
  }
  out.push(s.slice(from));
  return out;
}

/** Writes chunks one event-loop turn apart, so they tend to arrive as separate reads. */
export async function writeChunks(c: RawClient, chunks: readonly string[]): Promise<void> {
  for (const chunk of chunks) {
    c.write(chunk);
    await new Promise((r) => setImmediate(r));
  }
}

/** Decodes a stream of replies; throws on bytes that are not complete RESP replies. */
export function decodeAll(stream: string): RespValue[] {
  const out: RespValue[] = [];
  let pos = 0;
  while (pos < stream.length) {
    const r = decodeReply(stream, pos);
    if (r === undefined) throw new Error(`not a complete reply at ${pos}: ${JSON.stringify(stream.slice(pos, pos + 80))}`);
    out.push(r.value);
    pos = r.end;
  }
  return out;
}

/** The protocol errors the server closes a connection with. */
export const PROTOCOL_ERRORS = /^ERR Protocol error: (invalid multibulk length|invalid bulk length|expected '\$', got '.'|too big (inline request|mbulk count string|bulk count string)|unbalanced quotes in request|unauthenticated (multibulk|bulk) length)$/s;

/** Argument values that reach the edge cases of parsers: numbers at and past their limits, floats, empty. */
export const EDGE_ARGS = [
  '', '0', '1', '2', '3', '-1', '-2', '10', '100', '-100', '1000', '9223372036854775807', '-9223372036854775808',
  '9223372036854775808', '18446744073709551616', '4294967296', 'inf', '-inf', '+inf', 'nan', '1.5', '-0', '1e400', '0x10',
  '(1', '[a', '-', '+', '*', '$', '#', 'fuzz:str', 'fuzz:list', 'fuzz:hash', 'fuzz:set', 'fuzz:zset', 'fuzz:none',
];
