import * as os from 'node:os';
import type { Client } from '../client';
import { compareVersions } from '../config';
import type { RedisServer } from '../server';
import { isLongString, is, parseDouble } from './args';
import { writeHelp } from './config';
import { CommandDef, Errors, ReplyError } from './types';
import { RObject } from '../store/types';

/** Server commands. */
export const commands: CommandDef[] = [
  {
    name: 'info',
    arity: -1,
    flags: ['loading', 'stale'],
    acl: ['dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Returns information and statistics about the server.',
    complexity: 'O(1)',
    handler: (c, argv) => c.w.verbatim(info(c.server, argv.slice(1))),
  },
  {
    name: 'dbsize',
    arity: 1,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    group: 'server',
    since: '1.0.0',
    summary: 'Returns the number of keys in the database.',
    complexity: 'O(1)',
    handler: (c) => c.w.int(c.db.size),
  },
  {
    name: 'flushdb',
    arity: -1,
    flags: ['write'],
    acl: ['keyspace', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Removes all keys from the current database.',
    complexity: 'O(N) where N is the number of keys in the selected database',
    handler: (c, argv) => {
      const lazy = flushMode(c, argv);
      c.db.signalAll(true, c.now);
      const removed = c.db.flush();
      if (lazy) c.server.stats.lazyfreedObjects += removed;
      c.server.dirty += removed;
      forcePropagation(c, argv, removed);
      c.server.tracking.invalidateAll();
      c.w.ok();
    },
  },
  {
    name: 'flushall',
    arity: -1,
    flags: ['write'],
    acl: ['keyspace', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Removes all keys from all databases.',
    complexity: 'O(N) where N is the total number of keys in all databases',
    handler: (c, argv) => {
      const lazy = flushMode(c, argv);
      const server = c.server;
      let removed = 0;
      for (const db of server.dbs) {
        db.signalAll(true, c.now);
        removed += db.flush();
      }
      if (lazy) server.stats.lazyfreedObjects += removed;
      server.dirty += removed;
      forcePropagation(c, argv, removed);
      // With save points configured, the real server saves the (now empty) dataset at once.
      if (server.config.get('save') !== '') recordSave(server);
      server.tracking.invalidateAll();
      c.w.ok();
    },
  },
  {
    name: 'time',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    acl: [],
    group: 'server',
    since: '2.6.0',
    summary: 'Returns the server time.',
    complexity: 'O(1)',
    handler: (c) => {
      const micros = Math.floor(c.server.clock.now() * 1000 + (performance.now() % 1) * 1000);
      c.w.array(2);
      c.w.bulk(String(Math.floor(micros / 1e6)));
      c.w.bulk(String(micros % 1e6));
    },
  },
  {
    name: 'swapdb',
    arity: 3,
    flags: ['write', 'fast'],
    acl: ['keyspace', 'dangerous'],
    group: 'server',
    since: '4.0.0',
    summary: 'Swaps two databases.',
    complexity: 'O(N) where N is the count of clients watching or blocking on keys from both databases.',
    handler: swapdb,
  },
  {
    name: 'lastsave',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    acl: ['admin', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Returns the Unix timestamp of the last successful save to disk.',
    complexity: 'O(1)',
    handler: (c) => c.w.int(c.server.lastSave),
  },
  {
    name: 'save',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    acl: [],
    group: 'server',
    since: '1.0.0',
    summary: 'Synchronously saves the database(s) to disk.',
    complexity: 'O(N) where N is the total number of keys in all databases',
    handler: (c) => {
      recordSave(c.server);
      c.w.ok();
    },
  },
  {
    name: 'bgsave',
    arity: -1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    acl: [],
    group: 'server',
    since: '1.0.0',
    summary: 'Asynchronously saves the database(s) to disk.',
    complexity: 'O(1)',
    handler: (c, argv) => {
      if (argv.length > 2 || (argv.length === 2 && !is(argv[1], 'SCHEDULE'))) throw new ReplyError(Errors.SYNTAX);
      recordSave(c.server);
      c.w.status('Background saving started');
    },
  },
  {
    name: 'bgrewriteaof',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    acl: [],
    group: 'server',
    since: '1.0.0',
    summary: 'Asynchronously rewrites the append-only file to disk.',
    complexity: 'O(1)',
    handler: (c) => {
      c.server.aofRewrites++;
      c.w.status('Background append only file rewriting started');
    },
  },
  {
    name: 'shutdown',
    arity: -1,
    flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
    acl: [],
    group: 'server',
    since: '1.0.0',
    summary: 'Synchronously saves the database(s) to disk and shuts down the server.',
    complexity: 'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
    handler: shutdown,
  },
  {
    name: 'monitor',
    arity: 1,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    acl: [],
    group: 'server',
    since: '1.0.0',
    summary: 'Listens for all requests received by the server in real-time.',
    handler: (c) => {
      if (!c.canBlock) throw new ReplyError("ERR MONITOR isn't allowed for DENY BLOCKING client");
      if (c.kind === 'replica' || c.server.monitors.has(c)) return;
      c.server.monitors.add(c);
      c.w.ok();
    },
  },
  {
    name: 'debug',
    arity: -2,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    acl: [],
    group: 'server',
    since: '1.0.0',
    summary: 'A container for debugging commands.',
    complexity: 'Depends on subcommand.',
    docFlags: ['syscmd'],
    handler: debug,
  },
];

/**
 * FLUSHDB/FLUSHALL [ASYNC|SYNC]: whether the flush is lazy (ASYNC, or lazyfree-lazy-user-flush
 * without an argument). Both free at once here; a lazy flush is counted in lazyfreed_objects.
 */
function flushMode(c: Client, argv: string[]): boolean {
  if (argv.length > 2 || (argv.length === 2 && !is(argv[1], 'ASYNC') && !is(argv[1], 'SYNC'))) {
    throw new ReplyError(Errors.SYNTAX);
  }
  return argv.length === 2 ? is(argv[1], 'ASYNC') : c.server.config.getBool('lazyfree-lazy-user-flush');
}

/**
 * A flush replicates even when there was nothing to remove (the dirty counter, which counts only
 * the removed keys as in the real server, then does not move).
 */
function forcePropagation(c: Client, argv: string[], removed: number): void {
  if (removed === 0) c.extraPropagation = [argv];
}

/** SAVE/BGSAVE: there is no disk; the save succeeds at once and is recorded as one. */
function recordSave(server: RedisServer): void {
  server.lastSave = Math.floor(server.clock.now() / 1000);
  server.dirtyAtLastSave = server.dirty;
  server.rdbSaves++;
}

// ---------------------------------------------------------------------------------------------
// SWAPDB, WAIT, SHUTDOWN

/** SWAPDB index1 index2 */
function swapdb(c: Client, argv: string[]): void {
  const server = c.server;
  if (server.config.getBool('cluster-enabled')) throw new ReplyError('ERR SWAPDB is not allowed in cluster mode');
  if (!isLongString(argv[1])) throw new ReplyError('ERR invalid first DB index');
  if (!isLongString(argv[2])) throw new ReplyError('ERR invalid second DB index');
  const a = Number(argv[1]);
  const b = Number(argv[2]);
  if (a < 0 || a >= server.dbs.length || b < 0 || b >= server.dbs.length) throw new ReplyError(Errors.DB_INDEX);
  if (a !== b) {
    const da = server.dbs[a];
    const db = server.dbs[b];
    // Watchers of a key that exists on either side see it change.
    for (const [d, other] of [[da, db], [db, da]]) {
      for (const [key, watchers] of d.watched) {
        if (d.exists(key, c.now) || other.exists(key, c.now)) for (const w of watchers) w.dirtyCas = true;
      }
    }
    da.swapWith(db);
    server.signalReadyKeys(da);
    server.signalReadyKeys(db);
  }
  server.dirty++;
  c.w.ok();
}

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: the node stops (every connection closes, the port
 * is released), as the real process exits; nothing is written anywhere. The process running the
 * engine goes on.
 */
function shutdown(c: Client, argv: string[]): void {
  let save = false;
  let nosave = false;
  let abort = false;
  for (let i = 1; i < argv.length; i++) {
    if (is(argv[i], 'NOSAVE')) nosave = true;
    else if (is(argv[i], 'SAVE')) save = true;
    else if (is(argv[i], 'NOW') || is(argv[i], 'FORCE')) continue;
    else if (is(argv[i], 'ABORT')) abort = true;
    else throw new ReplyError(Errors.SYNTAX);
  }
  if ((abort && argv.length !== 2) || (save && nosave)) throw new ReplyError(Errors.SYNTAX);
  if (abort) throw new ReplyError('ERR No shutdown in progress.');
  const server = c.server;
  server.log(`User requested shutdown from client id=${c.id}; the node stops.`);
  // No reply: the connection closes, as with the real server.
  setImmediate(() => {
    void server.stop();
  });
}

// ---------------------------------------------------------------------------------------------
// DEBUG

const DEBUG_REFUSED = 'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.';

/** DEBUG: the subcommands useful for tests, when enable-debug-command allows them (off by default). */
function debug(c: Client, argv: string[]): void {
  const server = c.server;
  const allowed = server.config.get('enable-debug-command');
  // Every connection to the local engine comes from the loopback interface: "local" allows it.
  if (allowed !== 'yes' && allowed !== 'local') throw new ReplyError(DEBUG_REFUSED);
  const sub = argv[1];
  if (is(sub, 'HELP') && argv.length === 2) {
    writeHelp(c, 'DEBUG', [
      'CHANGE-REPL-ID',
      '    Give the server a new replication id.',
      'LOG <message>',
      '    Write <message> to the server log.',
      'OBJECT <key>',
      '    Describe the value stored at <key>: encoding, serialized length, LRU clock and idle time.',
      'RELOAD',
      '    Save and load the dataset again (the local engine keeps it as it is).',
      'SET-ACTIVE-EXPIRE <0|1>',
      '    Turn the background deletion of expired keys off or on.',
      'SLEEP <seconds>',
      '    Stop the server for <seconds> (fractions allowed).',
    ]);
    return;
  }
  if (is(sub, 'SLEEP') && argv.length === 3) {
    const seconds = parseDouble(argv[2]) ?? 0;
    sleepSync(Math.max(0, seconds) * 1000);
    c.w.ok();
  } else if (is(sub, 'SET-ACTIVE-EXPIRE') && argv.length === 3) {
    server.activeExpireEnabled = atoi(argv[2]) !== 0;
    c.w.ok();
  } else if (is(sub, 'OBJECT') && argv.length === 3) {
    c.w.status(debugObject(c, argv[2]));
  } else if (is(sub, 'RELOAD') || is(sub, 'CHANGE-REPL-ID')) {
    c.w.ok();
  } else if (is(sub, 'LOG') && argv.length === 3) {
    server.log(`DEBUG LOG: ${argv[2]}`);
    c.w.ok();
  } else {
    throw new ReplyError(`ERR unknown subcommand or wrong number of arguments for '${sub}'. Try DEBUG HELP.`);
  }
}

/** C's atoi: leading digits with an optional sign, 0 when there are none. */
function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

/** Blocks the event loop, as DEBUG SLEEP blocks the real server. */
function sleepSync(ms: number): void {
  if (ms <= 0) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** DEBUG OBJECT key: the real server's line, with this engine's encoding and an RDB size estimate. */
function debugObject(c: Client, key: string): string {
  const server = c.server;
  const entry = c.db.lookup(key, c.now, false);
  if (entry === undefined) throw new ReplyError(Errors.NO_SUCH_KEY);
  const value = entry.value;
  let encoding: string;
  let serialized: number;
  let refcount = 1;
  if (typeof value === 'string') {
    const int = isLongString(value) && value.length <= 20;
    encoding = int ? 'int' : value.length <= 44 ? 'embstr' : 'raw';
    if (int) {
      const n = Number(value);
      const shared = n >= 0 && n < 10000 && (server.maxmemory === 0 || !/lru|lfu/.test(server.maxmemoryPolicy));
      if (shared) refcount = 2147483647;
      serialized = Math.abs(n) < 128 ? 2 : Math.abs(n) < 32768 ? 3 : Math.abs(n) < 2 ** 31 ? 5 : lengthPrefix(value.length) + value.length;
    } else {
      serialized = lengthPrefix(value.length) + value.length;
    }
  } else {
    encoding = (value as RObject).encoding(server.encoding);
    serialized = Math.max(1, (value as RObject).bytes);
  }
  const idle = Math.floor(server.idleTime(entry) / 1000);
  const address = '0x7f' + (0x10000000 + ((entry.slot * 48) & 0xfffffff)).toString(16);
  return `Value at:${address} refcount:${refcount} encoding:${encoding} serializedlength:${serialized} lru:${entry.lru & 0xffffff} lru_seconds_idle:${idle}`;
}

function lengthPrefix(n: number): number {
  return n < 64 ? 1 : n < 16384 ? 2 : 5;
}

// ---------------------------------------------------------------------------------------------
// INFO

type Fields = Array<[string, string | number]>;

/** Sections in INFO's order and whether `INFO` without arguments (default) includes them. */
const SECTIONS: Array<[string, boolean, (s: RedisServer) => Fields]> = [
  ['server', true, serverSection],
  ['clients', true, clientsSection],
  ['memory', true, memorySection],
  ['persistence', true, persistenceSection],
  ['stats', true, statsSection],
  ['replication', true, replicationSection],
  ['cpu', true, cpuSection],
  ['modules', true, () => []],
  ['commandstats', false, commandStatsSection],
  ['errorstats', true, errorStatsSection],
  ['latencystats', false, latencyStatsSection],
  ['cluster', true, (s) => [['cluster_enabled', s.config.getBool('cluster-enabled') ? 1 : 0]]],
  ['keyspace', true, keyspaceSection],
];

const SECTION_TITLES: Record<string, string> = { cpu: 'CPU' };

/** Hooks that topology layers use to extend sections (e.g. replication details). */
export type InfoSectionProvider = (server: RedisServer) => Fields;
const extraProviders = new WeakMap<RedisServer, Map<string, InfoSectionProvider>>();

/** Replaces a section's fields for one server (used by replication and cluster layers). */
export function setInfoSection(server: RedisServer, section: string, provider: InfoSectionProvider): void {
  let map = extraProviders.get(server);
  if (map === undefined) {
    map = new Map();
    extraProviders.set(server, map);
  }
  map.set(section, provider);
}

/**
 * The INFO text for the requested sections: none or `default` (the default sections), `all`
 * (every section), `everything` (the same: there are no module sections), or section names in
 * any case; several may be combined. Sections always come in the server's order.
 */
export function info(server: RedisServer, requested: string[]): string {
  const names = new Set(requested.map((r) => (r.toLowerCase() === 'module_list' ? 'modules' : r.toLowerCase())));
  const all = names.has('all') || names.has('everything');
  const defaults = names.size === 0 || names.has('default');
  const parts: string[] = [];
  const overrides = extraProviders.get(server);
  for (const [name, inDefault, provider] of SECTIONS) {
    if (!(all || names.has(name) || (defaults && inDefault))) continue;
    const fields = overrides?.get(name)?.(server) ?? provider(server);
    const title = SECTION_TITLES[name] ?? name.charAt(0).toUpperCase() + name.slice(1);
    parts.push(`# ${title}\r\n` + fields.map(([k, v]) => `${k}:${v}\r\n`).join(''));
  }
  return parts.join('\r\n');
}

/** Valkey and Redis OSS 7.2 report a few more fields than Redis OSS 7.0. */
function modern(s: RedisServer): boolean {
  return s.engine === 'valkey' || compareVersions(s.version, '7.2.0') >= 0;
}

function serverSection(s: RedisServer): Fields {
  const now = s.clock.now();
  const uptime = Math.floor((now - s.startedAt) / 1000);
  const mode = s.config.getBool('cluster-enabled') ? 'cluster' : 'standalone';
  const valkey = s.engine === 'valkey';
  const fields: Fields = valkey
    ? [['redis_version', '7.2.4'], ['server_name', 'valkey'], ['valkey_version', s.version]]
    : [['redis_version', s.version]];
  fields.push(
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', s.runId.slice(0, 15)],
    [valkey && !s.config.getBool('extended-redis-compatibility') ? 'server_mode' : 'redis_mode', mode],
    ['os', `${os.type()} ${os.release()} ${os.arch() === 'x64' ? 'x86_64' : os.arch()}`],
    ['arch_bits', 64],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', 'epoll'],
  );
  if (!valkey) fields.push(['atomicvar_api', 'c11-builtin']);
  fields.push(
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', s.runId],
    ['tcp_port', s.port],
    ['server_time_usec', Math.floor(now * 1000)],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', s.config.getNumber('hz')],
    ['configured_hz', s.config.getNumber('hz')],
    ['lru_clock', Math.floor(now / 1000) & 0xffffff],
    ['executable', process.execPath],
    ['config_file', ''],
    ['io_threads_active', 0],
  );
  if (valkey) fields.push(['availability_zone', s.config.get('availability-zone')]);
  return fields;
}

function clientsSection(s: RedisServer): Fields {
  let pubsub = 0;
  let watching = 0;
  let watchedKeys = 0;
  for (const c of s.clients.values()) {
    if (c.subscribed) pubsub++;
    if (c.watching.length > 0) watching++;
  }
  for (const db of s.dbs) watchedKeys += db.watched.size;
  let inputMax = 0;
  let outputMax = 0;
  for (const c of s.clients.values()) {
    inputMax = Math.max(inputMax, c.parser.buffered);
    outputMax = Math.max(outputMax, c.w.out.length + (c.socket?.writableLength ?? 0));
  }
  const fields: Fields = [
    ['connected_clients', s.clients.size],
    ['cluster_connections', 0],
    ['maxclients', s.maxclients],
    ['client_recent_max_input_buffer', inputMax],
    ['client_recent_max_output_buffer', outputMax],
    ['blocked_clients', s.blockedClients],
    ['tracking_clients', s.tracking.states.size],
  ];
  if (modern(s)) fields.push(['pubsub_clients', pubsub], ['watching_clients', watching]);
  fields.push(['clients_in_timeout_table', s.clientsWithTimeout()]);
  if (modern(s)) {
    fields.push(['total_watched_keys', watchedKeys], ['total_blocking_keys', s.blockingKeyCount()], ['total_blocking_keys_on_nokey', 0]);
  }
  return fields;
}

function humanBytes(n: number): string {
  if (n < 1024) return `${n}B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(2)}K`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(2)}M`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)}G`;
}

function percent(a: number, b: number): string {
  return b > 0 ? `${((a * 100) / b).toFixed(2)}%` : '0.00%';
}

/** Memory figures: the engine's own estimates, with the process's RSS where the real server shows RSS. */
function memorySection(s: RedisServer): Fields {
  const used = s.usedMemory();
  const peak = Math.max(s.peakMemory, used);
  const startup = used - s.mem.used;
  let clientsNormal = 0;
  for (const c of s.clients.values()) clientsNormal += c.w.out.length + (c.socket?.writableLength ?? 0) + c.parser.buffered;
  let keys = 0;
  for (const db of s.dbs) keys += db.size;
  const overhead = startup + clientsNormal + keys * 8;
  const dataset = Math.max(0, used - overhead);
  const rss = process.memoryUsage().rss;
  const lua = 32768;
  const scripts = s.scriptingStarted ? s.scripting.size : 0;
  const scriptBytes = s.scriptingStarted ? s.scripting.scriptBytes : 0;
  const functions = s.scriptingStarted ? s.scripting.functions.size : 0;
  const libraries = s.scriptingStarted ? s.scripting.libraries.size : 0;
  const functionBytes = s.scriptingStarted ? s.scripting.functionBytes : 0;
  const fields: Fields = [
    ['used_memory', used],
    ['used_memory_human', humanBytes(used)],
    ['used_memory_rss', rss],
    ['used_memory_rss_human', humanBytes(rss)],
    ['used_memory_peak', peak],
    ['used_memory_peak_human', humanBytes(peak)],
    ['used_memory_peak_perc', percent(used, peak)],
    ['used_memory_overhead', overhead],
    ['used_memory_startup', startup],
    ['used_memory_dataset', dataset],
    ['used_memory_dataset_perc', percent(dataset, used - startup)],
    ['allocator_allocated', used],
    ['allocator_active', used],
    ['allocator_resident', rss],
  ];
  if (s.engine === 'valkey') fields.push(['allocator_muzzy', 0]);
  fields.push(
    ['total_system_memory', os.totalmem()],
    ['total_system_memory_human', humanBytes(os.totalmem())],
    ['used_memory_lua', lua],
    ['used_memory_vm_eval', lua],
    ['used_memory_lua_human', humanBytes(lua)],
    ['used_memory_scripts_eval', scriptBytes],
    ['number_of_cached_scripts', scripts],
    ['number_of_functions', functions],
    ['number_of_libraries', libraries],
    ['used_memory_vm_functions', lua],
    ['used_memory_vm_total', lua * 2],
    ['used_memory_vm_total_human', humanBytes(lua * 2)],
    ['used_memory_functions', functionBytes],
    ['used_memory_scripts', scriptBytes + functionBytes],
    ['used_memory_scripts_human', humanBytes(scriptBytes + functionBytes)],
    ['maxmemory', s.maxmemory],
    ['maxmemory_human', humanBytes(s.maxmemory)],
    ['maxmemory_policy', s.maxmemoryPolicy],
    ['allocator_frag_ratio', '1.00'],
    ['allocator_frag_bytes', 0],
    ['allocator_rss_ratio', (rss / used).toFixed(2)],
    ['allocator_rss_bytes', rss - used],
    ['rss_overhead_ratio', '1.00'],
    ['rss_overhead_bytes', 0],
    ['mem_fragmentation_ratio', (rss / used).toFixed(2)],
    ['mem_fragmentation_bytes', rss - used],
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', 0],
    ['mem_total_replication_buffers', 0],
    ['mem_clients_slaves', 0],
    ['mem_clients_normal', clientsNormal],
    ['mem_cluster_links', 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', 'libc'],
  );
  if (s.engine === 'valkey') fields.push(['mem_overhead_db_hashtable_rehashing', 0]);
  fields.push(['active_defrag_running', 0], ['lazyfree_pending_objects', 0], ['lazyfreed_objects', s.stats.lazyfreedObjects]);
  return fields;
}

function persistenceSection(s: RedisServer): Fields {
  const aof = s.config.getBool('appendonly');
  const fields: Fields = [
    ['loading', 0],
    ['async_loading', 0],
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'],
    ['current_save_keys_processed', 0],
    ['current_save_keys_total', 0],
    ['rdb_changes_since_last_save', s.dirty - s.dirtyAtLastSave],
    ['rdb_bgsave_in_progress', 0],
    ['rdb_last_save_time', s.lastSave],
    ['rdb_last_bgsave_status', 'ok'],
    ['rdb_last_bgsave_time_sec', s.rdbSaves > 0 ? 0 : -1],
    ['rdb_current_bgsave_time_sec', -1],
    ['rdb_saves', s.rdbSaves],
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', 0],
    ['rdb_last_load_keys_loaded', 0],
    ['aof_enabled', aof ? 1 : 0],
    ['aof_rewrite_in_progress', 0],
    ['aof_rewrite_scheduled', 0],
    ['aof_last_rewrite_time_sec', s.aofRewrites > 0 ? 0 : -1],
    ['aof_current_rewrite_time_sec', -1],
    ['aof_last_bgrewrite_status', 'ok'],
    ['aof_rewrites', s.aofRewrites],
    ['aof_rewrites_consecutive_failures', 0],
    ['aof_last_write_status', 'ok'],
    ['aof_last_cow_size', 0],
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
  ];
  if (aof) {
    fields.push(['aof_current_size', 0], ['aof_base_size', 0], ['aof_pending_rewrite', 0], ['aof_buffer_length', 0],
      ['aof_pending_bio_fsync', 0], ['aof_delayed_fsync', 0]);
  }
  return fields;
}

function statsSection(s: RedisServer): Fields {
  const st = s.stats;
  const rates = s.instantaneousMetrics();
  const fields: Fields = [
    ['total_connections_received', st.connectionsReceived],
    ['total_commands_processed', st.commandsProcessed],
    ['instantaneous_ops_per_sec', rates.ops],
    ['total_net_input_bytes', st.netInputBytes],
    ['total_net_output_bytes', st.netOutputBytes],
    ['total_net_repl_input_bytes', 0],
    ['total_net_repl_output_bytes', 0],
    ['instantaneous_input_kbps', rates.inputKbps.toFixed(2)],
    ['instantaneous_output_kbps', rates.outputKbps.toFixed(2)],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', st.rejectedConnections],
    ['sync_full', 0],
    ['sync_partial_ok', 0],
    ['sync_partial_err', 0],
    ['expired_keys', st.expiredKeys],
    ['expired_stale_perc', '0.00'],
    ['expired_time_cap_reached_count', 0],
    ['expire_cycle_cpu_milliseconds', Math.round(s.expireCycleMs)],
    ['evicted_keys', st.evictedKeys],
    ['evicted_clients', 0],
  ];
  if (modern(s)) fields.push(['evicted_scripts', 0]);
  fields.push(
    ['total_eviction_exceeded_time', 0],
    ['current_eviction_exceeded_time', 0],
    ['keyspace_hits', st.keyspaceHits],
    ['keyspace_misses', st.keyspaceMisses],
    ['pubsub_channels', s.pubsub.channels.size],
    ['pubsub_patterns', s.pubsub.patterns.size],
    ['pubsubshard_channels', s.pubsub.shardChannels.size],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', 0],
    ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', s.tracking.totalKeys],
    ['tracking_total_items', s.tracking.totalItems],
    ['tracking_total_prefixes', s.tracking.totalPrefixes],
    ['unexpected_error_replies', st.unexpectedErrorReplies],
    ['total_error_replies', st.totalErrorReplies],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', st.readsProcessed],
    ['total_writes_processed', st.writesProcessed],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
  );
  if (s.engine === 'valkey') {
    fields.push(['io_threaded_freed_objects', 0], ['io_threaded_poll_processed', 0], ['io_threaded_total_prefetch_batches', 0],
      ['io_threaded_total_prefetch_entries', 0]);
  }
  if (modern(s)) {
    fields.push(['client_query_buffer_limit_disconnections', st.queryBufferLimitDisconnections],
      ['client_output_buffer_limit_disconnections', st.outputBufferLimitDisconnections]);
  }
  fields.push(['reply_buffer_shrinks', 0], ['reply_buffer_expands', 0]);
  if (modern(s)) {
    fields.push(['eventloop_cycles', st.readsProcessed], ['eventloop_duration_sum', 0], ['eventloop_duration_cmd_sum', 0],
      ['instantaneous_eventloop_cycles_per_sec', 0], ['instantaneous_eventloop_duration_usec', 0],
      ['acl_access_denied_auth', st.aclDeniedAuth], ['acl_access_denied_cmd', st.aclDeniedCommand],
      ['acl_access_denied_key', st.aclDeniedKey], ['acl_access_denied_channel', st.aclDeniedChannel]);
  }
  return fields;
}

function replicationSection(s: RedisServer): Fields {
  return [
    ['role', s.role === 'master' ? 'master' : 'slave'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', s.runId],
    ['master_replid2', '0000000000000000000000000000000000000000'],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', s.config.getNumber('repl-backlog-size')],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ];
}

function cpuSection(): Fields {
  const usage = process.cpuUsage();
  const sys = (usage.system / 1e6).toFixed(6);
  const user = (usage.user / 1e6).toFixed(6);
  return [
    ['used_cpu_sys', sys],
    ['used_cpu_user', user],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', sys],
    ['used_cpu_user_main_thread', user],
  ];
}

/** Every command and subcommand, in table order. */
function eachCommand(s: RedisServer): Array<RedisServer['commandList'][number]> {
  const out: Array<RedisServer['commandList'][number]> = [];
  for (const cmd of s.commandList) {
    out.push(cmd);
    for (const sub of cmd.subcommands?.values() ?? []) out.push(sub);
  }
  return out;
}

function commandStatsSection(s: RedisServer): Fields {
  const out: Fields = [];
  for (const cmd of eachCommand(s)) {
    if (cmd.calls === 0 && cmd.rejectedCalls === 0 && cmd.failedCalls === 0) continue;
    const perCall = cmd.calls > 0 ? (cmd.usec / cmd.calls).toFixed(2) : '0.00';
    out.push([`cmdstat_${cmd.fullName}`, `calls=${cmd.calls},usec=${cmd.usec},usec_per_call=${perCall},rejected_calls=${cmd.rejectedCalls},failed_calls=${cmd.failedCalls}`]);
  }
  return out;
}

function errorStatsSection(s: RedisServer): Fields {
  return [...s.stats.errors].map(([code, count]) => [`errorstat_${code}`, `count=${count}`]);
}

/** Per command: the latency-tracking-info-percentiles of its call durations, in microseconds. */
function latencyStatsSection(s: RedisServer): Fields {
  const percentiles = s.config.get('latency-tracking-info-percentiles').split(' ').filter((p) => p !== '');
  const out: Fields = [];
  for (const cmd of eachCommand(s)) {
    if (cmd.histogram.count === 0) continue;
    const values = percentiles.map((p) => `p${p}=${(cmd.histogram.percentile(Number(p)) / 1000).toFixed(3)}`);
    out.push([`latency_percentiles_usec_${cmd.fullName}`, values.join(',')]);
  }
  return out;
}

function keyspaceSection(s: RedisServer): Fields {
  const out: Fields = [];
  for (const db of s.dbs) {
    if (db.size === 0) continue;
    out.push([`db${db.id}`, `keys=${db.size},expires=${db.expiresCount},avg_ttl=${Math.round(db.avgTtl)}`]);
  }
  return out;
}
