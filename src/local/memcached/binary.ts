import type { Connection } from './connection';
import { LEGACY_CONFIG_KEY, formatClusterConfig } from './discovery';
import { groupStats, generalStats, prefixDump, resetStats, settingsStats, Stat } from './stats';
import { AllocResult, DeltaResult, Item, KEY_MAX_LENGTH, StoreMode, StoreResult } from './store';
import { UploadKind } from './types';

/**
 * memcached's binary protocol (deprecated upstream, still what memjs speaks): 24-byte headers,
 * quiet variants that reply only on errors (and, for gets, on hits), SASL authentication, and
 * ElastiCache's config-get opcode for auto discovery.
 */

export const BINARY_HEADER_SIZE = 24;
const REQUEST_MAGIC = 0x80;
const RESPONSE_MAGIC = 0x81;
const MAX_SASL_MECH_LEN = 32;
const NO_CREATE = 0xffffffff;

export enum Opcode {
  GET = 0x00, SET = 0x01, ADD = 0x02, REPLACE = 0x03, DELETE = 0x04, INCREMENT = 0x05,
  DECREMENT = 0x06, QUIT = 0x07, FLUSH = 0x08, GETQ = 0x09, NOOP = 0x0a, VERSION = 0x0b,
  GETK = 0x0c, GETKQ = 0x0d, APPEND = 0x0e, PREPEND = 0x0f, STAT = 0x10, SETQ = 0x11,
  ADDQ = 0x12, REPLACEQ = 0x13, DELETEQ = 0x14, INCREMENTQ = 0x15, DECREMENTQ = 0x16,
  QUITQ = 0x17, FLUSHQ = 0x18, APPENDQ = 0x19, PREPENDQ = 0x1a, TOUCH = 0x1c, GAT = 0x1d,
  GATQ = 0x1e, SASL_LIST_MECHS = 0x20, SASL_AUTH = 0x21, SASL_STEP = 0x22, GATK = 0x23,
  GATKQ = 0x24,
  /** ElastiCache: `config get <key>` (auto discovery). */
  CONFIG_GET = 0x60,
}

export enum Status {
  SUCCESS = 0x00, KEY_ENOENT = 0x01, KEY_EEXISTS = 0x02, E2BIG = 0x03, EINVAL = 0x04,
  NOT_STORED = 0x05, DELTA_BADVAL = 0x06, AUTH_ERROR = 0x20, AUTH_CONTINUE = 0x21,
  UNKNOWN_COMMAND = 0x81, ENOMEM = 0x82,
}

const STATUS_TEXT: Partial<Record<Status, string>> = {
  [Status.ENOMEM]: 'Out of memory',
  [Status.UNKNOWN_COMMAND]: 'Unknown command',
  [Status.KEY_ENOENT]: 'Not found',
  [Status.EINVAL]: 'Invalid arguments',
  [Status.KEY_EEXISTS]: 'Data exists for key.',
  [Status.E2BIG]: 'Too large.',
  [Status.DELTA_BADVAL]: 'Non-numeric server-side value for incr or decr',
  [Status.NOT_STORED]: 'Not stored.',
  [Status.AUTH_ERROR]: 'Auth failure.',
};

/** Quiet opcodes and the command they stand for. */
const QUIET: Partial<Record<number, Opcode>> = {
  [Opcode.SETQ]: Opcode.SET,
  [Opcode.ADDQ]: Opcode.ADD,
  [Opcode.REPLACEQ]: Opcode.REPLACE,
  [Opcode.DELETEQ]: Opcode.DELETE,
  [Opcode.INCREMENTQ]: Opcode.INCREMENT,
  [Opcode.DECREMENTQ]: Opcode.DECREMENT,
  [Opcode.QUITQ]: Opcode.QUIT,
  [Opcode.FLUSHQ]: Opcode.FLUSH,
  [Opcode.APPENDQ]: Opcode.APPEND,
  [Opcode.PREPENDQ]: Opcode.PREPEND,
  [Opcode.GETQ]: Opcode.GET,
  [Opcode.GETKQ]: Opcode.GETK,
  [Opcode.GATQ]: Opcode.GAT,
  [Opcode.GATKQ]: Opcode.GATK,
};

