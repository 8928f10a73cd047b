import type { Client } from '../client';
import { compareVersions } from '../config';
import { clientTypeByName } from '../config-params';
import type { RedisServer } from '../server';
import { isLongString, is } from './args';
import { writeHelp } from './config';
import { validClientName } from './connection';
import { CommandDef, Errors, ReplyError } from './types';

type Sub = Omit<CommandDef, 'group' | 'acl'> & { acl?: CommandDef['acl'] };

/** CLIENT subcommands share the group and the connection category. */
function sub(def: Sub): CommandDef {
  return { group: 'connection', ...def, acl: ['connection', ...def.acl ?? []] };
}

const ADMIN: CommandDef['flags'] = ['admin', 'noscript', 'loading', 'stale'];
const PLAIN: CommandDef['flags'] = ['noscript', 'loading', 'stale'];

/** CLIENT and its subcommands. */
export const commands: CommandDef[] = [
  {
    name: 'client',
    arity: -2,
    flags: [],
    acl: [],
    group: 'connection',
    since: '2.4.0',
    summary: 'A container for client connection commands.',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub({
        name: 'caching',
        arity: 3,
        flags: PLAIN,
        since: '6.0.0',
        complexity: 'O(1)',
        summary: 'Instructs the server whether to track the keys in the next request.',
        handler: caching,
      }),
      sub({
        name: 'getname',
        arity: 2,
        flags: PLAIN,
        since: '2.6.9',
        complexity: 'O(1)',
        summary: 'Returns the name of the connection.',
        handler: (c) => c.w.bulkOrNull(c.name === '' ? null : c.name),
      }),
      sub({
        name: 'getredir',
        arity: 2,
        flags: PLAIN,
        since: '6.0.0',
        complexity: 'O(1)',
        summary: 'Returns the client ID to which the connection\'s tracking notifications are redirected.',
        handler: (c) => c.w.int(c.server.tracking.state(c)?.redirect ?? -1),
      }),
      sub({
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        since: '5.0.0',
        complexity: 'O(1)',
        summary: 'Returns helpful text about the different subcommands.',
        handler: help,
      }),
      sub({
        name: 'id',
        arity: 2,
        flags: PLAIN,
        since: '5.0.0',
        complexity: 'O(1)',
        summary: 'Returns the unique client ID of the connection.',
        handler: (c) => c.w.int(c.id),
      }),
      sub({
        name: 'info',
        arity: 2,
        flags: PLAIN,
        since: '6.2.0',
        complexity: 'O(1)',
        summary: 'Returns information about the connection.',
        handler: (c) => c.w.verbatim(clientInfoLine(c.server, c) + '\n'),
      }),
      sub({
        name: 'kill',
        arity: -3,
        flags: ADMIN,
        since: '2.4.0',
        complexity: 'O(N) where N is the number of client connections',
        summary: 'Terminates open connections.',
        handler: kill,
      }),
      sub({
        name: 'list',
        arity: -2,
        flags: ADMIN,
        since: '2.4.0',
        complexity: 'O(N) where N is the number of client connections',
        summary: 'Lists open connections.',
        handler: list,
      }),
      sub({
        name: 'no-evict',
        arity: 3,
        flags: ADMIN,
        since: '7.0.0',
        complexity: 'O(1)',
        summary: 'Sets the client eviction mode of the connection.',
        handler: (c, argv) => {
          c.noEvict = onOff(argv[2]);
          c.w.ok();
        },
      }),
      sub({
        name: 'no-touch',
        arity: 3,
        flags: PLAIN,
        since: '7.2.0',
        complexity: 'O(1)',
        summary: 'Controls whether commands sent by the client affect the LRU/LFU of accessed keys.',
        handler: (c, argv) => {
          c.noTouch = onOff(argv[2]);
          c.w.ok();
        },
      }),
      sub({
        name: 'pause',
        arity: -3,
        flags: ADMIN,
        since: '2.9.50',
        complexity: 'O(1)',
        summary: 'Suspends commands processing.',
        handler: pause,
      }),
      sub({
        name: 'reply',
        arity: 3,
        flags: PLAIN,
        since: '3.2.0',
        complexity: 'O(1)',
        summary: 'Instructs the server whether to reply to commands.',
        handler: reply,
      }),
      sub({
        name: 'setinfo',
        arity: 4,
        flags: PLAIN,
        since: '7.2.0',
        complexity: 'O(1)',
        summary: 'Sets information specific to the client or connection.',
        handler: setinfo,
      }),
      sub({
        name: 'setname',
        arity: 3,
        flags: PLAIN,
        since: '2.6.9',
        complexity: 'O(1)',
        summary: 'Sets the connection name.',
        handler: (c, argv) => {
          const name = argv[2];
          if (name !== '' && !validClientName(name)) throw new ReplyError('ERR Client names cannot contain spaces, newlines or special characters.');
          c.name = name;
          c.w.ok();
        },
      }),
      sub({
        name: 'tracking',
        arity: -3,
        flags: PLAIN,
        since: '6.0.0',
        complexity: 'O(1). Some options may introduce additional complexity.',
        summary: 'Controls server-assisted client-side caching for the connection.',
        handler: trackingCommand,
      }),
      sub({
        name: 'trackinginfo',
        arity: 2,
        flags: PLAIN,
        since: '6.2.0',
        complexity: 'O(1)',
        summary: 'Returns information about server-assisted client-side caching for the connection.',
        handler: trackingInfo,
      }),
      sub({
        name: 'unblock',
        arity: -3,
        flags: ADMIN,
        since: '5.0.0',
        complexity: 'O(log N) where N is the number of client connections',
        summary: 'Unblocks a client blocked by a blocking command from a different connection.',
        handler: unblock,
      }),
      sub({
        name: 'unpause',
        arity: 2,
        flags: ADMIN,
        since: '6.2.0',
        complexity: 'O(N) Where N is the number of paused clients',
        summary: 'Resumes processing commands from paused clients.',
        handler: (c) => {
          c.server.unpauseClients();
          c.w.ok();
        },
      }),
      sub({
        name: 'capa',
        arity: -3,
        flags: PLAIN,
        since: '8.0.0',
        valkeySince: '8.0.0',
        complexity: 'O(1)',
        summary: 'Tells the server which optional capabilities the client supports.',
        handler: (c, argv) => {
          for (let i = 2; i < argv.length; i++) if (is(argv[i], 'REDIRECT')) c.capaRedirect = true;
          c.w.ok();
        },
      }),
    ],
  },
];

