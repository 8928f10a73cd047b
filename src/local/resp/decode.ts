/**
 * Decoder for replies in the Redis protocol (RESP2 and RESP3), from a byte string (latin1).
 * Used where the engine reads replies back: scripts (`redis.call`), the replication link, tests.
 */

export type RespValue =
  | { type: 'simple'; value: string }
  | { type: 'error'; value: string }
  | { type: 'int'; value: number | bigint }
  | { type: 'bulk'; value: string }
  | { type: 'verbatim'; format: string; value: string }
  | { type: 'null' }
  | { type: 'double'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'bignum'; value: bigint }
  | { type: 'array'; value: RespValue[] }
  | { type: 'set'; value: RespValue[] }
  | { type: 'push'; value: RespValue[] }
  | { type: 'map'; value: Array<[RespValue, RespValue]> }
  | { type: 'attribute'; value: Array<[RespValue, RespValue]> };

/** Thrown for bytes that are not a valid reply. */
export class RespDecodeError extends Error {}

/**
 * Decodes one reply starting at `offset`. Returns the value and the offset after it, or undefined
 * when the input ends before the reply does.
 */
export function decodeReply(input: string, offset = 0): { value: RespValue; end: number } | undefined {
  const lineEnd = input.indexOf('\r\n', offset);
  if (lineEnd < 0) return undefined;
  const prefix = input[offset];
  const line = input.slice(offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (prefix) {
    case '+': return { value: { type: 'simple', value: line }, end: next };
    case '-': return { value: { type: 'error', value: line }, end: next };
    case ':': {
      const n = BigInt(line);
      const value = n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
      return { value: { type: 'int', value }, end: next };
    }
    case '_': return { value: { type: 'null' }, end: next };
    case '#': return { value: { type: 'bool', value: line === 't' }, end: next };
    case ',': return { value: { type: 'double', value: parseRespDouble(line) }, end: next };
    case '(': return { value: { type: 'bignum', value: BigInt(line) }, end: next };
    case '$':
    case '=':
    case '!': {
      const len = Number(line);
      if (len < 0) return { value: { type: 'null' }, end: next };
      if (input.length < next + len + 2) return undefined;
      const body = input.slice(next, next + len);
      const end = next + len + 2;
      if (prefix === '!') return { value: { type: 'error', value: body }, end };
      if (prefix === '=') return { value: { type: 'verbatim', format: body.slice(0, 3), value: body.slice(4) }, end };
      return { value: { type: 'bulk', value: body }, end };
    }
    case '*':
    case '~':
    case '>': {
      const count = Number(line);
      if (count < 0) return { value: { type: 'null' }, end: next };
      const items: RespValue[] = [];
      let pos = next;
      for (let i = 0; i < count; i++) {
        const item = decodeReply(input, pos);
        if (item === undefined) return undefined;
        items.push(item.value);
        pos = item.end;
      }
      const type = prefix === '*' ? 'array' : prefix === '~' ? 'set' : 'push';
      return { value: { type, value: items }, end: pos };
    }
    case '%':
    case '|': {
      const count = Number(line);
      const pairs: Array<[RespValue, RespValue]> = [];
      let pos = next;
      for (let i = 0; i < count; i++) {
        const k = decodeReply(input, pos);
        if (k === undefined) return undefined;
        const v = decodeReply(input, k.end);
        if (v === undefined) return undefined;
        pairs.push([k.value, v.value]);
        pos = v.end;
      }
      if (prefix === '|') {
        // An attribute precedes the actual reply.
        const actual = decodeReply(input, pos);
        return actual;
      }
      return { value: { type: 'map', value: pairs }, end: pos };
    }
    default:
      throw new RespDecodeError(`Invalid reply type byte '${prefix}' at offset ${offset}`);
  }
}

function parseRespDouble(text: string): number {
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  if (text === 'nan') return NaN;
  return Number(text);
}

/** Decodes every complete reply in `input`. */
export function decodeAll(input: string): RespValue[] {
  const out: RespValue[] = [];
  let pos = 0;
  while (pos < input.length) {
    const r = decodeReply(input, pos);
    if (r === undefined) throw new RespDecodeError('Incomplete reply');
    out.push(r.value);
    pos = r.end;
  }
  return out;
}

/** A plain JS form of a reply, convenient for test assertions. */
export function toPlain(v: RespValue): unknown {
  switch (v.type) {
    case 'null': return null;
    case 'error': return new Error(v.value);
    case 'array': case 'set': case 'push': return v.value.map(toPlain);
    case 'map': return v.value.map(([k, val]) => [toPlain(k), toPlain(val)]);
    case 'attribute': return v.value.map(([k, val]) => [toPlain(k), toPlain(val)]);
    default: return v.value;
  }
}
