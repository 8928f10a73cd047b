import { formatNotifyFlags, parseNotifyFlags } from './notify';
import { globMatch } from './util/glob';

/** Kinds of configuration values, each with its own parsing and CONFIG GET form. */
export type ConfigKind = 'bool' | 'int' | 'memory' | 'enum' | 'flags' | 'string' | 'special';

/** One configuration parameter. */
export interface ConfigParam {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly kind: ConfigKind;
  /** The default, in CONFIG GET form. */
  readonly default: string;
  /** int/memory bounds. */
  readonly min?: number;
  readonly max?: number;
  /** enum/flags values. */
  readonly values?: readonly string[];
  /** Cannot change at run time ("can't set immutable config"). */
  readonly immutable?: boolean;
  /** Hidden from `CONFIG GET *` (debug-only parameters). */
  readonly hidden?: boolean;
  /**
   * Parses and validates a value for kind `special` (or refines another kind); returns the stored
   * form or throws an Error whose message is the reason CONFIG SET gives.
   */
  readonly parse?: (value: string) => string;
}

const MEMORY_UNITS: Record<string, number> = {
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 * 1000,
  mb: 1024 * 1024,
  g: 1000 * 1000 * 1000,
  gb: 1024 * 1024 * 1024,
};

/** Parses a memory amount as the server does ("100mb", "1gb", "1024"); undefined if invalid. */
export function parseMemory(value: string): number | undefined {
  const m = /^(-?\d+)([a-zA-Z]*)$/.exec(value);
  if (!m) return undefined;
  const unit = m[2] === '' ? 1 : MEMORY_UNITS[m[2].toLowerCase()];
  if (unit === undefined) return undefined;
  return Number(m[1]) * unit;
}

/** The parameters the server knows, with Redis OSS 7 / Valkey 8 names and defaults. */
export const CONFIG_PARAMS: ConfigParam[] = [];

/** Registers parameters (each config area adds its own). */
export function defineConfig(...params: ConfigParam[]): void {
  for (const p of params) CONFIG_PARAMS.push(p);
}

/** Thrown by {@link Config.set} with the reply's wording. */
export class ConfigError extends Error {}

/** The configuration of one server: values in CONFIG GET form. */
export class Config {
  private readonly params = new Map<string, ConfigParam>();
  private readonly values = new Map<string, string>();
  private readonly listeners: Array<(name: string, value: string) => void> = [];

  constructor(overrides: Record<string, string | number | boolean> = {}) {
    for (const p of CONFIG_PARAMS) {
      this.params.set(p.name, p);
      for (const alias of p.aliases ?? []) this.params.set(alias, p);
      this.values.set(p.name, p.default);
    }
    const pairs = Object.entries(overrides).map(([k, v]) => [k, String(v)] as [string, string]);
    if (pairs.length > 0) this.set(pairs, { startup: true });
  }

  /** The parameter for a name or alias (case-insensitive). */
  public param(name: string): ConfigParam | undefined {
    return this.params.get(name.toLowerCase());
  }

  /** The current value of a parameter in CONFIG GET form. */
  public get(name: string): string {
    const p = this.param(name);
    if (p === undefined) throw new Error(`Unknown config parameter '${name}'`);
    return this.values.get(p.name) as string;
  }

  public getNumber(name: string): number {
    return Number(this.get(name));
  }

  public getBool(name: string): boolean {
    return this.get(name) === 'yes';
  }

  /** Calls `listener` after each change (the server caches derived values). */
  public onChange(listener: (name: string, value: string) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Sets several parameters atomically: all are validated first; nothing changes if one fails.
   * @throws ConfigError with the reason, naming the failing argument
   */
  public set(pairs: ReadonlyArray<readonly [string, string]>, options: { startup?: boolean } = {}): void {
    const parsed: Array<[ConfigParam, string]> = [];
    const seen = new Set<string>();
    for (const [name, raw] of pairs) {
      const p = this.param(name);
      if (p === undefined) throw new ConfigError(`Unknown option or number of arguments for CONFIG SET - '${name}'`);
      if (seen.has(p.name)) throw new ConfigError(`duplicate parameter - '${name}'`);
      seen.add(p.name);
      if (p.immutable && !options.startup) throw new ConfigError(`CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config`);
      try {
        parsed.push([p, normalize(p, raw)]);
      } catch (e) {
        throw new ConfigError(`CONFIG SET failed (possibly related to argument '${name}') - ${(e as Error).message}`);
      }
    }
    for (const [p, value] of parsed) {
      this.values.set(p.name, value);
      for (const listener of this.listeners) listener(p.name, value);
    }
  }

  /** Parameters matching any of the glob patterns (CONFIG GET), in definition order. */
  public match(patterns: readonly string[]): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const added = new Set<string>();
    for (const pattern of patterns) {
      const lowered = pattern.toLowerCase();
      for (const [name, p] of this.params) {
        if (added.has(name)) continue;
        if (p.hidden && name !== lowered) continue;
        if (!globMatch(lowered, name)) continue;
        added.add(name);
        out.push([name, this.values.get(p.name) as string]);
      }
    }
    return out;
  }

  /** Restores every parameter to its default (tests). */
  public names(): string[] {
    return [...this.values.keys()];
  }
}

