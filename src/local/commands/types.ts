import type { Client } from '../client';
import { LatencyHistogram } from '../monitoring';

/** Command flags, as COMMAND INFO reports them. */
export type CommandFlag =
  | 'write' | 'readonly' | 'denyoom' | 'module' | 'admin' | 'pubsub' | 'noscript' | 'blocking'
  | 'loading' | 'stale' | 'skip_monitor' | 'skip_slowlog' | 'asking' | 'fast' | 'no_auth'
  | 'may_replicate' | 'no_mandatory_keys' | 'no_async_loading' | 'no_multi' | 'movablekeys' | 'allow_busy';

/** ACL categories, without the leading `@`. */
export const ACL_CATEGORIES = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog',
  'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection',
  'transaction', 'scripting',
] as const;
export type AclCategory = typeof ACL_CATEGORIES[number];

/** Handles one command; writes its reply to `c.w`. Throws {@link ReplyError} for error replies. */
export type Handler = (c: Client, argv: string[]) => void;

/** Key positions of a command with fixed positions (COMMAND INFO's first/last/step). */
export interface KeyRange {
  /** Index of the first key argument (0 = no keys). */
  readonly first: number;
  /** Index of the last key argument; negative counts from the end (-1 = last argument). */
  readonly last: number;
  readonly step: number;
}

/** How a command's keys are accessed, for key permissions (ACL %R~ / %W~). */
export type KeyAccess = 'read' | 'write' | 'readwrite';

/** Key specification flags, as COMMAND INFO reports them. */
export type KeySpecFlag =
  | 'RO' | 'RW' | 'OW' | 'RM' | 'access' | 'update' | 'insert' | 'delete' | 'not_key' | 'incomplete' | 'variable_flags';

/** Where a command's keys are (COMMAND INFO key specifications). */
export interface KeySpec {
  readonly flags: readonly KeySpecFlag[];
  /** Where the search starts: an argument index, after a keyword, or unknown (null). */
  readonly begin: { readonly index: number } | { readonly keyword: string; readonly startFrom: number } | null;
  /** How keys are found from there: a range, a key count argument, or unknown (null). */
  readonly find:
  | { readonly lastKey: number; readonly keyStep: number; readonly limit: number }
  | { readonly keyNumIndex: number; readonly firstKey: number; readonly keyStep: number }
  | null;
  readonly notes?: string;
}

/** One argument of a command, as COMMAND DOCS describes it. */
export interface CommandArg {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'double' | 'key' | 'pattern' | 'unix-time' | 'pure-token' | 'oneof' | 'block';
  readonly keySpecIndex?: number;
  readonly token?: string;
  readonly since?: string;
  readonly deprecatedSince?: string;
  readonly flags?: ReadonlyArray<'optional' | 'multiple' | 'multiple_token'>;
  readonly args?: readonly CommandArg[];
}

/** The definition of a command (or a subcommand of a container command such as CONFIG). */
export interface CommandDef {
  /** Lower-case name; subcommands use their own name (`get` under `config`). */
  readonly name: string;
  /** Positive: exact argument count including the name; negative: at least -arity. */
  readonly arity: number;
  /**
   * The arity of engines older than `before`, for a command a later version gave more arguments
   * (ZRANK: 3 until Redis 7.2.0 added WITHSCORE). Valkey has Redis OSS 7.2.4's arities.
   */
  readonly earlierArity?: { readonly before: string; readonly arity: number };
  readonly flags: readonly CommandFlag[];
  /**
   * Categories beyond those implied by flags (write, read, admin+dangerous, pubsub, fast/slow,
   * blocking are derived from flags).
   */
  readonly acl: readonly AclCategory[];
  /** Fixed key positions. Omit for commands without keys. */
  readonly keys?: KeyRange;
  /** Key positions that depend on the arguments (the `movablekeys` commands, e.g. EVAL, ZUNION). */
  readonly getKeys?: (argv: readonly string[]) => number[];
  /** How the keys are accessed. @default derived from write/readonly flags */
  readonly keyAccess?: KeyAccess;
  /** COMMAND DOCS: group (string, list, generic, server, connection, ...). */
  readonly group: string;
  /** COMMAND DOCS: version the command appeared in (engines older than this do not have it). */
  readonly since: string;
  /** For commands only Valkey has: the Valkey version that introduced it. */
  readonly valkeySince?: string;
  /** COMMAND DOCS: one-line summary. */
  readonly summary: string;
  /** COMMAND DOCS: time complexity. */
  readonly complexity?: string;
  /**
   * COMMAND INFO: key specifications and tips (`nondeterministic_output`, `request_policy:...`).
   * @default the Redis OSS reference data for the command (commands/metadata.ts), else derived from `keys`
   */
  readonly keySpecs?: readonly KeySpec[];
  readonly tips?: readonly string[];
  /** COMMAND DOCS: arguments, history, doc flags. @default the reference data, where it has them */
  readonly args?: readonly CommandArg[];
  readonly history?: ReadonlyArray<readonly [string, string]>;
  readonly docFlags?: ReadonlyArray<'deprecated' | 'syscmd'>;
  readonly deprecatedSince?: string;
  readonly replacedBy?: string;
  /** Handler; container commands (CONFIG, CLIENT...) have subcommands instead. */
  readonly handler?: Handler;
  readonly subcommands?: readonly CommandDef[];
}