/**
 * Bytes of the request at `pos` up to its value: header, extras and key (what must be buffered
 * before it is handled); -1 when the magic byte is not a request's.
 */
export function binaryFrameLength(buf: Uint8Array, pos: number): number {
  if (buf[pos] !== REQUEST_MAGIC) return -1;
  return BINARY_HEADER_SIZE + buf[pos + 4] + ((buf[pos + 2] << 8) | buf[pos + 3]);
}

const TWO_32 = 0x100000000;

function readCas(buf: Buffer, at: number): number {
  const hi = buf.readUInt32BE(at);
  const lo = buf.readUInt32BE(at + 4);
  // Values beyond 2^53 never equal a CAS this server hands out.
  return hi >= 0x200000 ? Infinity : hi * TWO_32 + lo;
}

/** Appends a response header to the connection's batch. */
function header(c: Connection, status: number, extlen: number, keylen: number, bodylen: number, cas: number,
  opcode = c.binOpcode): void {
  const out = c.out;
  const at = out.reserve(BINARY_HEADER_SIZE);
  const b = out.buffer;
  b[at] = RESPONSE_MAGIC;
  b[at + 1] = opcode;
  b.writeUInt16BE(keylen, at + 2);
  b[at + 4] = extlen;
  b[at + 5] = 0;
  b.writeUInt16BE(status, at + 6);
  b.writeUInt32BE(bodylen, at + 8);
  b.writeUInt32BE(c.binOpaque, at + 12);
  b.writeUInt32BE(Math.floor(cas / TWO_32), at + 16);
  b.writeUInt32BE(cas >>> 0, at + 20);
}

/**
 * write_bin_error: an error status with its text. Then `swallow` body bytes are skipped; without
 * any, memcached transmits right away, which also ends the batch's references.
 */
function writeError(c: Connection, status: Status, swallow = 0, text = STATUS_TEXT[status] ?? ''): void {
  header(c, status, 0, 0, text.length, c.binCas);
  c.out.text(text);
  if (swallow > 0) c.swallow(swallow);
  else c.commit();
}

/** write_bin_response: a success, unless the request was quiet (gets always answer hits). */
function writeResponse(c: Connection, body?: Uint8Array | string): void {
  if (c.noreply && c.binCmd !== Opcode.GET && c.binCmd !== Opcode.GETK) return;
  const length = body === undefined ? 0 : body.length;
  header(c, Status.SUCCESS, 0, 0, length, c.binCas);
  if (typeof body === 'string') c.out.text(body);
  else if (body !== undefined) c.out.bytes(body);
}

/** Malformed request: EINVAL, then the connection closes. */
function protocolError(c: Connection): void {
  writeError(c, Status.EINVAL);
  c.closeAfterFlush();
}

/** Commands a connection may send before authenticating. */
function allowedUnauthenticated(opcode: number): boolean {
  return opcode === Opcode.SASL_LIST_MECHS || opcode === Opcode.SASL_AUTH || opcode === Opcode.SASL_STEP ||
    opcode === Opcode.VERSION;
}