function onOff(arg: string): boolean {
  if (is(arg, 'ON')) return true;
  if (is(arg, 'OFF')) return false;
  throw new ReplyError(Errors.SYNTAX);
}

/** Whether this server lists Redis 7.2's lib-name/lib-ver fields. */
function hasLibInfo(server: RedisServer): boolean {
  return server.engine === 'valkey' || compareVersions(server.version, '7.2.0') >= 0;
}

function help(c: Client): void {
  const lines = [
    'CACHING (YES|NO)',
    '    In OPTIN or OPTOUT tracking mode, decide whether the keys of the next command are tracked.',
    'GETREDIR',
    '    Show the id of the client receiving this connection\'s invalidations (-1 without tracking).',
    'GETNAME',
    '    Show the name of this connection.',
    'ID',
    '    Show the id of this connection.',
    'INFO',
    '    Describe this connection, as one line of CLIENT LIST.',
    'KILL <ip:port>',
    '    Close the connection from <ip:port>.',
    'KILL <filter> <value> [<filter> <value> ...]',
    '    Close the connections that match every filter, and reply how many there were:',
    '    * ID <client-id>',
    '    * ADDR <ip:port> and LADDR <ip:port> (the client\'s and the server\'s side)',
    '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
    '    * USER <username>',
    ...(c.server.engine === 'valkey' ? ['    * MAXAGE <seconds>, for connections at least that old'] : []),
    '    * SKIPME (YES|NO), whether this connection is spared (yes by default)',
    'LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <client-id> ...]',
    '    Describe the connections, one per line.',
    'UNPAUSE',
    '    End a CLIENT PAUSE early.',
    'PAUSE <timeout> [WRITE|ALL]',
    '    Hold the commands of all clients, or only those that write, for <timeout> milliseconds.',
    'REPLY (ON|OFF|SKIP)',
    '    Turn the replies to this connection on or off, or drop the reply to the next command.',
    'SETNAME <name>',
    '    Name this connection (an empty name removes it).',
    ...(hasLibInfo(c.server) ? ['SETINFO <LIB-NAME|LIB-VER> <value>', '    Record the client library\'s name or version.'] : []),
    'UNBLOCK <clientid> [TIMEOUT|ERROR]',
    '    Wake a client blocked by a blocking command, as if it timed out or with an error.',
    'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
    '         [OPTIN] [OPTOUT] [NOLOOP]',
    '    Turn server-assisted client-side caching on or off.',
    'TRACKINGINFO',
    '    Show this connection\'s tracking settings.',
    'NO-EVICT (ON|OFF)',
    '    Keep this connection from being evicted by maxmemory-clients.',
    ...(hasLibInfo(c.server) ? ['NO-TOUCH (ON|OFF)', '    Read keys without updating their LRU/LFU access time.'] : []),
  ];
  writeHelp(c, 'CLIENT', lines);
}