function normalize(p: ConfigParam, raw: string): string {
  switch (p.kind) {
    case 'bool': {
      const v = raw.toLowerCase();
      if (v !== 'yes' && v !== 'no') throw new Error('argument must be \'yes\' or \'no\'');
      return p.parse ? p.parse(v) : v;
    }
    case 'int': {
      if (!/^-?\d+$/.test(raw)) throw new Error('argument couldn\'t be parsed into an integer');
      return checkRange(p, Number(raw));
    }
    case 'memory': {
      const n = parseMemory(raw);
      if (n === undefined) throw new Error('argument must be a memory value');
      return checkRange(p, n);
    }
    case 'enum': {
      const v = raw.toLowerCase();
      if (!(p.values ?? []).includes(v)) throw new Error(`argument(s) must be one of the following: ${(p.values ?? []).join(', ')}`);
      return v;
    }
    case 'flags': {
      const parts = raw.toLowerCase().split(/\s+/).filter((x) => x.length > 0);
      for (const part of parts) {
        if (!(p.values ?? []).includes(part)) throw new Error(`argument(s) must be one of the following: ${(p.values ?? []).join(', ')}`);
      }
      return parts.join(' ');
    }
    case 'string':
      return p.parse ? p.parse(raw) : raw;
    case 'special':
      if (!p.parse) throw new Error('unsupported');
      return p.parse(raw);
  }
}

function checkRange(p: ConfigParam, n: number): string {
  const min = p.min ?? -Infinity;
  const max = p.max ?? Infinity;
  if (n < min || n > max) throw new Error(`argument must be between ${min} and ${max} inclusive`);
  return String(n);
}

// ---------------------------------------------------------------------------------------------
// Parameters the core server reads. Other areas (persistence, replication, clients, ...) register
// theirs in config-params.ts.
// ---------------------------------------------------------------------------------------------

export const MAXMEMORY_POLICIES = [
  'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl',
  'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction',
] as const;
export type MaxmemoryPolicy = typeof MAXMEMORY_POLICIES[number];

const INT_MAX = 2147483647;
const LONG_MAX = Number.MAX_SAFE_INTEGER;

defineConfig(
  { name: 'port', kind: 'int', default: '6379', min: 0, max: 65535, immutable: true },
  { name: 'bind', kind: 'string', default: '* -::*', immutable: true },
  { name: 'databases', kind: 'int', default: '16', min: 1, max: INT_MAX, immutable: true },
  { name: 'requirepass', kind: 'string', default: '' },
  { name: 'maxclients', kind: 'int', default: '10000', min: 1, max: INT_MAX },
  { name: 'timeout', kind: 'int', default: '0', min: 0, max: INT_MAX },
  { name: 'hz', kind: 'int', default: '10', min: 0, max: INT_MAX },
  { name: 'maxmemory', kind: 'memory', default: '0', min: 0, max: LONG_MAX },
  { name: 'maxmemory-policy', kind: 'enum', default: 'noeviction', values: MAXMEMORY_POLICIES },
  { name: 'maxmemory-samples', kind: 'int', default: '5', min: 1, max: 64 },
  { name: 'maxmemory-eviction-tenacity', kind: 'int', default: '10', min: 0, max: 100 },
  { name: 'lfu-log-factor', kind: 'int', default: '10', min: 0, max: INT_MAX },
  { name: 'lfu-decay-time', kind: 'int', default: '1', min: 0, max: INT_MAX },
  { name: 'proto-max-bulk-len', kind: 'memory', default: '536870912', min: 1024 * 1024, max: LONG_MAX },
  { name: 'client-query-buffer-limit', kind: 'memory', default: '1073741824', min: 1024 * 1024, max: LONG_MAX },
  { name: 'busy-reply-threshold', aliases: ['lua-time-limit'], kind: 'int', default: '5000', min: 0, max: LONG_MAX },
  { name: 'hash-max-listpack-entries', aliases: ['hash-max-ziplist-entries'], kind: 'int', default: '128', min: 0, max: LONG_MAX },
  { name: 'hash-max-listpack-value', aliases: ['hash-max-ziplist-value'], kind: 'int', default: '64', min: 0, max: LONG_MAX },
  { name: 'list-max-listpack-size', aliases: ['list-max-ziplist-size'], kind: 'int', default: '-2', min: -2147483648, max: INT_MAX },
  { name: 'list-compress-depth', kind: 'int', default: '0', min: 0, max: INT_MAX },
  { name: 'set-max-intset-entries', kind: 'int', default: '512', min: 0, max: LONG_MAX },
  { name: 'set-max-listpack-entries', kind: 'int', default: '128', min: 0, max: LONG_MAX },
  { name: 'set-max-listpack-value', kind: 'int', default: '64', min: 0, max: LONG_MAX },
  { name: 'zset-max-listpack-entries', aliases: ['zset-max-ziplist-entries'], kind: 'int', default: '128', min: 0, max: LONG_MAX },
  { name: 'zset-max-listpack-value', aliases: ['zset-max-ziplist-value'], kind: 'int', default: '64', min: 0, max: LONG_MAX },
  { name: 'hll-sparse-max-bytes', kind: 'memory', default: '3000', min: 0, max: LONG_MAX },
  { name: 'cluster-enabled', kind: 'bool', default: 'no', immutable: true },
  { name: 'replica-read-only', aliases: ['slave-read-only'], kind: 'bool', default: 'yes' },
  { name: 'lazyfree-lazy-user-flush', kind: 'bool', default: 'no' },
  { name: 'lazyfree-lazy-user-del', kind: 'bool', default: 'no' },
  {
    name: 'notify-keyspace-events',
    kind: 'special',
    default: '',
    parse: (value) => {
      const flags = parseNotifyFlags(value);
      if (flags === undefined) throw new Error('Invalid event class character. Use \'Ag$lshzxeKEtmdn\'.');
      return formatNotifyFlags(flags);
    },
  },
);