/** One request whose header, extras and key are at `buf[pos, ...)`. */
export function processBinaryFrame(c: Connection, buf: Buffer, pos: number): void {
  const opcode = buf[pos + 1];
  const keylen = buf.readUInt16BE(pos + 2);
  const extlen = buf[pos + 4];
  const bodylen = buf.readUInt32BE(pos + 8);
  c.binOpcode = opcode;
  c.binOpaque = buf.readUInt32BE(pos + 12);
  c.binCas = 0;
  c.binCmd = opcode;
  c.noreply = false;
  const reqCas = readCas(buf, pos + 16);
  const ext = pos + BINARY_HEADER_SIZE;
  const keyStart = ext + extlen;

  if (keylen > bodylen || keylen + extlen > bodylen) {
    writeError(c, Status.UNKNOWN_COMMAND);
    c.closeAfterFlush();
    return;
  }
  if (c.server.saslUsers !== undefined && !c.authenticated && !allowedUnauthenticated(opcode)) {
    writeError(c, Status.AUTH_ERROR);
    c.closeAfterFlush();
    return;
  }
  if (keylen > KEY_MAX_LENGTH) return protocolError(c);
  const quiet = QUIET[opcode];
  if (quiet !== undefined) {
    c.noreply = true;
    c.binCmd = quiet;
  }
  const cmd = c.binCmd;
  const key = (): string => buf.toString('latin1', keyStart, keyStart + keylen);

  switch (cmd) {
    case Opcode.VERSION:
      if (extlen !== 0 || keylen !== 0 || bodylen !== 0) return protocolError(c);
      return writeResponse(c, c.server.version);
    case Opcode.FLUSH: {
      if (keylen !== 0 || bodylen !== extlen || (extlen !== 0 && extlen !== 4)) return protocolError(c);
      const store = c.server.store;
      store.flush(extlen === 4 ? buf.readUInt32BE(ext) : 0);
      store.stats.flushCmds++;
      return writeResponse(c);
    }
    case Opcode.NOOP:
      if (extlen !== 0 || keylen !== 0 || bodylen !== 0) return protocolError(c);
      writeResponse(c);
      c.commit();
      return;
    case Opcode.SET:
    case Opcode.ADD:
    case Opcode.REPLACE:
      if (extlen !== 8 || keylen === 0 || bodylen < keylen + 8) return protocolError(c);
      return processUpdate(c, key(), buf.readUInt32BE(ext), buf.readUInt32BE(ext + 4), bodylen - keylen - 8, reqCas);
    case Opcode.GET:
    case Opcode.GETK:
      if (extlen !== 0 || bodylen !== keylen || keylen === 0) return protocolError(c);
      return processGetOrTouch(c, key(), 0);
    case Opcode.DELETE:
      if (keylen === 0 || extlen !== 0 || bodylen !== keylen) return protocolError(c);
      return processDelete(c, key(), reqCas);
    case Opcode.INCREMENT:
    case Opcode.DECREMENT:
      if (keylen === 0 || extlen !== 20 || bodylen !== keylen + 20) return protocolError(c);
      return processIncr(c, key(), buf.readBigUInt64BE(ext), buf.readBigUInt64BE(ext + 8), buf.readUInt32BE(ext + 16), reqCas);
    case Opcode.APPEND:
    case Opcode.PREPEND:
      if (keylen === 0 || extlen !== 0) return protocolError(c);
      return processAppend(c, key(), bodylen - keylen, reqCas);
    case Opcode.STAT:
      if (extlen !== 0) return protocolError(c);
      return processStat(c, key());
    case Opcode.QUIT:
      if (keylen !== 0 || extlen !== 0 || bodylen !== 0) return protocolError(c);
      writeResponse(c);
      c.closeAfterFlush();
      return;
    case Opcode.SASL_LIST_MECHS:
      if (extlen !== 0 || keylen !== 0 || bodylen !== 0) return protocolError(c);
      if (c.server.saslUsers === undefined) return writeError(c, Status.UNKNOWN_COMMAND, bodylen - keylen);
      return writeResponse(c, 'PLAIN');
    case Opcode.SASL_AUTH:
    case Opcode.SASL_STEP:
      if (extlen !== 0 || keylen === 0) return protocolError(c);
      return processSaslAuth(c, key(), bodylen - keylen);
    case Opcode.TOUCH:
    case Opcode.GAT:
    case Opcode.GATK:
      if (extlen !== 4 || keylen === 0) return protocolError(c);
      return processGetOrTouch(c, key(), buf.readUInt32BE(ext));
    case Opcode.CONFIG_GET:
      if (c.server.discovery !== undefined) {
        if (extlen !== 0 || keylen === 0 || bodylen !== keylen) return protocolError(c);
        return processConfigGet(c, key());
      }
      break;
    default:
      break;
  }
  // memcached skips `bodylen` bytes after the key here (so a body-less request loses the start of
  // the next one); kept for identical behaviour.
  writeError(c, Status.UNKNOWN_COMMAND, bodylen);
}