/** Valkey forked from Redis OSS 7.2.4 and has every command (and argument) up to that version. */
export const VALKEY_REDIS_BASE = '7.2.4';

/** The Redis OSS version whose commands and arguments an engine has. */
export function redisBaseVersion(engine: { readonly engine: 'valkey' | 'redis'; readonly version: string }): string {
  return engine.engine === 'valkey' ? VALKEY_REDIS_BASE : engine.version;
}

/** What one engine version has of the command table: which definitions, with which arity. */
export interface CommandEngineView {
  available(def: CommandDef): boolean;
  arity(def: CommandDef): number;
}

/** Every definition, with its current arity (a table for no particular version). */
const ALL_VERSIONS: CommandEngineView = { available: () => true, arity: (def) => def.arity };

/** A command compiled for dispatch: flags as booleans, categories as a bit mask. */
export class Command {
  public readonly name: string;
  /** `config|get` for subcommands. */
  public readonly fullName: string;
  public readonly arity: number;
  public readonly flags: readonly CommandFlag[];
  public readonly categories: readonly AclCategory[];
  public readonly categoryMask: number;
  /** Position of this command in the table, for ACL per-command permissions. */
  public id = -1;
  public readonly isWrite: boolean;
  public readonly isReadonly: boolean;
  public readonly denyOom: boolean;
  public readonly isAdmin: boolean;
  public readonly noScript: boolean;
  public readonly isBlocking: boolean;
  public readonly noAuth: boolean;
  public readonly isPubsub: boolean;
  public readonly noMulti: boolean;
  public readonly isFast: boolean;
  public readonly allowLoading: boolean;
  public readonly allowStale: boolean;
  public readonly mayReplicate: boolean;
  /** Left out of the slow log / MONITOR (besides admin commands for MONITOR). */
  public readonly skipSlowlog: boolean;
  public readonly skipMonitor: boolean;
  public readonly handler: Handler | undefined;
  /** Index of the only key argument when the command has exactly one at a fixed position, else -1. */
  public readonly singleKeyIndex: number;
  public readonly parent: Command | undefined;
  public readonly subcommands: ReadonlyMap<string, Command> | undefined;
  public readonly def: CommandDef;
  /** Calls, failed calls, rejected calls and total microseconds, for INFO commandstats. */
  public calls = 0;
  public failedCalls = 0;
  public rejectedCalls = 0;
  public usec = 0;
  /** Call durations, for INFO latencystats and LATENCY HISTOGRAM. */
  public readonly histogram = new LatencyHistogram();

