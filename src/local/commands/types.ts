import type { Client } from '../client';

/** Command flags, as COMMAND INFO reports them. */
export type CommandFlag =
  | 'write' | 'readonly' | 'denyoom' | 'module' | 'admin' | 'pubsub' | 'noscript' | 'blocking'
  | 'loading' | 'stale' | 'skip_monitor' | 'skip_slowlog' | 'asking' | 'fast' | 'no_auth'
  | 'may_replicate' | 'no_mandatory_keys' | 'no_multi' | 'movablekeys' | 'allow_busy';

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

/** The definition of a command (or a subcommand of a container command such as CONFIG). */
export interface CommandDef {
  /** Lower-case name; subcommands use their own name (`get` under `config`). */
  readonly name: string;
  /** Positive: exact argument count including the name; negative: at least -arity. */
  readonly arity: number;
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
  /** COMMAND DOCS: version the command appeared in. */
  readonly since: string;
  /** COMMAND DOCS: one-line summary. */
  readonly summary: string;
  /** COMMAND DOCS: time complexity. */
  readonly complexity?: string;
  /** Handler; container commands (CONFIG, CLIENT...) have subcommands instead. */
  readonly handler?: Handler;
  readonly subcommands?: readonly CommandDef[];
}

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

  constructor(def: CommandDef, parent?: Command) {
    this.def = def;
    this.parent = parent;
    this.name = def.name;
    this.fullName = parent ? `${parent.name}|${def.name}` : def.name;
    this.arity = def.arity;
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
      for (const sub of def.subcommands) subs.set(sub.name, new Command(sub, this));
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