// ---------------------------------------------------------------------------------------------
// CLIENT LIST / INFO

/** The client type CLIENT LIST TYPE and CLIENT KILL TYPE match. */
function clientType(server: RedisServer, c: Client): 'normal' | 'replica' | 'pubsub' | 'master' {
  if (c.kind === 'master') return 'master';
  if (c.kind === 'replica' && !server.monitors.has(c)) return 'replica';
  if (c.kind === 'pubsub' || c.subscribed) return 'pubsub';
  return 'normal';
}

/** Bytes of a request in the protocol (what the query buffer held). */
function requestBytes(argv: readonly string[]): number {
  let n = 1 + String(argv.length).length + 2;
  for (const a of argv) n += 1 + String(a.length).length + 2 + a.length + 2;
  return n;
}

const QUERY_BUFFER_CAPACITY = 20474;
const REPLY_BUFFER = 16384;
const CLIENT_STRUCT = 784;

/**
 * One CLIENT LIST line, with the real server's fields in its order. Values that describe the
 * real server's memory layout (query and reply buffer sizes) are derived from what this engine
 * holds: the buffered request bytes, the pending reply, the socket's queued output.
 */
export function clientInfoLine(server: RedisServer, c: Client): string {
  const now = server.clock.now();
  const flags = clientFlags(server, c);
  const current = server.currentClient === c ? c.currentArgv : null;
  const qbuf = c.parser.buffered + (current !== null ? requestBytes(current) : 0);
  const qbufFree = qbuf === 0 ? 0 : Math.max(QUERY_BUFFER_CAPACITY, 2 ** Math.ceil(Math.log2(qbuf + 1))) - qbuf;
  let argvMem = 0;
  const held = current ?? c.blocked?.argv ?? null;
  if (held !== null) for (const a of held) argvMem += a.length;
  let multiMem = 0;
  if (c.multi !== null) for (const q of c.multi) for (const a of q.argv) multiMem += a.length;
  const pending = c.w.out.length;
  const obl = Math.min(pending, REPLY_BUFFER);
  const omem = (c.socket?.writableLength ?? 0) + Math.max(0, pending - REPLY_BUFFER);
  const oll = omem > 0 ? Math.ceil(omem / REPLY_BUFFER) : 0;
  const totMem = CLIENT_STRUCT + (qbuf > 0 ? qbuf + qbufFree + 6 : 0) + REPLY_BUFFER + argvMem + multiMem + omem;
  const socket = c.socket;
  const writing = socket !== null && socket.writableLength > 0;
  const events = socket === null ? '' : (c.readingPaused ? '' : 'r') + (writing ? 'w' : '');
  const tracking = server.tracking.state(c);
  const fd = socketFd(c);
  const fields: string[] = [
    `id=${c.id}`,
    `addr=${c.address}`,
    `laddr=${c.localAddress}`,
    `fd=${fd}`,
    `name=${c.name}`,
    `age=${Math.floor((now - c.createdAt) / 1000)}`,
    `idle=${Math.floor((now - c.lastInteraction) / 1000)}`,
    `flags=${flags}`,
    `db=${c.db.id}`,
    `sub=${c.channels.size}`,
    `psub=${c.patterns.size}`,
    `ssub=${c.shardChannels.size}`,
    `multi=${c.multi !== null ? c.multi.length : -1}`,
  ];
  if (server.engine === 'valkey') fields.push(`watch=${c.watching.length}`);
  fields.push(
    `qbuf=${qbuf}`,
    `qbuf-free=${qbufFree}`,
    `argv-mem=${argvMem}`,
    `multi-mem=${multiMem}`,
    `rbs=${REPLY_BUFFER}`,
    `rbp=${Math.max(c.replyPeak, obl)}`,
    `obl=${obl}`,
    `oll=${oll}`,
    `omem=${omem}`,
    `tot-mem=${totMem}`,
    `events=${events}`,
    `cmd=${c.lastCommand?.fullName ?? 'NULL'}`,
    `user=${c.user.name}`,
    `redir=${tracking !== undefined ? tracking.redirect : -1}`,
    `resp=${c.w.resp}`,
  );
  if (hasLibInfo(server)) fields.push(`lib-name=${c.libName}`, `lib-ver=${c.libVersion}`);
  if (server.engine === 'valkey') fields.push(`tot-net-in=${c.netInput}`, `tot-net-out=${c.netOutput}`, `tot-cmds=${c.commandsProcessed}`);
  return fields.join(' ');
}

