/**
 * Every configuration parameter Redis OSS 7.0-7.2 and Valkey 8 know: names, aliases, kinds,
 * defaults, ranges and flags, as `CONFIG GET`/`CONFIG SET` see them. Most of them change nothing
 * in the local engine (there is no disk, no fork, no TLS file reloading); they are stored and
 * reported so that tools reading the configuration find what the real server has. The ones that
 * change behaviour are applied by the server (see `RedisServer.applyConfig`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatNotifyFlags, parseNotifyFlags } from './notify';

/** Kinds of configuration values, each with its own parsing and CONFIG GET form. */
export type ConfigKind = 'bool' | 'int' | 'memory' | 'percent' | 'octal' | 'enum' | 'string' | 'special';

/**
 * The C type behind a numeric parameter: unsigned types compare bounds as unsigned 64-bit values,
 * as the real server does (so `-1` is reported as out of range rather than unparsable).
 */
export type NumericType = 'int' | 'uint' | 'long' | 'ulong' | 'longlong' | 'ulonglong' | 'size' | 'ssize' | 'time' | 'off';

/** A rejected value; the message is the reason CONFIG SET gives after the dash. */
export class ConfigValueError extends Error {}

/** One parameter. */
export interface ConfigParam {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly kind: ConfigKind;
  /** The default, in CONFIG GET form. */
  readonly default: string;
  /** Numeric bounds (inclusive). */
  readonly min?: bigint;
  readonly max?: bigint;
  readonly numeric?: NumericType;
  /** Enum names with their values, in the server's order (aliases share a value). */
  readonly values?: ReadonlyArray<readonly [string, number]>;
  /** Several space-separated words (enum bit flags, save, bind...). */
  readonly multiArg?: boolean;
  /** Cannot change at run time ("can't set immutable config"). */
  readonly immutable?: boolean;
  /** Changeable only when enable-protected-configs allows it ("can't set protected config"). */
  readonly protected?: boolean;
  /** Only an exact name finds it: hidden from patterns such as `CONFIG GET *`. */
  readonly hidden?: boolean;
  /** The value is redacted from SLOWLOG and MONITOR. */
  readonly sensitive?: boolean;
  /** Which engines know the parameter (default: all). */
  readonly only?: 'redis' | 'valkey';
  /** First Redis OSS version that knows it (Valkey, forked from 7.2, knows all of these). */
  readonly redisSince?: string;
  /** Valkey's different default or bounds. */
  readonly valkey?: { readonly default?: string; readonly max?: bigint; readonly hidden?: boolean };
  /**
   * Parses and validates a value (words already split for multi-argument parameters); returns
   * the stored CONFIG GET form or throws {@link ConfigValueError}. `current` is the present value
   * (client-output-buffer-limit changes only the classes given). Set for `special` parameters,
   * and as an extra check for others.
   */
  readonly parse?: (args: readonly string[], current: string) => string;
}

export const INT_MAX = 2147483647n;
export const INT_MIN = -2147483648n;
export const UINT_MAX = 4294967295n;
export const LONG_MAX = 9223372036854775807n;
export const ULONG_MAX = 18446744073709551615n;

type Extra = Partial<Omit<ConfigParam, 'name' | 'kind' | 'default'>>;

function bool(name: string, def: boolean, extra: Extra = {}): ConfigParam {
  return { name, kind: 'bool', default: def ? 'yes' : 'no', ...extra };
}

function str(name: string, def: string, extra: Extra = {}): ConfigParam {
  return { name, kind: 'string', default: def, ...extra };
}

function enumeration(name: string, values: ReadonlyArray<readonly [string, number]>, def: string, extra: Extra = {}): ConfigParam {
  return { name, kind: 'enum', default: def, values, ...extra };
}

function num(name: string, kind: 'int' | 'memory' | 'percent' | 'octal', numeric: NumericType, def: number | bigint, min: number | bigint, max: number | bigint, extra: Extra = {}): ConfigParam {
  const shown = kind === 'octal' ? Number(def).toString(8) : String(def);
  return { name, kind, numeric, default: shown, min: BigInt(min), max: BigInt(max), ...extra };
}