function processGetOrTouch(c: Connection, key: string, exptime: number): void {
  const server = c.server;
  const store = server.store;
  const st = store.stats;
  const cmd = c.binCmd;
  const touch = cmd === Opcode.TOUCH || cmd === Opcode.GAT || cmd === Opcode.GATK;
  const returnKey = cmd === Opcode.GETK || cmd === Opcode.GATK;
  const returnValue = cmd !== Opcode.TOUCH;
  let value: Buffer;
  let flags: number;
  let cas: number;
  const item = server.discovery !== undefined && key === LEGACY_CONFIG_KEY
    ? undefined
    : touch ? store.touch(key, store.realtime(exptime)) : store.get(key, true);
  if (item !== undefined) {
    value = item.value;
    flags = item.flags;
    cas = item.cas;
    item.pin = c.pin;
    if (touch) {
      st.touchCmds++;
      store.classStats[item.cls].touchHits++;
    } else {
      st.getCmds++;
      store.classStats[item.cls].getHits++;
    }
  } else if (server.discovery !== undefined && key === LEGACY_CONFIG_KEY) {
    value = formatClusterConfig(server.discovery);
    flags = 0;
    cas = server.discovery.version();
    server.discoveryHits++;
    if (touch) st.touchCmds++;
    else st.getCmds++;
  } else {
    if (touch) {
      st.touchCmds++;
      st.touchMisses++;
    } else {
      st.getCmds++;
      st.getMisses++;
    }
    if (c.noreply) return;
    if (returnKey) {
      header(c, Status.KEY_ENOENT, 0, key.length, key.length, 0);
      c.out.text(key);
    } else {
      writeError(c, Status.KEY_ENOENT);
    }
    return;
  }
  const keylen = returnKey ? key.length : 0;
  const bodylen = 4 + keylen + (returnValue ? value.length : 0);
  header(c, Status.SUCCESS, 4, keylen, bodylen, cas);
  const at = c.out.reserve(4);
  c.out.buffer.writeUInt32BE(flags, at);
  if (returnKey) c.out.text(key);
  if (returnValue) c.out.bytes(value);
}

function processUpdate(c: Connection, key: string, flags: number, exptime: number, vlen: number, reqCas: number): void {
  const store = c.server.store;
  const cls = store.alloc(key.length, flags, vlen);
  if (cls < 0) {
    if (cls === AllocResult.TOO_LARGE) {
      writeError(c, Status.E2BIG, vlen);
    } else {
      writeError(c, Status.ENOMEM, 0, 'Out of memory allocating item');
      c.swallow(vlen);
    }
    if (c.binCmd === Opcode.SET) {
      const old = store.get(key, false);
      if (old !== undefined) store.remove(old);
    }
    return;
  }
  const item = new Item(key, Buffer.allocUnsafeSlow(vlen), flags, store.realtime(exptime));
  item.cls = cls;
  item.chunks = store.chunksReserved;
  item.cas = reqCas;
  let mode = c.binCmd === Opcode.ADD ? StoreMode.ADD : c.binCmd === Opcode.SET ? StoreMode.SET : StoreMode.REPLACE;
  if (reqCas !== 0) mode = StoreMode.CAS;
  c.uploadMode = mode;
  c.startUpload(item, item.value, UploadKind.BINARY, 0);
}