/** The file descriptor of the client's socket in this process, -1 for internal clients. */
function socketFd(c: Client): number {
  const handle = (c.socket as unknown as { _handle?: { fd?: number } } | null)?._handle;
  return typeof handle?.fd === 'number' && handle.fd >= 0 ? handle.fd : -1;
}

function clientFlags(server: RedisServer, c: Client): string {
  let f = '';
  if (server.monitors.has(c)) f += 'O';
  else if (c.kind === 'replica') f += 'S';
  if (c.kind === 'master') f += 'M';
  if (c.subscribed) f += 'P';
  if (c.multi !== null) f += 'x';
  if (c.blocked !== null) f += 'b';
  const tracking = server.tracking.state(c);
  if (tracking !== undefined) {
    f += 't';
    if (tracking.brokenRedirect) f += 'R';
    if (tracking.bcast) f += 'B';
  }
  if (c.dirtyCas) f += 'd';
  if (c.closeAfterReply) f += 'c';
  if (c.readonlyMode) f += 'r';
  if (c.noEvict) f += 'e';
  if (c.noTouch && server.engine === 'valkey') f += 'T';
  return f === '' ? 'N' : f;
}

/** CLIENT LIST [TYPE type] [ID id ...] */
function list(c: Client, argv: string[]): void {
  const server = c.server;
  let out = '';
  if (argv.length === 4 && is(argv[2], 'TYPE')) {
    const type = clientTypeByName(argv[3]);
    if (type === undefined) throw new ReplyError(`ERR Unknown client type '${argv[3]}'`);
    for (const other of server.clients.values()) {
      if (clientType(server, other) === type) out += clientInfoLine(server, other) + '\n';
    }
  } else if (argv.length > 3 && is(argv[2], 'ID')) {
    for (let i = 3; i < argv.length; i++) {
      if (!isLongString(argv[i])) throw new ReplyError('ERR Invalid client ID');
    }
    for (let i = 3; i < argv.length; i++) {
      const other = server.clients.get(Number(argv[i]));
      if (other !== undefined) out += clientInfoLine(server, other) + '\n';
    }
  } else if (argv.length !== 2) {
    throw new ReplyError(Errors.SYNTAX);
  } else {
    for (const other of server.clients.values()) out += clientInfoLine(server, other) + '\n';
  }
  c.w.verbatim(out);
}

// ---------------------------------------------------------------------------------------------
// CLIENT KILL