function special(name: string, def: string, parse: (args: readonly string[], current: string) => string, extra: Extra = {}): ConfigParam {
  return { name, kind: 'special', default: def, parse, ...extra };
}

const V72 = '7.2.0';

// -----------------------------------------------------------------------------------------------
// Enums (names in the server's order; the first name of a value is the one CONFIG GET shows)

export const MAXMEMORY_POLICIES = [
  'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl',
  'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction',
] as const;
export type MaxmemoryPolicy = typeof MAXMEMORY_POLICIES[number];

const named = (...names: string[]): Array<[string, number]> => names.map((n, i) => [n, i]);
const SUPERVISED = named('upstart', 'systemd', 'auto', 'no');
const SYSLOG_FACILITY = named('user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7');
const LOGLEVEL = named('debug', 'verbose', 'notice', 'warning');
const AOF_FSYNC = named('everysec', 'always', 'no');
const SHUTDOWN_ON_SIG: Array<[string, number]> = [['default', 0], ['save', 1], ['nosave', 2], ['now', 4], ['force', 8]];
const REPL_DISKLESS_LOAD = named('disabled', 'on-empty-db', 'swapdb');
const TLS_AUTH_CLIENTS = named('no', 'yes', 'optional');
const OOM_SCORE_ADJ: Array<[string, number]> = [['no', 0], ['yes', 1], ['relative', 1], ['absolute', 2]];
const ACL_PUBSUB_DEFAULT = named('allchannels', 'resetchannels');
const SANITIZE_DUMP_PAYLOAD = named('no', 'yes', 'clients');
const PROTECTED_ACTION = named('no', 'yes', 'local');
const CLUSTER_ENDPOINT_TYPE = named('ip', 'hostname', 'unknown-endpoint');
const PROPAGATION_ERROR_BEHAVIOR = named('ignore', 'panic', 'panic-on-replicas');

// -----------------------------------------------------------------------------------------------
// Parsers of the special parameters

/** C's strtoll: leading spaces, an optional sign, digits; returns the value and the rest. */
export function strtoll(s: string): [bigint, string] {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d*)/.exec(s) as RegExpExecArray;
  if (m[2] === '') return [0n, s];
  let v = BigInt(m[2]);
  if (m[1] === '-') v = -v;
  if (v > LONG_MAX) v = LONG_MAX;
  if (v < -LONG_MAX - 1n) v = -LONG_MAX - 1n;
  return [v, s.slice(m[0].length)];
}

const MEMORY_UNITS: Record<string, bigint> = {
  '': 1n,
  'b': 1n,
  'k': 1000n,
  'kb': 1024n,
  'm': 1000n * 1000n,
  'mb': 1024n * 1024n,
  'g': 1000n * 1000n * 1000n,
  'gb': 1024n * 1024n * 1024n,
};

/**
 * A memory amount as the server's memtoull reads it ("100mb", "1gb", "0100", "" is 0); the
 * result wraps at 64 bits as the C arithmetic does. Undefined when invalid.
 */
export function memtoull(value: string): bigint | undefined {
  const m = /^(\d*)(.*)$/s.exec(value) as RegExpExecArray;
  const unit = MEMORY_UNITS[m[2].toLowerCase()];
  if (unit === undefined || m[1].length >= 128) return undefined;
  let digits = m[1] === '' ? 0n : BigInt(m[1]);
  if (digits > ULONG_MAX) digits = ULONG_MAX; // strtoull saturates
  return BigInt.asUintN(64, digits * unit);
}

function parseSave(args: readonly string[]): string {
  const words = args.length === 1 && args[0] === '' ? [] : args;
  if (words.length % 2 !== 0) throw new ConfigValueError('Invalid save parameters');
  const out: string[] = [];
  for (let j = 0; j < words.length; j++) {
    const [v, rest] = strtoll(words[j]);
    if (rest !== '' || (j % 2 === 0 && v < 1n) || (j % 2 === 1 && v < 0n)) throw new ConfigValueError('Invalid save parameters');
    // Changes are a C int: larger values wrap.
    out.push(String(j % 2 === 1 ? BigInt.asIntN(32, v) : v));
  }
  return out.join(' ');
}