function processAppend(c: Connection, key: string, vlen: number, reqCas: number): void {
  const store = c.server.store;
  const cls = store.alloc(key.length, 0, vlen);
  if (cls < 0) {
    if (cls === AllocResult.TOO_LARGE) {
      writeError(c, Status.E2BIG, vlen);
    } else {
      writeError(c, Status.ENOMEM, 0, 'Out of memory allocating item');
      c.swallow(vlen);
    }
    return;
  }
  const item = new Item(key, Buffer.allocUnsafeSlow(vlen), 0, 0);
  item.cls = cls;
  item.chunks = store.chunksReserved;
  item.cas = reqCas;
  c.uploadMode = c.binCmd === Opcode.APPEND ? StoreMode.APPEND : StoreMode.PREPEND;
  c.startUpload(item, item.value, UploadKind.BINARY, 0);
}

/** The value of a binary store (or the data of a SASL step) has arrived. */
export function completeBinaryUpload(c: Connection): void {
  if (c.uploadKind === UploadKind.SASL) return completeSasl(c);
  const store = c.server.store;
  const item = c.uploadItem!;
  store.classStats[item.cls].setCmds++;
  const mode = c.uploadMode as StoreMode;
  const result = store.store(item, mode);
  if (result === StoreResult.STORED) c.binCas = store.storedItem!.cas;
  if (!item.linked) store.discard(item);
  switch (result) {
    case StoreResult.STORED:
      return writeResponse(c);
    case StoreResult.EXISTS:
      return writeError(c, Status.KEY_EEXISTS);
    case StoreResult.NOT_FOUND:
      return writeError(c, Status.KEY_ENOENT);
    default:
      if (mode === StoreMode.ADD) return writeError(c, Status.KEY_EEXISTS);
      if (mode === StoreMode.REPLACE) return writeError(c, Status.KEY_ENOENT);
      return writeError(c, Status.NOT_STORED);
  }
}

function processDelete(c: Connection, key: string, reqCas: number): void {
  const store = c.server.store;
  const item = store.get(key, false);
  if (item === undefined) {
    writeError(c, Status.KEY_ENOENT);
    store.stats.deleteMisses++;
    return;
  }
  if (reqCas !== 0 && reqCas !== item.cas) return writeError(c, Status.KEY_EEXISTS);
  store.classStats[item.cls].deleteHits++;
  store.remove(item);
  writeResponse(c);
}

function u64(value: bigint): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigUInt64BE(value);
  return b;
}

function processIncr(c: Connection, key: string, delta: bigint, initial: bigint, expiration: number, reqCas: number): void {
  const store = c.server.store;
  const incr = c.binCmd === Opcode.INCREMENT;
  switch (store.addDelta(key, incr, delta, reqCas, c.pin)) {
    case DeltaResult.OK:
      c.binCas = store.deltaItem!.cas;
      return writeResponse(c, u64(BigInt(store.deltaText)));
    case DeltaResult.NON_NUMERIC:
      return writeError(c, Status.DELTA_BADVAL);
    case DeltaResult.NO_MEMORY:
      return writeError(c, Status.ENOMEM, 0, 'Out of memory incrementing value');
    case DeltaResult.CAS_MISMATCH:
      return writeError(c, Status.KEY_EEXISTS);
    default: { // not found
      if (expiration === NO_CREATE) {
        if (incr) store.stats.incrMisses++;
        else store.stats.decrMisses++;
        return writeError(c, Status.KEY_ENOENT);
      }
      const item = store.makeItem(key, Buffer.from(initial.toString(), 'latin1'), 0, store.realtime(expiration));
      if (item === undefined) return writeError(c, Status.ENOMEM, 0, 'Out of memory allocating new item');
      if (store.store(item, StoreMode.ADD) === StoreResult.STORED) {
        c.binCas = item.cas;
        return writeResponse(c, u64(initial));
      }
      store.discard(item);
      return writeError(c, Status.NOT_STORED);
    }
  }
}

function writeStatPackets(c: Connection, stats: readonly Stat[]): void {
  for (const [name, value] of stats) writeStat(c, name, value);
  writeStat(c, '', '');
}

