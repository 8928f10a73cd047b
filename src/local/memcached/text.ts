import type { Connection } from './connection';
import { LEGACY_CONFIG_KEY, formatClusterConfig } from './discovery';
import { completeMetaSet, processMetaCommand } from './meta';
import { parseCas, parseI32, parseU32, parseU64 } from './numbers';
import { latin1 } from './output';
import { Stat, generalStats, groupStats, prefixDump, resetStats } from './stats';
import { AllocResult, DeltaResult, Item, KEY_MAX_LENGTH, REALTIME_MAXDELTA, StoreMode } from './store';
import { UploadKind } from './types';

/** memcached tokenizes at most this many tokens at a time (MAX_TOKENS, with the terminal one). */
const MAX_TOKENS = 24;
export const INT_MAX = 2147483647;
const MAX_VERBOSITY_LEVEL = 2;

/** Token boundaries of the current line (reused per connection, so parsing allocates nothing). */
export class Tokens {
  readonly start: number[] = [];
  readonly end: number[] = [];
  count = 0;
  /** memcached's token count: at most MAX_TOKENS - 1 real tokens plus the terminal one. */
  get ntokens(): number {
    return Math.min(this.count, MAX_TOKENS - 1) + 1;
  }
  length(i: number): number {
    return this.end[i] - this.start[i];
  }
}

/**
 * Splits `buf[start, end)` at spaces (only ' ', as memcached does). The line is a C string to
 * memcached, so it ends at the first NUL byte.
 */
export function tokenize(t: Tokens, buf: Uint8Array, start: number, end: number): void {
  let n = 0;
  let ts = -1;
  let i = start;
  for (; i < end; i++) {
    const ch = buf[i];
    if (ch === 0x20) {
      if (ts >= 0) {
        t.start[n] = ts;
        t.end[n] = i;
        n++;
        ts = -1;
      }
    } else if (ch === 0) {
      break;
    } else if (ts < 0) {
      ts = i;
    }
  }
  if (ts >= 0) {
    t.start[n] = ts;
    t.end[n] = i;
    n++;
  }
  t.count = n;
}