  constructor(def: CommandDef, parent?: Command, engine: CommandEngineView = ALL_VERSIONS) {
    this.def = def;
    this.parent = parent;
    this.name = def.name;
    this.fullName = parent ? `${parent.name}|${def.name}` : def.name;
    this.arity = engine.arity(def);
    const flags = new Set(def.flags);
    if (def.getKeys) flags.add('movablekeys');
    this.flags = [...flags];
    this.isWrite = flags.has('write');
    this.isReadonly = flags.has('readonly');
    this.denyOom = flags.has('denyoom');
    this.isAdmin = flags.has('admin');
    this.noScript = flags.has('noscript');
    this.isBlocking = flags.has('blocking');
    this.noAuth = flags.has('no_auth');
    this.isPubsub = flags.has('pubsub');
    this.noMulti = flags.has('no_multi');
    this.isFast = flags.has('fast');
    this.allowLoading = flags.has('loading');
    this.allowStale = flags.has('stale');
    this.mayReplicate = flags.has('may_replicate');
    this.skipSlowlog = flags.has('skip_slowlog');
    this.skipMonitor = flags.has('skip_monitor');
    this.handler = def.handler;
    const keys = def.keys;
    this.singleKeyIndex = def.getKeys === undefined && keys !== undefined && keys.first > 0 && keys.last === keys.first ? keys.first : -1;

    const categories = new Set<AclCategory>(def.acl);
    if (this.isWrite) categories.add('write');
    if (this.isReadonly && !categories.has('scripting')) categories.add('read');
    if (this.isAdmin) {
      categories.add('admin');
      categories.add('dangerous');
    }
    if (this.isPubsub) categories.add('pubsub');
    if (this.isFast) categories.add('fast');
    if (this.isBlocking) categories.add('blocking');
    if (!this.isFast) categories.add('slow');
    this.categories = ACL_CATEGORIES.filter((c) => categories.has(c));
    this.categoryMask = this.categories.reduce((mask, c) => mask | categoryBit(c), 0);

    if (def.subcommands) {
      const subs = new Map<string, Command>();
      for (const sub of def.subcommands) if (engine.available(sub)) subs.set(sub.name, new Command(sub, this, engine));
      this.subcommands = subs;
    }
  }

  /** Whether `argc` arguments (including the name) satisfy the arity. */
  public arityOk(argc: number): boolean {
    return this.arity > 0 ? argc === this.arity : argc >= -this.arity;
  }

  /** Indexes of the key arguments in `argv`. */
  public keyIndexes(argv: readonly string[]): number[] {
    if (this.def.getKeys) return this.def.getKeys(argv);
    const range = this.def.keys;
    if (range === undefined || range.first === 0) return [];
    const last = range.last < 0 ? argv.length + range.last : range.last;
    const out: number[] = [];
    for (let i = range.first; i <= last && i < argv.length; i += range.step) out.push(i);
    return out;
  }

  /** How this command accesses its keys. */
  public get keyAccess(): KeyAccess {
    return this.def.keyAccess ?? (this.isWrite ? 'write' : 'read');
  }
}

export function categoryBit(category: AclCategory): number {
  return 1 << ACL_CATEGORIES.indexOf(category);
}

/**
 * An error reply thrown by a handler. It does not extend Error, so throwing it captures no stack
 * trace: error replies stay cheap.
 */
export class ReplyError {
  constructor(public readonly message: string) {}
}

/** Common error replies, worded as the real server words them. */
export const Errors = {
  WRONGTYPE: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  SYNTAX: 'ERR syntax error',
  NOT_INTEGER: 'ERR value is not an integer or out of range',
  NOT_FLOAT: 'ERR value is not a valid float',
  OVERFLOW: 'ERR increment or decrement would overflow',
  NO_SUCH_KEY: 'ERR no such key',
  OUT_OF_RANGE: 'ERR index out of range',
  NOAUTH: 'NOAUTH Authentication required.',
  WRONGPASS: 'WRONGPASS invalid username-password pair or user is disabled.',
  READONLY: "READONLY You can't write against a read only replica.",
  OOM: "OOM command not allowed when used memory > 'maxmemory'.",
  DB_INDEX: 'ERR DB index is out of range',
  NESTED_MULTI: 'ERR MULTI calls can not be nested',
  EXEC_WITHOUT_MULTI: 'ERR EXEC without MULTI',
  DISCARD_WITHOUT_MULTI: 'ERR DISCARD without MULTI',
  EXECABORT: 'EXECABORT Transaction discarded because of previous errors.',
  BUSYKEY: 'BUSYKEY Target key name already exists.',
} as const;

export function wrongArity(name: string): string {
  return `ERR wrong number of arguments for '${name}' command`;
}

export function unknownCommand(argv: readonly string[]): string {
  // The server quotes at most 128 bytes of the name and 128 bytes of arguments in all.
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) args += "'" + argv[i].slice(0, 128 - args.length) + "' ";
  return `ERR unknown command '${truncate(argv[0])}', with args beginning with: ${args}`;
}

export function unknownSubcommand(container: string, sub: string): string {
  return `ERR unknown subcommand '${truncate(sub)}'. Try ${container.toUpperCase()} HELP.`;
}

function truncate(s: string): string {
  return s.length > 128 ? s.slice(0, 128) : s;
}
