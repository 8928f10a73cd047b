import { decodeKeyBase64 } from './base64';
import type { Connection } from './connection';
import { parseCas, parseI32, parseU32, parseU64 } from './numbers';
import { AllocResult, DeltaResult, Item, KEY_MAX_LENGTH, StoreMode, StoreResult } from './store';
import { INT_MAX, Tokens, exptimeArg, reply, replyError, tokenString } from './text';
import { UploadKind } from './types';

/** Meta commands take at most this many tokens (MFLAG_MAX_OPT_LENGTH). */
const MAX_OPT_TOKENS = 20;
const MAX_OPAQUE_LENGTH = 32;
const BAD_FORMAT = 'CLIENT_ERROR bad command line format\r\n';

/** Flags of one meta command after memcached's _meta_flag_preparse. */
class MetaFlags {
  errstr = BAD_FORMAT;
  hasError = false;
  noUpdate = false;
  locked = false;
  vivify = false;
  value = false;
  setStale = false;
  noReply = false;
  hasCas = false;
  newTtl = false;
  keyBinary = false;
  /** Character code of the M token's mode, 0 when absent. */
  mode = 0;
  exptime = 0;
  autovivExptime = 0;
  recacheTime = 0;
  clientFlags = 0;
  reqCas = 0;
  delta = 1n;
  initial = 0n;
  /** The key: the token's bytes, or their base64 decoding with the `b` flag. */
  key = '';
}

const seen = new Uint8Array(128);

/**
 * _meta_flag_preparse: validates the flag tokens from `first` on (a repeated or unknown flag
 * fails at once; a bad value records an error and goes on) and decodes a base64 key.
 */
function preparse(c: Connection, buf: Buffer, t: Tokens, first: number): MetaFlags | string {
  const of = new MetaFlags();
  const store = c.server.store;
  seen.fill(0);
  let keyStart = t.start[1];
  let keyEnd = t.end[1];
  let decoded: Buffer | undefined;
  for (let i = first; i < t.count; i++) {
    const s = t.start[i];
    const e = t.end[i];
    const o = buf[s];
    if (o >= 127 || seen[o] !== 0) return 'CLIENT_ERROR duplicate flag\r\n';
    seen[o] = 1;
    switch (o) {
      case 0x62: // b
        decoded = decodeKeyBase64(buf, keyStart, keyEnd);
        if (decoded === undefined) {
          of.errstr = 'CLIENT_ERROR error decoding key\r\n';
          of.hasError = true;
          keyEnd = keyStart;
        }
        of.keyBinary = true;
        break;
      case 0x4e: // N
      case 0x54: // T
      case 0x52: { // R
        of.locked = true;
        const v = parseI32(buf, s + 1, e);
        if (v === undefined) {
          of.errstr = 'CLIENT_ERROR bad token in command line format\r\n';
          of.hasError = true;
        } else {
          const rel = store.realtime(exptimeArg(v));
          if (o === 0x4e) {
            of.autovivExptime = rel;
          } else if (o === 0x54) {
            of.exptime = rel;
            of.newTtl = true;
          } else {
            of.recacheTime = rel;
          }
        }
        if (o === 0x4e) of.vivify = true; // even when its value is bad
        break;
      }
      case 0x6c: // l
      case 0x68: // h
        of.locked = true;
        break;
      case 0x4f: case 0x50: case 0x4c: // O P L
      case 0x6b: case 0x73: case 0x74: case 0x63: case 0x66: // k s t c f
        break;
      case 0x76: // v
        of.value = true;
        break;
      case 0x75: // u
        of.noUpdate = true;
        break;
      case 0x71: // q
        of.noReply = true;
        break;
      case 0x46: { // F
        const v = parseU32(buf, s + 1, e);
        if (v === undefined) of.hasError = true;
        else of.clientFlags = v;
        break;
      }
      case 0x43: { // C
        const v = parseCas(buf, s + 1, e);
        if (v === undefined) {
          of.errstr = 'CLIENT_ERROR bad token in command line format\r\n';
          of.hasError = true;
        } else {
          of.reqCas = v;
          of.hasCas = true;
        }
        break;
      }
      case 0x4d: // M
        if (e - s !== 2) {
          of.errstr = 'CLIENT_ERROR incorrect length for M token\r\n';
          of.hasError = true;
        } else {
          of.mode = buf[s + 1];
        }
        break;
      case 0x4a: { // J
        const v = parseU64(buf, s + 1, e);
        if (v === undefined) {
          of.errstr = 'CLIENT_ERROR invalid numeric initial value\r\n';
          of.hasError = true;
        } else {
          of.initial = v;
        }
        break;
      }
      case 0x44: { // D
        const v = parseU64(buf, s + 1, e);
        if (v === undefined) {
          of.errstr = 'CLIENT_ERROR invalid numeric delta value\r\n';
          of.hasError = true;
        } else {
          of.delta = v;
        }
        break;
      }
      case 0x49: // I
        of.setStale = true;
        break;
      default:
        return 'CLIENT_ERROR invalid flag\r\n';
    }
  }
  of.key = decoded !== undefined ? decoded.toString('latin1') : buf.toString('latin1', keyStart, keyEnd);
  return of;
}