/** CLIENT KILL addr | CLIENT KILL [ID id] [TYPE t] [ADDR a] [LADDR a] [USER u] [SKIPME yes|no] [MAXAGE s] */
function kill(c: Client, argv: string[]): void {
  const server = c.server;
  let addr: string | undefined;
  let laddr: string | undefined;
  let type: string | undefined;
  let id = 0;
  let user: string | undefined;
  let maxAge = 0;
  let skipme = true;
  const oldForm = argv.length === 3;
  if (oldForm) {
    addr = argv[2];
    skipme = false;
  } else {
    for (let i = 2; i < argv.length; i += 2) {
      const more = i + 1 < argv.length;
      const value = argv[i + 1];
      if (is(argv[i], 'ID') && more) {
        if (!isLongString(value) || Number(value) < 1) throw new ReplyError('ERR client-id should be greater than 0');
        id = Number(value);
      } else if (is(argv[i], 'MAXAGE') && more && server.engine === 'valkey') {
        if (!isLongString(value)) throw new ReplyError('ERR maxage is not an integer or out of range');
        if (Number(value) <= 0) throw new ReplyError('ERR maxage should be greater than 0');
        maxAge = Number(value);
      } else if (is(argv[i], 'TYPE') && more) {
        type = clientTypeByName(value);
        if (type === undefined) throw new ReplyError(`ERR Unknown client type '${value}'`);
      } else if (is(argv[i], 'ADDR') && more) {
        addr = value;
      } else if (is(argv[i], 'LADDR') && more) {
        laddr = value;
      } else if (is(argv[i], 'USER') && more) {
        if (!server.acl.users.has(value)) throw new ReplyError(`ERR No such user '${value}'`);
        user = value;
      } else if (is(argv[i], 'SKIPME') && more) {
        if (is(value, 'YES')) skipme = true;
        else if (is(value, 'NO')) skipme = false;
        else throw new ReplyError(Errors.SYNTAX);
      } else {
        throw new ReplyError(Errors.SYNTAX);
      }
    }
  }
  const now = server.clock.now();
  let killed = 0;
  let closeSelf = false;
  for (const other of [...server.clients.values()]) {
    if (addr !== undefined && other.address !== addr) continue;
    if (laddr !== undefined && other.localAddress !== laddr) continue;
    if (type !== undefined && clientType(server, other) !== type) continue;
    if (id !== 0 && other.id !== id) continue;
    if (user !== undefined && other.user.name !== user) continue;
    if (other === c && skipme) continue;
    if (maxAge !== 0 && Math.floor((now - other.createdAt) / 1000) < maxAge) continue;
    if (other === c) closeSelf = true;
    else other.close();
    killed++;
  }
  if (oldForm) {
    if (killed === 0) throw new ReplyError('ERR No such client');
    c.w.ok();
  } else {
    c.w.int(killed);
  }
  if (closeSelf) c.closeAfterReply = true;
}

// ---------------------------------------------------------------------------------------------
// CLIENT REPLY, PAUSE, UNBLOCK, SETINFO

function reply(c: Client, argv: string[]): void {
  if (is(argv[2], 'ON')) {
    c.replyMode = 'on';
    c.w.ok();
  } else if (is(argv[2], 'OFF')) {
    c.replyMode = 'off';
  } else if (is(argv[2], 'SKIP')) {
    if (c.replyMode !== 'off') c.replyMode = 'skip';
  } else {
    throw new ReplyError(Errors.SYNTAX);
  }
}

/** The error for a subcommand called with arguments it does not take. */
function subcommandSyntax(argv: readonly string[]): string {
  return `ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try CLIENT HELP.`;
}

/** CLIENT PAUSE timeout [WRITE|ALL] */
function pause(c: Client, argv: string[]): void {
  let all = true;
  if (argv.length === 4) {
    if (is(argv[3], 'WRITE')) all = false;
    else if (is(argv[3], 'ALL')) all = true;
    else throw new ReplyError('ERR CLIENT PAUSE mode must be WRITE or ALL');
  } else if (argv.length > 4) {
    throw new ReplyError(subcommandSyntax(argv));
  }
  const ms = timeoutArg(argv[2]);
  c.server.pauseClients(c.server.clock.now() + ms, all);
  c.w.ok();
}

/** A millisecond timeout argument, as the server's getTimeoutFromObjectOrReply checks it. */
function timeoutArg(arg: string): number {
  if (!isLongString(arg)) throw new ReplyError('ERR timeout is not an integer or out of range');
  const ms = Number(arg);
  if (ms < 0) throw new ReplyError('ERR timeout is negative');
  return ms;
}