const OBUF_CLASSES = ['normal', 'slave', 'pubsub'] as const;

/** client-output-buffer-limit: only the classes given change. */
function parseClientOutputBufferLimit(args: readonly string[], current: string): string {
  if (args.length % 4 !== 0) throw new ConfigValueError('Wrong number of arguments in buffer limit configuration.');
  const now = current.split(' ');
  const limits = new Map<string, string[]>();
  for (let i = 0; i < OBUF_CLASSES.length; i++) limits.set(OBUF_CLASSES[i], now.slice(i * 4 + 1, i * 4 + 4));
  const updates: Array<[string, string[]]> = [];
  for (let j = 0; j < args.length; j += 4) {
    const cls = clientTypeByName(args[j]);
    if (cls === undefined || cls === 'master') throw new ConfigValueError('Invalid client class specified in buffer limit configuration.');
    const hard = memtoull(args[j + 1]);
    const soft = memtoull(args[j + 2]);
    const [seconds, rest] = strtoll(args[j + 3]);
    const secs = BigInt.asIntN(32, seconds);
    if (hard === undefined || soft === undefined || secs < 0n || rest !== '') {
      throw new ConfigValueError('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
    }
    updates.push([cls === 'replica' ? 'slave' : cls, [String(hard), String(soft), String(secs)]]);
  }
  for (const [cls, values] of updates) limits.set(cls, values);
  return OBUF_CLASSES.map((cls) => `${cls} ${(limits.get(cls) as string[]).join(' ')}`).join(' ');
}

/** Client type names as CLIENT KILL TYPE, CLIENT LIST TYPE and client-output-buffer-limit take them. */
export function clientTypeByName(name: string): 'normal' | 'replica' | 'pubsub' | 'master' | undefined {
  switch (name.toLowerCase()) {
    case 'normal': return 'normal';
    case 'slave':
    case 'replica': return 'replica';
    case 'pubsub': return 'pubsub';
    case 'master': return 'master';
    default: return undefined;
  }
}

function parseOomScoreAdjValues(args: readonly string[]): string {
  if (args.length !== 3) throw new ConfigValueError('wrong number of arguments');
  return args.map((a) => {
    const [v, rest] = strtoll(a);
    if (rest !== '' || v < -2000n || v > 2000n) throw new ConfigValueError('Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
    return String(v);
  }).join(' ');
}

function parseNotifyKeyspaceEvents(args: readonly string[]): string {
  if (args.length !== 1) throw new ConfigValueError('wrong number of arguments');
  const flags = parseNotifyFlags(args[0]);
  if (flags === undefined) throw new ConfigValueError("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  return formatNotifyFlags(flags);
}

function parseBind(args: readonly string[]): string {
  if (args.length > 16) throw new ConfigValueError('Too many bind addresses specified.');
  return args.length === 1 && args[0] === '' ? '' : args.join(' ');
}

function parseReplicaOf(args: readonly string[]): string {
  if (args.length !== 2) throw new ConfigValueError('wrong number of arguments');
  if (args[0].toLowerCase() === 'no' && args[1].toLowerCase() === 'one') return '';
  const [port, rest] = strtoll(args[1]);
  if (port < 0n || port > 65535n || rest !== '') throw new ConfigValueError('Invalid master port');
  return `${args[0]} ${port}`;
}

/** A double as the server's string2d reads it: the whole text, no spaces, no NaN. */
function string2d(s: string): number | undefined {
  if (s.length === 0 || /^\s/.test(s)) return undefined;
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return undefined;
  return Number(s);
}

/** `%f` with trailing zeros (and a trailing dot) removed. */
function trimmedFixed(d: number): string {
  let text = d.toFixed(6);
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return text;
}

function parsePercentiles(args: readonly string[]): string {
  if (args.length === 1 && args[0] === '') return '';
  const out: string[] = [];
  for (const a of args) {
    const d = string2d(a);
    if (d === undefined) throw new ConfigValueError('Invalid latency-tracking-info-percentiles parameters');
    if (d > 100 || d < 0) throw new ConfigValueError('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
    out.push(trimmedFixed(d));
  }
  return out.join(' ');
}

/**
 * dir: checked as chdir would check it and stored as an absolute path, but the process's working
 * directory never changes (the engine runs inside the caller's process).
 */
function parseDir(args: readonly string[], current: string): string {
  if (args.length !== 1) throw new ConfigValueError('wrong number of arguments');
  const dir = path.resolve(current || process.cwd(), args[0]);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigValueError(code === 'EACCES' ? 'Permission denied' : code === 'ENOTDIR' ? 'Not a directory' : 'No such file or directory');
  }
  if (!stat.isDirectory()) throw new ConfigValueError('Not a directory');
  return dir;
}

const TITLE_VARIABLES = new Set(['title', 'listen-addr', 'server-mode', 'port', 'tls-port', 'unixsocket', 'config-file']);

function checkProcTitleTemplate(args: readonly string[]): string {
  const template = args[0];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    const close = template.indexOf('}', i);
    if (open < 0) {
      if (close >= 0) throw new ConfigValueError('template format is invalid or contains unknown variables');
      break;
    }
    const end = template.indexOf('}', open);
    if (close < open || end < 0 || !TITLE_VARIABLES.has(template.slice(open + 1, end))) {
      throw new ConfigValueError('template format is invalid or contains unknown variables');
    }
    i = end + 1;
  }
  return template;
}

function checkFilename(what: string): (args: readonly string[]) => string {
  return (args) => {
    if (args[0].includes('/')) throw new ConfigValueError(`${what} can't be a path, just a filename`);
    return args[0];
  };
}

function checkHostname(args: readonly string[]): string {
  const name = args[0];
  if (name.length >= 256) throw new ConfigValueError('Hostnames must be less than 256 characters');
  if (!/^[A-Za-z0-9.-]*$/.test(name)) throw new ConfigValueError('Hostnames may only contain alphanumeric characters, hyphens or dots');
  return name;
}

function checkShutdownFlags(args: readonly string[]): string {
  const words = args.map((a) => a.toLowerCase());
  if (words.includes('save') && words.includes('nosave')) {
    throw new ConfigValueError("shutdown options SAVE and NOSAVE can't be used simultaneously");
  }
  return args.join(' ');
}

function refuseActiveDefrag(args: readonly string[]): string {
  if (args[0] === 'yes') {
    throw new ConfigValueError('Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution');
  }
  return args[0];
}

// -----------------------------------------------------------------------------------------------
// The table

/** The parameters the server knows, in the real server's table order. */
export const CONFIG_PARAMS: ConfigParam[] = [
  bool('rdbchecksum', true, { immutable: true }),
  bool('daemonize', false, { immutable: true }),
  bool('io-threads-do-reads', false, { immutable: true, valkey: { default: 'yes' } }),
  bool('always-show-logo', false, { immutable: true }),
  bool('protected-mode', true),
  bool('rdbcompression', true),
  bool('rdb-del-sync-files', false),
  bool('activerehashing', true),
  bool('stop-writes-on-bgsave-error', true),
  bool('set-proc-title', true, { immutable: true }),
  bool('dynamic-hz', true),
  // Valkey 8 frees lazily by default.
  bool('lazyfree-lazy-eviction', false, { valkey: { default: 'yes' } }),
  bool('lazyfree-lazy-expire', false, { valkey: { default: 'yes' } }),
  bool('lazyfree-lazy-server-del', false, { valkey: { default: 'yes' } }),
  bool('lazyfree-lazy-user-del', false, { valkey: { default: 'yes' } }),
  bool('lazyfree-lazy-user-flush', false, { valkey: { default: 'yes' } }),
  bool('repl-disable-tcp-nodelay', false),
  bool('repl-diskless-sync', true),
  bool('aof-rewrite-incremental-fsync', true),
  bool('no-appendfsync-on-rewrite', false),
  bool('cluster-require-full-coverage', true),
  bool('rdb-save-incremental-fsync', true),
  bool('aof-load-truncated', true),
  bool('aof-use-rdb-preamble', true),
  bool('aof-timestamp-enabled', false),
  bool('cluster-replica-no-failover', false, { aliases: ['cluster-slave-no-failover'] }),
  bool('replica-lazy-flush', false, { aliases: ['slave-lazy-flush'], valkey: { default: 'yes' } }),
  bool('replica-serve-stale-data', true, { aliases: ['slave-serve-stale-data'] }),
  bool('replica-read-only', true, { aliases: ['slave-read-only'] }),
  bool('replica-ignore-maxmemory', true, { aliases: ['slave-ignore-maxmemory'] }),
  bool('jemalloc-bg-thread', true),
  bool('activedefrag', false, { parse: refuseActiveDefrag }),
  bool('syslog-enabled', false, { immutable: true }),
  bool('cluster-enabled', false, { immutable: true }),
  bool('appendonly', false),
  bool('cluster-allow-reads-when-down', false),
  bool('cluster-allow-pubsubshard-when-down', true),
  bool('crash-log-enabled', true),
  bool('crash-memcheck-enabled', true),
  bool('use-exit-on-panic', false, { hidden: true }),
  bool('disable-thp', true, { immutable: true }),
  bool('cluster-allow-replica-migration', true),
  bool('replica-announced', true),
  bool('latency-tracking', true),
  bool('aof-disable-auto-gc', false, { valkey: { hidden: true } }),
  bool('replica-ignore-disk-write-errors', false),
  bool('dual-channel-replication-enabled', false, { only: 'valkey' }),
  bool('extended-redis-compatibility', false, { only: 'valkey' }),
  bool('enable-debug-assert', false, { immutable: true, hidden: true, only: 'valkey' }),
  bool('cluster-slot-stats-enabled', false, { only: 'valkey' }),
  bool('hide-user-data-from-log', true, { only: 'valkey' }),

  str('aclfile', '', { immutable: true }),
  str('unixsocket', '', { immutable: true }),
  str('unixsocketgroup', '', { immutable: true, only: 'valkey' }),
  str('pidfile', '', { immutable: true }),
  str('replica-announce-ip', '', { aliases: ['slave-announce-ip'] }),
  str('masteruser', '', { sensitive: true, only: 'redis' }),
  str('primaryuser', '', { aliases: ['masteruser'], sensitive: true, only: 'valkey' }),
  str('cluster-announce-ip', ''),
  str('cluster-announce-client-ipv4', '', { only: 'valkey' }),
  str('cluster-announce-client-ipv6', '', { only: 'valkey' }),
  str('cluster-config-file', 'nodes.conf', { immutable: true }),
  str('cluster-announce-hostname', '', { parse: checkHostname }),
  str('cluster-announce-human-nodename', '', { redisSince: V72 }),
  str('syslog-ident', 'redis', { immutable: true, valkey: { default: 'valkey' } }),
  str('dbfilename', 'dump.rdb', { protected: true, parse: checkFilename('dbfilename') }),
  str('appendfilename', 'appendonly.aof', { immutable: true }),
  str('appenddirname', 'appendonlydir', { immutable: true }),
  str('server_cpulist', '', { immutable: true, only: 'redis' }),
  str('bio_cpulist', '', { immutable: true, only: 'redis' }),
  str('aof_rewrite_cpulist', '', { immutable: true, only: 'redis' }),
  str('bgsave_cpulist', '', { immutable: true, only: 'redis' }),
  str('server-cpulist', '', { aliases: ['server_cpulist'], immutable: true, only: 'valkey' }),
  str('bio-cpulist', '', { aliases: ['bio_cpulist'], immutable: true, only: 'valkey' }),
  str('aof-rewrite-cpulist', '', { aliases: ['aof_rewrite_cpulist'], immutable: true, only: 'valkey' }),
  str('bgsave-cpulist', '', { aliases: ['bgsave_cpulist'], immutable: true, only: 'valkey' }),
  str('ignore-warnings', ''),
  str('proc-title-template', '{title} {listen-addr} {server-mode}', { parse: checkProcTitleTemplate }),
  str('bind-source-addr', ''),
  str('logfile', '', { immutable: true }),
  str('req-res-logfile', '', { immutable: true, hidden: true, redisSince: V72 }),
  str('locale-collate', '', { redisSince: V72 }),
  str('debug-context', '', { hidden: true, only: 'valkey' }),
  str('masterauth', '', { sensitive: true, only: 'redis' }),
  str('primaryauth', '', { aliases: ['masterauth'], sensitive: true, only: 'valkey' }),
  str('requirepass', '', { sensitive: true }),
  str('availability-zone', '', { only: 'valkey' }),

  enumeration('supervised', SUPERVISED, 'no', { immutable: true }),
  enumeration('syslog-facility', SYSLOG_FACILITY, 'local0', { immutable: true }),
  enumeration('repl-diskless-load', REPL_DISKLESS_LOAD, 'disabled'),
  enumeration('loglevel', LOGLEVEL, 'notice'),
  enumeration('maxmemory-policy', named(...MAXMEMORY_POLICIES), 'noeviction'),
  enumeration('appendfsync', AOF_FSYNC, 'everysec'),
  enumeration('oom-score-adj', OOM_SCORE_ADJ, 'no'),
  enumeration('acl-pubsub-default', ACL_PUBSUB_DEFAULT, 'resetchannels'),
  enumeration('sanitize-dump-payload', SANITIZE_DUMP_PAYLOAD, 'no'),
  enumeration('enable-protected-configs', PROTECTED_ACTION, 'no', { immutable: true }),
  enumeration('enable-debug-command', PROTECTED_ACTION, 'no', { immutable: true }),
  enumeration('enable-module-command', PROTECTED_ACTION, 'no', { immutable: true }),
  enumeration('cluster-preferred-endpoint-type', CLUSTER_ENDPOINT_TYPE, 'ip'),
  enumeration('propagation-error-behavior', PROPAGATION_ERROR_BEHAVIOR, 'ignore'),
  enumeration('shutdown-on-sigint', SHUTDOWN_ON_SIG, 'default', { multiArg: true, parse: checkShutdownFlags }),
  enumeration('shutdown-on-sigterm', SHUTDOWN_ON_SIG, 'default', { multiArg: true, parse: checkShutdownFlags }),

  num('databases', 'int', 'int', 16, 1, INT_MAX, { immutable: true }),
  num('port', 'int', 'int', 6379, 0, 65535),
  num('io-threads', 'int', 'int', 1, 1, 128, { immutable: true }),
  num('auto-aof-rewrite-percentage', 'int', 'int', 100, 0, INT_MAX),
  num('cluster-replica-validity-factor', 'int', 'int', 10, 0, INT_MAX, { aliases: ['cluster-slave-validity-factor'] }),
  num('list-max-listpack-size', 'int', 'int', -2, INT_MIN, INT_MAX, { aliases: ['list-max-ziplist-size'] }),
  num('tcp-keepalive', 'int', 'int', 300, 0, INT_MAX),
  num('cluster-migration-barrier', 'int', 'int', 1, 0, INT_MAX),
  num('active-defrag-cycle-min', 'int', 'int', 1, 1, 99),
  num('active-defrag-cycle-max', 'int', 'int', 25, 1, 99),
  num('active-defrag-threshold-lower', 'int', 'int', 10, 0, 1000),
  num('active-defrag-threshold-upper', 'int', 'int', 100, 0, 1000),
  num('lfu-log-factor', 'int', 'int', 10, 0, INT_MAX),
  num('lfu-decay-time', 'int', 'int', 1, 0, INT_MAX),
  num('replica-priority', 'int', 'int', 100, 0, INT_MAX, { aliases: ['slave-priority'] }),
  num('repl-diskless-sync-delay', 'int', 'int', 5, 0, INT_MAX),
  num('maxmemory-samples', 'int', 'int', 5, 1, INT_MAX, { valkey: { max: 64n } }),
  num('maxmemory-eviction-tenacity', 'int', 'int', 10, 0, 100),
  num('timeout', 'int', 'int', 0, 0, INT_MAX),
  num('replica-announce-port', 'int', 'int', 0, 0, 65535, { aliases: ['slave-announce-port'] }),
  num('tcp-backlog', 'int', 'int', 511, 0, INT_MAX, { immutable: true }),
  num('cluster-port', 'int', 'int', 0, 0, 65535, { immutable: true }),
  num('cluster-announce-bus-port', 'int', 'int', 0, 0, 65535),
  num('cluster-announce-port', 'int', 'int', 0, 0, 65535),
  num('cluster-announce-tls-port', 'int', 'int', 0, 0, 65535),
  num('repl-timeout', 'int', 'int', 60, 1, INT_MAX),
  num('repl-ping-replica-period', 'int', 'int', 10, 1, INT_MAX, { aliases: ['repl-ping-slave-period'] }),
  num('list-compress-depth', 'int', 'int', 0, 0, INT_MAX),
  num('rdb-key-save-delay', 'int', 'int', 0, INT_MIN, INT_MAX, { hidden: true }),
  num('key-load-delay', 'int', 'int', 0, INT_MIN, INT_MAX, { hidden: true }),
  num('active-expire-effort', 'int', 'int', 1, 1, 10),
  num('hz', 'int', 'int', 10, 0, INT_MAX),
  num('min-replicas-to-write', 'int', 'int', 0, 0, INT_MAX, { aliases: ['min-slaves-to-write'] }),
  num('min-replicas-max-lag', 'int', 'int', 10, 0, INT_MAX, { aliases: ['min-slaves-max-lag'] }),
  num('watchdog-period', 'int', 'int', 0, 0, INT_MAX, { hidden: true }),
  num('shutdown-timeout', 'int', 'int', 10, 0, INT_MAX),
  num('repl-diskless-sync-max-replicas', 'int', 'int', 0, 0, INT_MAX),
  num('events-per-io-thread', 'int', 'int', 2, 0, INT_MAX, { only: 'valkey' }),
  num('prefetch-batch-max-size', 'int', 'int', 16, 0, 128, { only: 'valkey' }),
  num('maxclients', 'int', 'uint', 10000, 1, UINT_MAX),
  num('unixsocketperm', 'octal', 'uint', 0, 0, 0o777, { immutable: true }),
  num('socket-mark-id', 'int', 'uint', 0, 0, UINT_MAX, { immutable: true }),
  num('max-new-connections-per-cycle', 'int', 'uint', 10, 1, 1000, { only: 'valkey' }),
  num('max-new-tls-connections-per-cycle', 'int', 'uint', 1, 1, 1000, { only: 'valkey' }),
  num('client-default-resp', 'int', 'uint', 2, 2, 3, { immutable: true, hidden: true, redisSince: V72 }),
  num('active-defrag-max-scan-fields', 'int', 'ulong', 1000, 1, LONG_MAX),
  num('slowlog-max-len', 'int', 'ulong', 128, 0, LONG_MAX),
  num('acllog-max-len', 'int', 'ulong', 128, 0, LONG_MAX),
  num('cluster-blacklist-ttl', 'int', 'ulong', 60, 0, LONG_MAX, { only: 'valkey' }),
  num('busy-reply-threshold', 'int', 'longlong', 5000, 0, LONG_MAX, { aliases: ['lua-time-limit'] }),
  num('cluster-node-timeout', 'int', 'longlong', 15000, 0, LONG_MAX),
  num('cluster-ping-interval', 'int', 'longlong', 0, 0, LONG_MAX, { hidden: true, redisSince: V72 }),
  num('slowlog-log-slower-than', 'int', 'longlong', 10000, -1, LONG_MAX),
  num('latency-monitor-threshold', 'int', 'longlong', 0, 0, LONG_MAX),
  num('proto-max-bulk-len', 'memory', 'longlong', 512 * 1024 * 1024, 1024 * 1024, LONG_MAX),
  num('stream-node-max-entries', 'int', 'longlong', 100, 0, LONG_MAX),
  num('repl-backlog-size', 'memory', 'longlong', 1024 * 1024, 1, LONG_MAX, { valkey: { default: String(10 * 1024 * 1024) } }),
  num('maxmemory', 'memory', 'ulonglong', 0, 0, ULONG_MAX),
  num('cluster-link-sendbuf-limit', 'memory', 'ulonglong', 0, 0, ULONG_MAX),
  num('hash-max-listpack-entries', 'int', 'size', 512, 0, LONG_MAX, { aliases: ['hash-max-ziplist-entries'] }),
  num('set-max-intset-entries', 'int', 'size', 512, 0, LONG_MAX),
  num('set-max-listpack-entries', 'int', 'size', 128, 0, LONG_MAX, { redisSince: V72 }),
  num('set-max-listpack-value', 'int', 'size', 64, 0, LONG_MAX, { redisSince: V72 }),
  num('zset-max-listpack-entries', 'int', 'size', 128, 0, LONG_MAX, { aliases: ['zset-max-ziplist-entries'] }),
  num('active-defrag-ignore-bytes', 'memory', 'size', 100 * 1024 * 1024, 1, LONG_MAX),
  num('hash-max-listpack-value', 'memory', 'size', 64, 0, LONG_MAX, { aliases: ['hash-max-ziplist-value'] }),
  num('stream-node-max-bytes', 'memory', 'size', 4096, 0, LONG_MAX),
  num('zset-max-listpack-value', 'memory', 'size', 64, 0, LONG_MAX, { aliases: ['zset-max-ziplist-value'] }),
  num('hll-sparse-max-bytes', 'memory', 'size', 3000, 0, LONG_MAX),
  num('tracking-table-max-keys', 'int', 'size', 1000000, 0, LONG_MAX),
  num('client-query-buffer-limit', 'memory', 'size', 1024 * 1024 * 1024, 1024 * 1024, LONG_MAX),
  num('maxmemory-clients', 'percent', 'ssize', 0, -100, LONG_MAX),
  num('repl-backlog-ttl', 'int', 'time', 3600, 0, LONG_MAX),
  num('auto-aof-rewrite-min-size', 'memory', 'off', 64 * 1024 * 1024, 0, LONG_MAX),
  num('loading-process-events-interval-bytes', 'int', 'off', 2 * 1024 * 1024, 1024, INT_MAX, { hidden: true }),

  num('tls-port', 'int', 'int', 0, 0, 65535),
  num('tls-session-cache-size', 'int', 'int', 20 * 1024, 0, INT_MAX),
  num('tls-session-cache-timeout', 'int', 'int', 300, 0, INT_MAX),
  bool('tls-cluster', false),
  bool('tls-replication', false),
  enumeration('tls-auth-clients', TLS_AUTH_CLIENTS, 'yes'),
  bool('tls-prefer-server-ciphers', false),
  bool('tls-session-caching', true),
  str('tls-cert-file', ''),
  str('tls-key-file', ''),
  str('tls-key-file-pass', ''),
  str('tls-client-cert-file', ''),
  str('tls-client-key-file', ''),
  str('tls-client-key-file-pass', ''),
  str('tls-dh-params-file', ''),
  str('tls-ca-cert-file', ''),
  str('tls-ca-cert-dir', ''),
  str('tls-protocols', ''),
  str('tls-ciphers', ''),
  str('tls-ciphersuites', ''),

  // The default dir is the process's working directory (filled in by the server).
  special('dir', '', parseDir, { protected: true }),
  special('save', '3600 1 300 100 60 10000', parseSave, { multiArg: true }),
  special('client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60', parseClientOutputBufferLimit, { multiArg: true }),
  special('oom-score-adj-values', '0 200 800', parseOomScoreAdjValues, { multiArg: true }),
  special('notify-keyspace-events', '', parseNotifyKeyspaceEvents),
  special('bind', '* -::*', parseBind, { multiArg: true }),
  special('replicaof', '', parseReplicaOf, { aliases: ['slaveof'], immutable: true, multiArg: true }),
  special('latency-tracking-info-percentiles', '50 99 99.9', parsePercentiles, { multiArg: true }),
];