/** " k<key>", or " k<base64> b" for keys that came base64-encoded (META_KEY). */
function metaKey(key: string, binary: boolean): string {
  return binary ? ` k${Buffer.from(key, 'latin1').toString('base64')} b` : ` k${key}`;
}

function opaqueOk(t: Tokens, i: number): boolean {
  return t.length(i) <= MAX_OPAQUE_LENGTH;
}

/** mg, ms, md, ma, mn, me: `second` is the command's second character. */
export function processMetaCommand(c: Connection, buf: Buffer, t: Tokens, second: number): void {
  switch (second) {
    case 0x67: return metaGet(c, buf, t);
    case 0x73: return metaSet(c, buf, t);
    case 0x64: return metaDelete(c, buf, t);
    case 0x6e: // mn: a no-op that flushes the pipeline
      reply(c, 'MN\r\n');
      c.commit();
      return;
    case 0x61: return metaArithmetic(c, buf, t);
    case 0x65: return metaDebug(c, buf, t);
    default: return reply(c, 'ERROR\r\n');
  }
}

function metaGet(c: Connection, buf: Buffer, t: Tokens): void {
  const ntokens = t.ntokens;
  if (ntokens < 3) return reply(c, 'ERROR\r\n');
  if (t.length(1) > KEY_MAX_LENGTH) return replyError(c, BAD_FORMAT);
  if (ntokens > MAX_OPT_TOKENS) return replyError(c, 'CLIENT_ERROR options flags are too long\r\n');
  const of = preparse(c, buf, t, 2);
  if (typeof of === 'string') return replyError(c, of);
  if (of.hasError) return replyError(c, of.errstr);
  c.noreply = of.noReply;
  const store = c.server.store;
  const st = store.stats;
  const key = of.key;
  // Flags that read the item's state (h, l) see it before this fetch bumps it.
  let item = store.get(key, !of.locked && !of.noUpdate);
  let created = false;
  if (item === undefined && of.vivify) {
    item = store.makeItem(key, Buffer.alloc(0), 0, 0);
    if (item !== undefined) {
      store.link(item);
      created = true;
    }
  }
  const out = c.out;
  if (item === undefined) {
    st.getMisses++;
    st.getCmds++;
    let line = 'EN';
    for (let i = 2; i < t.count; i++) {
      const ch = buf[t.start[i]];
      if (ch === 0x4f) {
        if (!opaqueOk(t, i)) return replyError(c, 'CLIENT_ERROR opaque token too long\r\n');
        line += ' ' + tokenString(buf, t, i);
      } else if (ch === 0x6b) {
        line += metaKey(key, of.keyBinary);
      }
    }
    if (!c.noreply) out.text(line + '\r\n');
    return;
  }
  const now = store.now();
  let line = of.value ? `VA ${item.value.length}` : 'HD';
  let ttlSet = false;
  let won = false;
  for (let i = 2; i < t.count; i++) {
    switch (buf[t.start[i]]) {
      case 0x54: // T
        ttlSet = true;
        item.exptime = of.exptime;
        break;
      case 0x4e: // N
        if (created) {
          item.exptime = of.autovivExptime;
          won = true;
        }
        break;
      case 0x52: // R
        if (!item.tokenSent && !created && item.exptime !== 0 && item.exptime < of.recacheTime) won = true;
        break;
      case 0x73: // s
        line += ` s${item.value.length}`;
        break;
      case 0x74: // t
        line += item.exptime === 0 ? ' t-1' : ` t${(item.exptime - now) >>> 0}`;
        break;
      case 0x63: // c
        line += ` c${item.cas}`;
        break;
      case 0x66: // f
        line += ` f${item.flags}`;
        break;
      case 0x6c: // l
        line += ` l${(now - item.time) >>> 0}`;
        break;
      case 0x68: // h
        line += item.fetched ? ' h1' : ' h0';
        break;
      case 0x4f: // O
        if (!opaqueOk(t, i)) return replyError(c, 'CLIENT_ERROR opaque token too long\r\n');
        line += ' ' + tokenString(buf, t, i);
        break;
      case 0x6b: // k
        line += metaKey(item.key, item.binaryKey);
        break;
      default:
        break;
    }
  }
  if (item.tokenSent) line += ' Z';
  if (item.stale) {
    line += ' X';
    if (!item.tokenSent) won = true;
  }
  if (won) {
    line += ' W';
    item.tokenSent = true;
  }
  out.text(line + '\r\n');
  if (of.value) {
    out.bytes(item.value);
    out.text('\r\n');
  }
  item.pin = c.pin;
  if (of.locked && !of.noUpdate) store.bump(item);
  if (ttlSet) {
    st.touchCmds++;
    store.classStats[item.cls].touchHits++;
  } else {
    store.classStats[item.cls].getHits++;
    st.getCmds++;
  }
}