/** CLIENT UNBLOCK id [TIMEOUT|ERROR] */
function unblock(c: Client, argv: string[]): void {
  let error = false;
  if (argv.length === 4) {
    if (is(argv[3], 'TIMEOUT')) error = false;
    else if (is(argv[3], 'ERROR')) error = true;
    else throw new ReplyError('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
  } else if (argv.length > 4) {
    throw new ReplyError(subcommandSyntax(argv));
  }
  if (!isLongString(argv[2])) throw new ReplyError(Errors.NOT_INTEGER);
  const target = c.server.clients.get(Number(argv[2]));
  const state = target?.blocked;
  if (target === undefined || state === null || state === undefined || state.kind === 'pause') {
    c.w.int(0);
    return;
  }
  c.server.unblockWith(target, (t) => {
    if (error) t.w.error('UNBLOCKED client unblocked via CLIENT UNBLOCK');
    else state.onTimeout(t);
  });
  c.w.int(1);
}

/** CLIENT SETINFO LIB-NAME|LIB-VER value */
function setinfo(c: Client, argv: string[]): void {
  const attr = argv[2];
  const value = argv[3];
  const isName = is(attr, 'LIB-NAME');
  if (!isName && !is(attr, 'LIB-VER')) throw new ReplyError(`ERR Unrecognized option '${attr}'`);
  if (value !== '' && !validClientName(value)) throw new ReplyError(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
  if (isName) c.libName = value;
  else c.libVersion = value;
  c.w.ok();
}

// ---------------------------------------------------------------------------------------------
// Client-side caching

/** CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP] */
function trackingCommand(c: Client, argv: string[]): void {
  const server = c.server;
  let redirect = 0;
  let bcast = false;
  let optin = false;
  let optout = false;
  let noloop = false;
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const more = j + 1 < argv.length;
    if (is(argv[j], 'REDIRECT') && more) {
      j++;
      if (redirect !== 0) throw new ReplyError('ERR A client can only redirect to a single other client');
      if (!isLongString(argv[j])) throw new ReplyError(Errors.NOT_INTEGER);
      redirect = Number(argv[j]);
      if (!server.clients.has(redirect)) throw new ReplyError('ERR The client ID you want redirect to does not exist');
    } else if (is(argv[j], 'BCAST')) {
      bcast = true;
    } else if (is(argv[j], 'OPTIN')) {
      optin = true;
    } else if (is(argv[j], 'OPTOUT')) {
      optout = true;
    } else if (is(argv[j], 'NOLOOP')) {
      noloop = true;
    } else if (is(argv[j], 'PREFIX') && more) {
      prefixes.push(argv[++j]);
    } else {
      throw new ReplyError(Errors.SYNTAX);
    }
  }
  const current = server.tracking.state(c);
  if (is(argv[2], 'ON')) {
    if (!bcast && prefixes.length > 0) throw new ReplyError('ERR PREFIX option requires BCAST mode to be enabled');
    if (current !== undefined && current.bcast !== bcast) {
      throw new ReplyError('ERR You can\'t switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.');
    }
    if (bcast && (optin || optout)) throw new ReplyError('ERR OPTIN and OPTOUT are not compatible with BCAST');
    if (optin && optout) throw new ReplyError('ERR You can\'t specify both OPTIN mode and OPTOUT mode');
    if (current !== undefined && ((optin && current.optout) || (optout && current.optin))) {
      throw new ReplyError('ERR You can\'t switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.');
    }
    if (bcast) {
      const overlap = server.tracking.overlapping(c, prefixes);
      if (overlap !== undefined) throw new ReplyError('ERR ' + overlap);
    }
    server.tracking.enable(c, redirect, { bcast, optin, optout, noloop }, prefixes);
  } else if (is(argv[2], 'OFF')) {
    server.tracking.disable(c);
  } else {
    throw new ReplyError(Errors.SYNTAX);
  }
  c.w.ok();
}

/** CLIENT CACHING YES|NO */
function caching(c: Client, argv: string[]): void {
  const state = c.server.tracking.state(c);
  if (state === undefined) {
    throw new ReplyError('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
  }
  if (is(argv[2], 'YES')) {
    if (!state.optin) throw new ReplyError('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
  } else if (is(argv[2], 'NO')) {
    if (!state.optout) throw new ReplyError('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
  } else {
    throw new ReplyError(Errors.SYNTAX);
  }
  state.caching = true;
  c.w.ok();
}

function trackingInfo(c: Client): void {
  const state = c.server.tracking.state(c);
  const flags: string[] = [state !== undefined ? 'on' : 'off'];
  if (state !== undefined) {
    if (state.bcast) flags.push('bcast');
    if (state.optin) flags.push('optin');
    if (state.optin && state.caching) flags.push('caching-yes');
    if (state.optout) flags.push('optout');
    if (state.optout && state.caching) flags.push('caching-no');
    if (state.noloop) flags.push('noloop');
    if (state.brokenRedirect) flags.push('broken_redirect');
  }
  c.w.map(3);
  c.w.bulk('flags');
  c.w.set(flags.length);
  for (const f of flags) c.w.bulk(f);
  c.w.bulk('redirect');
  c.w.int(state !== undefined ? state.redirect : -1);
  c.w.bulk('prefixes');
  const prefixes = state !== undefined ? [...state.prefixes].sort() : [];
  c.w.array(prefixes.length);
  for (const p of prefixes) c.w.bulk(p);
}