/** Whether token `i` spells `word`. */
export function tokenIs(buf: Uint8Array, t: Tokens, i: number, word: string): boolean {
  const s = t.start[i];
  if (t.end[i] - s !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (buf[s + k] !== word.charCodeAt(k)) return false;
  return true;
}

/** Token `i` as a latin1 string (one character per byte), the form keys are stored in. */
export function tokenString(buf: Buffer, t: Tokens, i: number): string {
  return latin1(buf, t.start[i], t.end[i]);
}

/** out_string(): a reply line, suppressed when the command asked for noreply. */
export function reply(c: Connection, line: string): void {
  if (!c.noreply) c.out.text(line);
}

/** out_errstring(): a reply line that noreply does not suppress. */
export function replyError(c: Connection, line: string): void {
  c.noreply = false;
  c.out.text(line);
}

/** set_noreply_maybe(): the last token (of those memcached sees) is "noreply". */
export function noreplyMaybe(c: Connection, buf: Uint8Array, t: Tokens): boolean {
  if (tokenIs(buf, t, t.ntokens - 2, 'noreply')) c.noreply = true;
  return c.noreply;
}

/** EXPTIME_TO_POSITIVE_TIME: a negative expiration becomes a time long past. */
export function exptimeArg(value: number): number {
  return value < 0 ? REALTIME_MAXDELTA + 1 : value;
}

/** Replies of a text-protocol store, by result. */
const STORE_REPLIES = ['STORED\r\n', 'NOT_STORED\r\n', 'EXISTS\r\n', 'NOT_FOUND\r\n'];

/**
 * One command line: `buf[start, nl)` where `nl` is the index of its "\n". A trailing "\r" is
 * dropped (unless it is the whole line, as in memcached).
 */
export function processTextLine(c: Connection, buf: Buffer, start: number, nl: number): void {
  let end = nl;
  if (end - start > 1 && buf[end - 1] === 13) end--;
  const t = c.tokens;
  tokenize(t, buf, start, end);
  c.noreply = false;
  const ntokens = t.ntokens;
  if (ntokens < 2 || t.length(0) < 2) {
    reply(c, 'ERROR\r\n');
    return;
  }
  const first = buf[t.start[0]];
  const len = t.length(0);
  if (first === 0x6d /* m */ && len === 2) {
    processMetaCommand(c, buf, t, buf[t.start[0] + 1]);
    return;
  }
  switch (first) {
    case 0x67: // g
      if (ntokens < 3) return reply(c, 'ERROR\r\n');
      if (tokenIs(buf, t, 0, 'get')) return processGet(c, buf, t, false, false);
      if (tokenIs(buf, t, 0, 'gets')) return processGet(c, buf, t, true, false);
      if (tokenIs(buf, t, 0, 'gat')) return processGet(c, buf, t, false, true);
      if (tokenIs(buf, t, 0, 'gats')) return processGet(c, buf, t, true, true);
      return reply(c, 'ERROR\r\n');
    case 0x73: // s
      if (tokenIs(buf, t, 0, 'set')) {
        if (ntokens !== 6 && ntokens !== 7) return reply(c, 'ERROR\r\n');
        return processUpdate(c, buf, t, StoreMode.SET, false);
      }
      if (tokenIs(buf, t, 0, 'stats')) return processStats(c, buf, t);
      if (tokenIs(buf, t, 0, 'shutdown')) return reply(c, 'ERROR: shutdown not enabled\r\n');
      if (tokenIs(buf, t, 0, 'slabs')) return processSlabs(c, buf, t);
      return reply(c, 'ERROR\r\n');
    case 0x61: // a
      if (tokenIs(buf, t, 0, 'add') || tokenIs(buf, t, 0, 'append')) {
        if (ntokens !== 6 && ntokens !== 7) return reply(c, 'ERROR\r\n');
        return processUpdate(c, buf, t, len === 3 ? StoreMode.ADD : StoreMode.APPEND, false);
      }
      return reply(c, 'ERROR\r\n');
    case 0x63: // c
      if (tokenIs(buf, t, 0, 'cas')) {
        if (ntokens !== 7 && ntokens !== 8) return reply(c, 'ERROR\r\n');
        return processUpdate(c, buf, t, StoreMode.CAS, true);
      }
      if (tokenIs(buf, t, 0, 'cache_memlimit')) {
        if (ntokens !== 3 && ntokens !== 4) return reply(c, 'ERROR\r\n');
        return processMemlimit(c, buf, t);
      }
      if (c.server.discovery !== undefined && tokenIs(buf, t, 0, 'config')) return processConfig(c, buf, t);
      return reply(c, 'ERROR\r\n');
    case 0x69: // i
      if (tokenIs(buf, t, 0, 'incr')) {
        if (ntokens !== 4 && ntokens !== 5) return reply(c, 'ERROR\r\n');
        return processArithmetic(c, buf, t, true);
      }
      return reply(c, 'ERROR\r\n');
    case 0x64: // d
      if (tokenIs(buf, t, 0, 'delete')) {
        if (ntokens < 3 || ntokens > 5) return reply(c, 'ERROR\r\n');
        return processDelete(c, buf, t);
      }
      if (tokenIs(buf, t, 0, 'decr')) {
        if (ntokens !== 4 && ntokens !== 5) return reply(c, 'ERROR\r\n');
        return processArithmetic(c, buf, t, false);
      }
      return reply(c, 'ERROR\r\n');
    case 0x74: // t
      if (tokenIs(buf, t, 0, 'touch')) {
        if (ntokens !== 4 && ntokens !== 5) return reply(c, 'ERROR\r\n');
        return processTouch(c, buf, t);
      }
      return reply(c, 'ERROR\r\n');
    default:
      break;
  }
  if (tokenIs(buf, t, 0, 'replace') || tokenIs(buf, t, 0, 'prepend')) {
    if (ntokens !== 6 && ntokens !== 7) return reply(c, 'ERROR\r\n');
    return processUpdate(c, buf, t, first === 0x72 ? StoreMode.REPLACE : StoreMode.PREPEND, false);
  }
  if (tokenIs(buf, t, 0, 'bget')) {
    if (ntokens < 3) return reply(c, 'ERROR\r\n');
    return processGet(c, buf, t, false, false);
  }
  if (tokenIs(buf, t, 0, 'flush_all')) {
    if (ntokens < 2 || ntokens > 4) return reply(c, 'ERROR\r\n');
    return processFlushAll(c, buf, t);
  }
  if (tokenIs(buf, t, 0, 'version')) return reply(c, `VERSION ${c.server.version}\r\n`);
  if (tokenIs(buf, t, 0, 'quit')) return c.closeAfterFlush();
  if (tokenIs(buf, t, 0, 'verbosity')) {
    if (ntokens !== 3 && ntokens !== 4) return reply(c, 'ERROR\r\n');
    return processVerbosity(c, buf, t);
  }
  if (tokenIs(buf, t, 0, 'lru_crawler')) return processLruCrawler(c, buf, t);
  if (tokenIs(buf, t, 0, 'watch')) {
    noreplyMaybe(c, buf, t);
    return reply(c, 'CLIENT_ERROR watch commands not allowed\r\n');
  }
  // memcached closes on what looks like an HTTP request line.
  const last = ntokens - 2;
  if (t.length(last) >= 5 && buf.toString('latin1', t.start[last], t.start[last] + 5) === 'HTTP/') {
    c.closeNow();
    return;
  }
  reply(c, 'ERROR\r\n');
}

// -------------------------------------------------------------------------------------------------
// Storage commands

/** set/add/replace/append/prepend/cas: validates, reserves memory, then reads the data block. */
function processUpdate(c: Connection, buf: Buffer, t: Tokens, mode: StoreMode, handleCas: boolean): void {
  noreplyMaybe(c, buf, t);
  const keyLength = t.length(1);
  if (keyLength > KEY_MAX_LENGTH) return reply(c, 'CLIENT_ERROR bad command line format\r\n');
  const flags = parseU32(buf, t.start[2], t.end[2]);
  const exptimeInt = flags === undefined ? undefined : parseI32(buf, t.start[3], t.end[3]);
  const vlen = exptimeInt === undefined ? undefined : parseI32(buf, t.start[4], t.end[4]);
  if (flags === undefined || exptimeInt === undefined || vlen === undefined) {
    return reply(c, 'CLIENT_ERROR bad command line format\r\n');
  }
  const store = c.server.store;
  const exptime = store.realtime(exptimeArg(exptimeInt));
  let cas = 0;
  if (handleCas) {
    const parsed = parseCas(buf, t.start[5], t.end[5]);
    if (parsed === undefined) return reply(c, 'CLIENT_ERROR bad command line format\r\n');
    cas = parsed;
  }
  if (vlen < 0 || vlen > INT_MAX - 2) return reply(c, 'CLIENT_ERROR bad command line format\r\n');
  const key = tokenString(buf, t, 1);
  if (c.server.detailEnabled) c.server.recordPrefix(key, 'set');
  const cls = store.alloc(keyLength, flags, vlen);
  if (cls < 0) {
    if (cls === AllocResult.TOO_LARGE) {
      reply(c, 'SERVER_ERROR object too large for cache\r\n');
      store.stats.storeTooLarge++;
    } else {
      reply(c, 'SERVER_ERROR out of memory storing object\r\n');
      store.stats.storeNoMemory++;
    }
    c.swallow(vlen + 2);
    // A failed set must not leave the old value readable.
    if (mode === StoreMode.SET) {
      const old = store.get(key, false);
      if (old !== undefined) store.remove(old);
    }
    return;
  }
  const item = new Item(key, Buffer.allocUnsafeSlow(vlen), flags, exptime);
  item.cls = cls;
  item.chunks = store.chunksReserved;
  item.cas = cas;
  c.uploadMode = mode;
  c.startUpload(item, item.value, UploadKind.TEXT, 2);
}

/** The data block of a text store has arrived (complete_nread_ascii). */
export function completeTextUpload(c: Connection): void {
  const item = c.uploadItem!;
  const store = c.server.store;
  store.classStats[item.cls].setCmds++;
  if (c.uploadKind === UploadKind.META) {
    completeMetaSet(c, item);
    return;
  }
  if (!c.trailerOk) {
    reply(c, 'CLIENT_ERROR bad data chunk\r\n');
    store.discard(item);
    return;
  }
  const result = store.store(item, c.uploadMode as StoreMode);
  if (!item.linked) store.discard(item);
  reply(c, STORE_REPLIES[result]);
}

// -------------------------------------------------------------------------------------------------
// Retrieval

function processGet(c: Connection, buf: Buffer, t: Tokens, returnCas: boolean, touch: boolean): void {
  const server = c.server;
  const store = server.store;
  const st = store.stats;
  const out = c.out;
  let k = 1;
  let exptime = 0;
  if (touch) {
    const e = parseI32(buf, t.start[1], t.end[1]);
    if (e === undefined) return reply(c, 'CLIENT_ERROR invalid exptime argument\r\n');
    exptime = store.realtime(exptimeArg(e));
    k = 2;
  }
  for (; k < t.count; k++) {
    if (t.length(k) > KEY_MAX_LENGTH) {
      // memcached drops every reply not yet sent and answers only the error.
      out.discardUncommitted();
      reply(c, 'CLIENT_ERROR bad command line format\r\n');
      return;
    }
    const key = tokenString(buf, t, k);
    if (server.discovery !== undefined && key === LEGACY_CONFIG_KEY) {
      const config = formatClusterConfig(server.discovery);
      out.text('VALUE ');
      out.text(key);
      out.text(' 0 ');
      out.uint(config.length);
      if (returnCas) {
        out.text(' ');
        out.uint(server.discovery.version());
      }
      out.text('\r\n');
      out.bytes(config);
      out.text('\r\n');
      server.discoveryHits++;
      if (touch) st.touchCmds++;
      else st.getCmds++;
      continue;
    }
    const item = touch ? store.touch(key, exptime) : store.get(key, true);
    if (server.detailEnabled) {
      server.recordPrefix(key, 'get');
      if (item !== undefined) server.recordPrefix(key, 'hit');
    }
    if (item !== undefined) {
      writeValue(c, item, returnCas);
      item.pin = c.pin;
      if (touch) {
        st.touchCmds++;
        store.classStats[item.cls].touchHits++;
      } else {
        store.classStats[item.cls].getHits++;
        st.getCmds++;
      }
    } else if (touch) {
      st.touchCmds++;
      st.touchMisses++;
    } else {
      st.getMisses++;
      st.getCmds++;
    }
  }
  out.text('END\r\n');
  // memcached transmits after every get, which also releases the items it refers to.
  c.commit();
}

function writeValue(c: Connection, item: Item, returnCas: boolean): void {
  const out = c.out;
  out.text(returnCas
    ? `VALUE ${item.key} ${item.flags} ${item.value.length} ${item.cas}\r\n`
    : `VALUE ${item.key} ${item.flags} ${item.value.length}\r\n`);
  out.bytes(item.value);
  out.text('\r\n');
}

// -------------------------------------------------------------------------------------------------
// Other key commands

function processDelete(c: Connection, buf: Buffer, t: Tokens): void {
  const ntokens = t.ntokens;
  if (ntokens > 3) {
    const holdIsZero = tokenIs(buf, t, 2, '0');
    const setsNoreply = noreplyMaybe(c, buf, t);
    const valid = (ntokens === 4 && (holdIsZero || setsNoreply)) || (ntokens === 5 && holdIsZero && setsNoreply);
    if (!valid) return reply(c, 'CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n');
  }
  if (t.length(1) > KEY_MAX_LENGTH) return reply(c, 'CLIENT_ERROR bad command line format\r\n');
  const key = tokenString(buf, t, 1);
  const server = c.server;
  const store = server.store;
  if (server.detailEnabled) server.recordPrefix(key, 'delete');
  const item = store.get(key, false);
  if (item !== undefined) {
    store.classStats[item.cls].deleteHits++;
    store.remove(item);
    reply(c, 'DELETED\r\n');
  } else {
    store.stats.deleteMisses++;
    reply(c, 'NOT_FOUND\r\n');
  }
}

function processArithmetic(c: Connection, buf: Buffer, t: Tokens, incr: boolean): void {
  noreplyMaybe(c, buf, t);
  if (t.length(1) > KEY_MAX_LENGTH) return reply(c, 'CLIENT_ERROR bad command line format\r\n');
  const delta = parseU64(buf, t.start[2], t.end[2]);
  if (delta === undefined) return reply(c, 'CLIENT_ERROR invalid numeric delta argument\r\n');
  const store = c.server.store;
  switch (store.addDelta(tokenString(buf, t, 1), incr, delta, 0, c.pin)) {
    case DeltaResult.OK:
      return reply(c, `${store.deltaText}\r\n`);
    case DeltaResult.NON_NUMERIC:
      return reply(c, 'CLIENT_ERROR cannot increment or decrement non-numeric value\r\n');
    case DeltaResult.NO_MEMORY:
      return reply(c, 'SERVER_ERROR out of memory\r\n');
    default: // NOT_FOUND (no CAS was given, so no mismatch)
      if (incr) store.stats.incrMisses++;
      else store.stats.decrMisses++;
      return reply(c, 'NOT_FOUND\r\n');
  }
}

function processTouch(c: Connection, buf: Buffer, t: Tokens): void {
  noreplyMaybe(c, buf, t);
  if (t.length(1) > KEY_MAX_LENGTH) return reply(c, 'CLIENT_ERROR bad command line format\r\n');
  const e = parseI32(buf, t.start[2], t.end[2]);
  if (e === undefined) return reply(c, 'CLIENT_ERROR invalid exptime argument\r\n');
  const store = c.server.store;
  const item = store.touch(tokenString(buf, t, 1), store.realtime(exptimeArg(e)));
  store.stats.touchCmds++;
  if (item !== undefined) {
    store.classStats[item.cls].touchHits++;
    reply(c, 'TOUCHED\r\n');
  } else {
    store.stats.touchMisses++;
    reply(c, 'NOT_FOUND\r\n');
  }
}

// -------------------------------------------------------------------------------------------------
// Server commands

function processFlushAll(c: Connection, buf: Buffer, t: Tokens): void {
  noreplyMaybe(c, buf, t);
  const store = c.server.store;
  store.stats.flushCmds++;
  let delay = 0;
  if (t.ntokens !== (c.noreply ? 3 : 2)) {
    const e = parseI32(buf, t.start[1], t.end[1]);
    if (e === undefined) return reply(c, 'CLIENT_ERROR invalid exptime argument\r\n');
    delay = e;
  }
  store.flush(delay);
  reply(c, 'OK\r\n');
}

function processVerbosity(c: Connection, buf: Buffer, t: Tokens): void {
  noreplyMaybe(c, buf, t);
  const level = parseU32(buf, t.start[1], t.end[1]);
  if (level === undefined) return reply(c, 'CLIENT_ERROR bad command line format\r\n');
  c.server.settings.verbosity = Math.min(level, MAX_VERBOSITY_LEVEL);
  reply(c, 'OK\r\n');
}

function processMemlimit(c: Connection, buf: Buffer, t: Tokens): void {
  noreplyMaybe(c, buf, t);
  const mb = parseU32(buf, t.start[1], t.end[1]);
  if (mb === undefined) return reply(c, 'ERROR\r\n');
  if (mb < 8) return reply(c, 'MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m\r\n');
  if (mb > 1000000000) return reply(c, 'MEMLIMIT_ADJUST_FAILED input value is megabytes not bytes\r\n');
  c.server.store.memoryLimit = mb * 1024 * 1024;
  reply(c, 'OK\r\n');
}

/** `slabs reassign|automove`: pages never move between classes here (slab_reassign no). */
function processSlabs(c: Connection, buf: Buffer, t: Tokens): void {
  const ntokens = t.ntokens;
  if (ntokens === 5 && tokenIs(buf, t, 1, 'reassign')) {
    return reply(c, 'CLIENT_ERROR slab reassignment disabled\r\n');
  }
  if (ntokens >= 4 && tokenIs(buf, t, 1, 'automove')) {
    noreplyMaybe(c, buf, t);
    if (tokenIs(buf, t, 2, 'ratio')) {
      return reply(c, ntokens < 5 || !/^[0-9.]+$/.test(tokenString(buf, t, 3)) ? 'ERROR\r\n' : 'OK\r\n');
    }
    const level = parseU32(buf, t.start[2], t.end[2]);
    if (level === undefined) return reply(c, 'CLIENT_ERROR bad command line format\r\n');
    return reply(c, level <= 2 ? 'OK\r\n' : 'ERROR\r\n');
  }
  reply(c, 'ERROR\r\n');
}

/** `lru_crawler ...`: there is no crawler (expired items are reclaimed on access and at LRU tails). */
function processLruCrawler(c: Connection, buf: Buffer, t: Tokens): void {
  const ntokens = t.ntokens;
  if (ntokens === 4 && (tokenIs(buf, t, 1, 'crawl') || tokenIs(buf, t, 1, 'metadump'))) {
    return reply(c, 'CLIENT_ERROR lru crawler disabled\r\n');
  }
  reply(c, 'ERROR\r\n');
}

/** ElastiCache's `config get cluster` (auto discovery). */
function processConfig(c: Connection, buf: Buffer, t: Tokens): void {
  const discovery = c.server.discovery!;
  if (t.ntokens === 4 && tokenIs(buf, t, 1, 'get') && tokenIs(buf, t, 2, 'cluster')) {
    const config = formatClusterConfig(discovery);
    c.out.text('CONFIG cluster 0 ');
    c.out.uint(config.length);
    c.out.text('\r\n');
    c.out.bytes(config);
    c.out.text('\r\nEND\r\n');
    return;
  }
  reply(c, 'ERROR\r\n');
}

function writeStats(c: Connection, stats: readonly Stat[], terminate = true): void {
  for (const [name, value] of stats) c.out.text(`STAT ${name} ${value}\r\n`);
  if (terminate) c.out.text('END\r\n');
}

function processStats(c: Connection, buf: Buffer, t: Tokens): void {
  const server = c.server;
  if (t.ntokens === 2) return writeStats(c, generalStats(server));
  const sub = tokenString(buf, t, 1);
  switch (sub) {
    case 'reset':
      resetStats(server);
      return reply(c, 'RESET\r\n');
    case 'detail': {
      const arg = t.ntokens < 4 ? '' : tokenString(buf, t, 2);
      if (arg === 'on') {
        server.detailEnabled = true;
        return reply(c, 'OK\r\n');
      }
      if (arg === 'off') {
        server.detailEnabled = false;
        return reply(c, 'OK\r\n');
      }
      if (arg === 'dump') return c.out.text(prefixDump(server));
      return reply(c, 'CLIENT_ERROR usage: stats detail on|off|dump\r\n');
    }
    case 'cachedump':
      return processCachedump(c, buf, t);
    default: {
      const stats = groupStats(server, sub);
      if (stats === undefined) return reply(c, 'ERROR\r\n');
      // memcached ends these two without a terminator.
      return writeStats(c, stats, sub !== 'sizes_enable' && sub !== 'sizes_disable');
    }
  }
}

function processCachedump(c: Connection, buf: Buffer, t: Tokens): void {
  if (t.ntokens < 5) return reply(c, 'CLIENT_ERROR bad command line\r\n');
  const id = parseU32(buf, t.start[2], t.end[2]);
  const limit = id === undefined ? undefined : parseU32(buf, t.start[3], t.end[3]);
  if (id === undefined || limit === undefined) return reply(c, 'CLIENT_ERROR bad command line format\r\n');
  if (id >= 64) return reply(c, 'CLIENT_ERROR Illegal slab id\r\n');
  const store = c.server.store;
  const memlimit = 2 * 1024 * 1024;
  let out = '';
  let shown = 0;
  for (let item = id < store.heads.length ? store.heads[id] : null; item !== null; item = item.next) {
    if (limit !== 0 && shown >= limit) break;
    if (item.binaryKey) continue;
    const nul = item.key.indexOf('\0');
    const key = nul < 0 ? item.key : item.key.slice(0, nul);
    const line = `ITEM ${key} [${item.value.length} b; ${item.exptime === 0 ? 0 : store.unixTime(item.exptime)} s]\r\n`;
    if (out.length + line.length + 6 > memlimit) break;
    out += line;
    shown++;
  }
  c.out.text(out + 'END\r\n');
}