/** Mode letters of `ms ... M<mode>`. */
function setMode(mode: number): StoreMode | undefined {
  switch (mode) {
    case 0:
    case 0x53: return StoreMode.SET; // S
    case 0x45: return StoreMode.ADD; // E
    case 0x41: return StoreMode.APPEND; // A
    case 0x50: return StoreMode.PREPEND; // P
    case 0x52: return StoreMode.REPLACE; // R
    default: return undefined;
  }
}

function metaSet(c: Connection, buf: Buffer, t: Tokens): void {
  const ntokens = t.ntokens;
  if (ntokens < 3) return reply(c, 'ERROR\r\n');
  if (t.length(1) > KEY_MAX_LENGTH) return replyError(c, BAD_FORMAT);
  if (ntokens === 3) return replyError(c, BAD_FORMAT);
  if (ntokens > MAX_OPT_TOKENS) return replyError(c, 'CLIENT_ERROR options flags too long\r\n');
  const datalen = parseI32(buf, t.start[2], t.end[2]);
  if (datalen === undefined || datalen < 0 || datalen > INT_MAX - 2) return replyError(c, BAD_FORMAT);
  const vlen = datalen + 2;
  const fail = (errstr: string): void => {
    c.swallow(vlen);
    replyError(c, errstr);
  };
  const of = preparse(c, buf, t, 3);
  if (typeof of === 'string') return fail(of);
  if (of.hasError) return fail(of.errstr);
  c.noreply = of.noReply;
  let errstr = '';
  const returns: string[] = [];
  for (let i = 2; i < t.count; i++) {
    const ch = buf[t.start[i]];
    if (ch === 0x4f) {
      if (!opaqueOk(t, i)) errstr = 'CLIENT_ERROR opaque token too long\r\n';
      else returns.push(tokenString(buf, t, i));
    } else if (ch === 0x6b || ch === 0x63) {
      returns.push(ch === 0x6b ? 'k' : 'c');
    }
  }
  let mode = setMode(of.mode);
  if (mode === undefined) return fail('CLIENT_ERROR invalid mode for ms M token\r\n');
  if (of.hasCas && (mode === StoreMode.SET || mode === StoreMode.REPLACE)) mode = StoreMode.CAS;
  if (errstr !== '') return fail(errstr);
  const store = c.server.store;
  const key = of.key;
  const cls = store.alloc(key.length, of.clientFlags, datalen);
  if (cls < 0) {
    if (cls === AllocResult.TOO_LARGE) {
      errstr = 'SERVER_ERROR object too large for cache\r\n';
      store.stats.storeTooLarge++;
    } else {
      errstr = 'SERVER_ERROR out of memory storing object\r\n';
      store.stats.storeNoMemory++;
    }
    const old = store.get(key, false);
    if (old !== undefined) store.remove(old);
    return fail(errstr);
  }
  const item = new Item(key, Buffer.allocUnsafeSlow(datalen), of.clientFlags, of.exptime);
  item.cls = cls;
  item.chunks = store.chunksReserved;
  item.cas = of.reqCas;
  item.binaryKey = of.keyBinary;
  c.uploadMode = mode;
  c.uploadStale = of.setStale && mode === StoreMode.CAS;
  c.uploadMeta = returns;
  c.startUpload(item, item.value, UploadKind.META, 2);
}