function writeStat(c: Connection, name: string, value: string): void {
  header(c, Status.SUCCESS, 0, name.length, name.length + value.length, 0, Opcode.STAT);
  c.out.text(name);
  c.out.text(value);
}

function processStat(c: Connection, sub: string): void {
  const server = c.server;
  if (sub.length === 0) return writeStatPackets(c, generalStats(server));
  // memcached compares these by prefix in the binary protocol.
  if (sub.startsWith('reset')) {
    resetStats(server);
    return writeStat(c, '', '');
  }
  if (sub.startsWith('settings')) return writeStatPackets(c, settingsStats(server));
  if (sub.startsWith('detail')) {
    const arg = sub.slice(6);
    if (arg.startsWith(' dump')) {
      writeStat(c, 'detailed', prefixDump(server));
      return writeStat(c, '', '');
    }
    if (arg.startsWith(' on')) server.detailEnabled = true;
    else if (arg.startsWith(' off')) server.detailEnabled = false;
    else return writeError(c, Status.KEY_ENOENT);
    return writeStat(c, '', '');
  }
  const stats = sub === 'conns' ? undefined : groupStats(server, sub);
  if (stats === undefined) return writeError(c, Status.KEY_ENOENT);
  if (sub === 'sizes_enable' || sub === 'sizes_disable') {
    // memcached sends these without the terminating packet.
    for (const [name, value] of stats) writeStat(c, name, value);
    return;
  }
  writeStatPackets(c, stats);
}

function processConfigGet(c: Connection, key: string): void {
  if (key !== 'cluster') return writeError(c, Status.KEY_ENOENT);
  const config = formatClusterConfig(c.server.discovery!);
  header(c, Status.SUCCESS, 4, 0, 4 + config.length, 0);
  const at = c.out.reserve(4);
  c.out.buffer.writeUInt32BE(0, at);
  c.out.bytes(config);
}

// -------------------------------------------------------------------------------------------------
// SASL PLAIN

function processSaslAuth(c: Connection, mech: string, vlen: number): void {
  if (c.server.saslUsers === undefined) return writeError(c, Status.UNKNOWN_COMMAND, vlen);
  if (mech.length > MAX_SASL_MECH_LEN) return writeError(c, Status.EINVAL, vlen);
  if (!c.server.store.sizeOk(mech.length, 0, vlen)) return writeError(c, Status.ENOMEM, vlen);
  c.uploadMech = mech;
  c.uploadData = Buffer.allocUnsafe(vlen);
  c.startUpload(null, c.uploadData, UploadKind.SASL, 0);
}

/** PLAIN's message: [authzid] NUL authcid NUL password. */
function checkPlain(users: ReadonlyMap<string, string>, data: Buffer): boolean {
  const first = data.indexOf(0);
  if (first < 0) return false;
  const second = data.indexOf(0, first + 1);
  if (second < 0) return false;
  const user = data.toString('utf8', first + 1, second);
  const password = data.toString('utf8', second + 1);
  const expected = users.get(user);
  return expected !== undefined && expected === password;
}

function completeSasl(c: Connection): void {
  const server = c.server;
  const st = server.store.stats;
  const data = c.uploadData;
  let ok = false;
  let started = c.saslStarted;
  if (c.binCmd === Opcode.SASL_AUTH) {
    if (c.uploadMech !== 'PLAIN') {
      started = false;
    } else if (data.length === 0) {
      // No initial response: ask for it.
      c.saslStarted = true;
      header(c, Status.AUTH_CONTINUE, 0, 0, 0, 0);
      c.commit();
      return;
    } else {
      ok = checkPlain(server.saslUsers!, data);
      started = ok;
    }
  } else if (started) {
    ok = checkPlain(server.saslUsers!, data);
    started = false;
  }
  c.saslStarted = started && !ok;
  st.authCmds++;
  if (ok) {
    c.authenticated = true;
    return writeResponse(c, 'Authenticated');
  }
  st.authErrors++;
  writeError(c, Status.AUTH_ERROR);
}