const SET_CODES = ['HD', 'NS', 'EX', 'NF'];

/** The data of an `ms` has arrived (complete_nread_ascii + _finalize_mset). */
export function completeMetaSet(c: Connection, item: Item): void {
  const store = c.server.store;
  if (!c.trailerOk) {
    store.discard(item);
    return replyError(c, 'CLIENT_ERROR bad data chunk\r\n');
  }
  const result = store.store(item, c.uploadMode as StoreMode, c.uploadStale);
  const cas = result === StoreResult.STORED ? store.storedItem!.cas : 0;
  if (!item.linked) store.discard(item);
  if (result === StoreResult.STORED && c.noreply) return;
  let line = SET_CODES[result];
  for (const r of c.uploadMeta) {
    if (r === 'k') line += metaKey(item.key, item.binaryKey);
    else if (r === 'c') line += ` c${cas}`;
    else line += ' ' + r;
  }
  c.out.text(line + '\r\n');
}

function metaDelete(c: Connection, buf: Buffer, t: Tokens): void {
  const ntokens = t.ntokens;
  if (ntokens < 3) return reply(c, 'ERROR\r\n');
  if (t.length(1) > KEY_MAX_LENGTH) return reply(c, BAD_FORMAT);
  if (ntokens > MAX_OPT_TOKENS) return reply(c, 'CLIENT_ERROR options flags too long\r\n');
  const of = preparse(c, buf, t, 2);
  if (typeof of === 'string' || of.hasError) return replyError(c, 'CLIENT_ERROR invalid or duplicate flag\r\n');
  c.noreply = of.noReply;
  const key = of.key;
  let flags = '';
  for (let i = 2; i < t.count; i++) {
    const ch = buf[t.start[i]];
    if (ch === 0x4f) {
      if (!opaqueOk(t, i)) return replyError(c, 'CLIENT_ERROR opaque token too long\r\n');
      flags += ' ' + tokenString(buf, t, i);
    } else if (ch === 0x6b) {
      flags += metaKey(key, of.keyBinary);
    }
  }
  const store = c.server.store;
  const item = store.get(key, false);
  let code: string;
  if (item === undefined) {
    store.stats.deleteMisses++;
    code = 'NF';
  } else if (of.hasCas && item.cas !== of.reqCas) {
    store.stats.deleteMisses++;
    code = 'EX';
  } else {
    if (of.setStale) {
      // Invalidate: keep the item, marked stale with a new CAS, so one client can recache it.
      if (of.newTtl) item.exptime = of.exptime;
      item.stale = true;
      item.tokenSent = false;
      item.cas = store.nextCas();
    } else {
      store.classStats[item.cls].deleteHits++;
      store.remove(item);
    }
    if (c.noreply) return;
    code = 'HD';
  }
  c.out.text(code + flags + '\r\n');
}

function metaArithmetic(c: Connection, buf: Buffer, t: Tokens): void {
  const ntokens = t.ntokens;
  if (ntokens < 3) return reply(c, 'ERROR\r\n');
  if (t.length(1) > KEY_MAX_LENGTH) return reply(c, BAD_FORMAT);
  if (ntokens > MAX_OPT_TOKENS) return reply(c, 'CLIENT_ERROR options flags too long\r\n');
  const of = preparse(c, buf, t, 2);
  if (typeof of === 'string' || of.hasError) return replyError(c, 'CLIENT_ERROR invalid or duplicate flag\r\n');
  c.noreply = of.noReply;
  let incr = true;
  switch (of.mode) {
    case 0: case 0x49: case 0x2b: break; // I +
    case 0x44: case 0x2d: incr = false; break; // D -
    default: return replyError(c, 'CLIENT_ERROR invalid mode for ma M token\r\n');
  }
  const store = c.server.store;
  const key = of.key;
  let item: Item | undefined;
  let text = '';
  let code = '';
  let created = false;
  let skip = false;
  switch (store.addDelta(key, incr, of.delta, of.reqCas, c.pin)) {
    case DeltaResult.OK:
      skip = c.noreply;
      item = store.deltaItem;
      text = store.deltaText;
      break;
    case DeltaResult.NON_NUMERIC:
      return replyError(c, 'CLIENT_ERROR cannot increment or decrement non-numeric value\r\n');
    case DeltaResult.NO_MEMORY:
      return replyError(c, 'SERVER_ERROR out of memory\r\n');
    case DeltaResult.NOT_FOUND:
      if (of.vivify) {
        text = of.initial.toString();
        item = store.makeItem(key, Buffer.from(text, 'latin1'), 0, 0);
        if (item === undefined) return replyError(c, 'SERVER_ERROR Out of memory allocating new item\r\n');
        store.store(item, StoreMode.ADD);
        created = true;
      } else {
        if (incr) store.stats.incrMisses++;
        else store.stats.decrMisses++;
        code = 'NF';
      }
      break;
    default: // CAS mismatch
      code = 'EX';
  }
  let line: string;
  if (item !== undefined) {
    line = of.value ? `VA ${text.length}` : 'HD';
    const now = store.now();
    for (let i = 2; i < t.count; i++) {
      switch (buf[t.start[i]]) {
        case 0x63: // c
          line += ` c${item.cas}`;
          break;
        case 0x74: // t
          line += item.exptime === 0 ? ' t-1' : ` t${(item.exptime - now) >>> 0}`;
          break;
        case 0x54: // T
          item.exptime = of.exptime;
          break;
        case 0x4e: // N
          if (created) item.exptime = of.autovivExptime;
          break;
        case 0x4f: // O
          if (!opaqueOk(t, i)) return replyError(c, 'CLIENT_ERROR opaque token too long\r\n');
          line += ' ' + tokenString(buf, t, i);
          break;
        case 0x6b: // k
          line += metaKey(key, of.keyBinary);
          break;
        default:
          break;
      }
    }
    if (of.value) line += '\r\n' + text;
  } else {
    line = code;
    for (let i = 2; i < t.count; i++) {
      const ch = buf[t.start[i]];
      if (ch === 0x4f) {
        if (!opaqueOk(t, i)) return replyError(c, 'CLIENT_ERROR opaque token too long\r\n');
        line += ' ' + tokenString(buf, t, i);
      } else if (ch === 0x6b) {
        line += metaKey(key, of.keyBinary);
      }
    }
  }
  if (!skip) c.out.text(line + '\r\n');
}

/** me: debug information about an item. */
function metaDebug(c: Connection, buf: Buffer, t: Tokens): void {
  const ntokens = t.ntokens;
  if (ntokens < 3 || t.length(1) > KEY_MAX_LENGTH) return reply(c, BAD_FORMAT);
  let key = tokenString(buf, t, 1);
  if (ntokens >= 4 && t.length(2) === 1 && buf[t.start[2]] === 0x62) {
    const decoded = decodeKeyBase64(buf, t.start[1], t.end[1]);
    if (decoded === undefined) return reply(c, BAD_FORMAT);
    key = decoded.toString('latin1');
  }
  const store = c.server.store;
  const item = store.get(key, false);
  if (item !== undefined) {
    const now = store.now();
    const shown = item.binaryKey ? Buffer.from(item.key, 'latin1').toString('base64') : item.key;
    const exp = item.exptime === 0 ? -1 : (now - item.exptime) | 0;
    reply(c, `ME ${shown} exp=${exp} la=${(now - item.time) >>> 0} cas=${item.cas} ` +
      `fetch=${item.fetched ? 'yes' : 'no'} cls=${item.cls} size=${item.size}\r\n`);
  } else {
    reply(c, 'EN\r\n');
  }
  store.stats.metaCmds++;
}
