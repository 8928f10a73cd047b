import {
  CONFIG_PARAMS, ConfigParam, ConfigValueError, INT_MAX, INT_MIN, MAXMEMORY_POLICIES, MaxmemoryPolicy, memtoull,
} from './config-params';
import { globMatch } from './util/glob';

export { CONFIG_PARAMS, MAXMEMORY_POLICIES };
export type { ConfigParam, MaxmemoryPolicy };

/** Parses a memory amount as the server does ("100mb", "1gb", "1024"); undefined if invalid. */
export function parseMemory(value: string): number | undefined {
  if (value.startsWith('-')) return undefined;
  const n = memtoull(value);
  return n === undefined ? undefined : Number(n);
}

/** Adds parameters to the table (a later definition of the same name replaces the earlier one). */
export function defineConfig(...params: ConfigParam[]): void {
  for (const p of params) {
    const i = CONFIG_PARAMS.findIndex((q) => q.name === p.name);
    if (i >= 0) CONFIG_PARAMS[i] = p;
    else CONFIG_PARAMS.push(p);
  }
}

/**
 * Thrown by {@link Config.set}. The message is CONFIG SET's error without the `ERR ` code, e.g.
 * `CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer`.
 */
export class ConfigError extends Error {}

/** Which server the configuration belongs to: parameters and defaults differ between engines. */
export interface ConfigEngine {
  readonly engine: 'valkey' | 'redis';
  readonly version: string;
}

/** Checks a change before it is applied; throws ConfigValueError to refuse it (e.g. port). */
export type ConfigApplyCheck = (name: string, value: string) => void;

/** Compares dotted versions numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A parameter as one engine knows it (engine-specific defaults and bounds applied). */
interface Param extends ConfigParam {
  readonly hiddenHere: boolean;
}

/**
 * A name of a parameter: its own name or an alias. The real server registers an alias as an
 * entry of its own, so `CONFIG SET alias v name v` is not a duplicate and errors name the alias.
 */
interface Entry {
  readonly name: string;
  readonly param: Param;
}

/**
 * The configuration of one server: values in CONFIG GET form, with the real server's parsing,
 * bounds, error texts and atomic multi-parameter CONFIG SET.
 */
export class Config {
  private readonly params = new Map<string, Entry>();
  /** Names and aliases in table order (CONFIG GET patterns). */
  private readonly entries: Entry[] = [];
  private readonly values = new Map<string, string>();
  private readonly listeners: Array<(name: string, value: string) => void> = [];
  private readonly checks: ConfigApplyCheck[] = [];

  constructor(engine: ConfigEngine = { engine: 'valkey', version: '8.0.2' }, overrides: Record<string, string | number | boolean> = {}) {
    const redis = engine.engine === 'redis';
    for (const base of CONFIG_PARAMS) {
      if (base.only !== undefined && base.only !== engine.engine) continue;
      if (redis && base.redisSince !== undefined && compareVersions(engine.version, base.redisSince) < 0) continue;
      const v = redis ? undefined : base.valkey;
      const p: Param = {
        ...base,
        default: v?.default ?? base.default,
        max: v?.max ?? base.max,
        hiddenHere: v?.hidden ?? base.hidden ?? false,
      };
      for (const name of [p.name, ...p.aliases ?? []]) {
        const entry = { name, param: p };
        this.params.set(name, entry);
        this.entries.push(entry);
      }
      this.values.set(p.name, p.default);
    }
    const pairs = Object.entries(overrides).map(([k, v]) => [k, String(v)] as [string, string]);
    if (pairs.length > 0) this.set(pairs, { startup: true });
  }

  /** The parameter for a name or alias (case-insensitive). */
  public param(name: string): ConfigParam | undefined {
    return this.entry(name)?.param;
  }

  private entry(name: string): Entry | undefined {
    return this.params.get(name) ?? this.params.get(name.toLowerCase());
  }

  /** Whether this engine knows the parameter. */
  public has(name: string): boolean {
    return this.param(name) !== undefined;
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

  /** Registers a check that may refuse a new value before anything changes. */
  public onCheck(check: ConfigApplyCheck): void {
    this.checks.push(check);
  }

  /**
   * Sets several parameters atomically, as CONFIG SET does: the names are checked first (unknown,
   * immutable, protected, duplicate: the first problem wins), then every value is parsed; nothing
   * changes if one fails. `startup` also allows immutable and protected parameters.
   * @throws ConfigError with the reply's wording
   */
  public set(pairs: ReadonlyArray<readonly [string, string]>, options: { startup?: boolean; allowProtected?: boolean } = {}): void {
    const found: Entry[] = [];
    for (const [name] of pairs) {
      const entry = this.entry(name);
      if (entry === undefined) throw new ConfigError(`Unknown option or number of arguments for CONFIG SET - '${name}'`);
      const p = entry.param;
      if (!options.startup) {
        if (p.immutable) throw new ConfigError(failed(name, "can't set immutable config"));
        if (p.protected && !options.allowProtected) throw new ConfigError(failed(name, "can't set protected config"));
      }
      if (found.includes(entry)) throw new ConfigError(failed(name, 'duplicate parameter'));
      found.push(entry);
    }
    const parsed: Array<[Param, string]> = [];
    const pending = new Map<Param, string>();
    for (let i = 0; i < pairs.length; i++) {
      const p = found[i].param;
      try {
        // A parameter set twice (by name and alias) parses its second value against the first.
        const value = this.normalize(p, pairs[i][1], pending.get(p) ?? (this.values.get(p.name) as string));
        for (const check of this.checks) check(p.name, value);
        parsed.push([p, value]);
        pending.set(p, value);
      } catch (e) {
        if (!(e instanceof ConfigValueError)) throw e;
        throw new ConfigError(failed(found[i].name, e.message));
      }
    }
    for (const [p, value] of parsed) {
      this.values.set(p.name, value);
      for (const listener of this.listeners) listener(p.name, value);
    }
  }

  /**
   * CONFIG GET: names and values matching the arguments. A glob pattern matches names and aliases
   * (not hidden parameters); a plain name is looked up exactly and keeps the spelling asked for.
   * Each parameter appears once.
   */
  public match(patterns: readonly string[]): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const seen = new Set<string>();
    for (const pattern of patterns) {
      if (!/[[*?]/.test(pattern)) {
        const key = pattern.toLowerCase();
        if (seen.has(key)) continue;
        const entry = this.params.get(key);
        if (entry === undefined) continue;
        seen.add(key);
        out.push([pattern, this.values.get(entry.param.name) as string]);
        continue;
      }
      for (const { name, param } of this.entries) {
        if (param.hiddenHere || seen.has(name)) continue;
        if (!globMatch(pattern, name, true)) continue;
        seen.add(name);
        out.push([name, this.values.get(param.name) as string]);
      }
    }
    return out;
  }

  /** Canonical names of every parameter this engine knows. */
  public names(): string[] {
    return [...this.values.keys()];
  }

  /** Parses a raw CONFIG SET value into the stored CONFIG GET form. */
  private normalize(p: Param, raw: string, current: string): string {
    // Multi-argument parameters split on single spaces, as the server does.
    const args = p.multiArg ? (raw === '' ? [] : raw.split(' ')) : [raw];
    switch (p.kind) {
      case 'bool': {
        const v = raw.toLowerCase();
        if (v !== 'yes' && v !== 'no') throw new ConfigValueError("argument must be 'yes' or 'no'");
        p.parse?.([v], '');
        return v;
      }
      case 'int':
      case 'memory':
      case 'percent':
      case 'octal':
        return this.numeric(p, raw);
      case 'enum': {
        const value = enumValue(p, args);
        p.parse?.(args, '');
        return enumName(p, value);
      }
      case 'string':
        return p.parse ? p.parse([raw], current) : raw;
      case 'special':
        return (p.parse as NonNullable<ConfigParam['parse']>)(args, current);
    }
  }

  private numeric(p: Param, raw: string): string {
    let n: bigint | undefined;
    if (p.kind === 'memory' || p.kind === 'percent') {
      const mem = raw.startsWith('-') ? undefined : memtoull(raw);
      if (mem !== undefined) n = BigInt.asIntN(64, mem);
    }
    if (n === undefined && p.kind === 'percent' && raw.length > 1 && raw.endsWith('%')) {
      const digits = raw.slice(0, -1);
      if (isLongLong(digits) && !digits.startsWith('-')) n = -BigInt(digits);
    }
    if (n === undefined && p.kind === 'octal' && /^[+-]?[0-7]+$/.test(raw.trim()) && !/^\s/.test(raw)) {
      n = BigInt.asIntN(64, BigInt('0o' + raw.replace(/^[+-]/, '')) * (raw.startsWith('-') ? -1n : 1n));
    }
    if (n === undefined && p.kind === 'int' && isLongLong(raw)) n = BigInt(raw);
    if (n === undefined) {
      switch (p.kind) {
        case 'percent': throw new ConfigValueError('argument must be a memory or percent value');
        case 'memory': throw new ConfigValueError('argument must be a memory value');
        case 'octal': throw new ConfigValueError("argument couldn't be parsed as an octal number");
        default: throw new ConfigValueError("argument couldn't be parsed into an integer");
      }
    }
    const min = p.min as bigint;
    const max = p.max as bigint;
    const unsigned = p.numeric === 'uint' || p.numeric === 'ulonglong' || p.numeric === 'size';
    if (unsigned) {
      const u = BigInt.asUintN(64, n);
      if (u > max || u < min) {
        if (p.kind === 'octal') throw new ConfigValueError(`argument must be between ${min.toString(8)} and ${max.toString(8)} inclusive`);
        throw new ConfigValueError(`argument must be between ${min} and ${max} inclusive`);
      }
      n = u;
    } else if (p.kind === 'percent' && n < 0n) {
      if (n < min) throw new ConfigValueError(`percentage argument must be less or equal to ${-min}`);
    } else if (n > max || n < min) {
      throw new ConfigValueError(`argument must be between ${min} and ${max} inclusive`);
    }
    if (p.numeric === 'int') n = BigInt.asIntN(32, n);
    p.parse?.([String(n)], '');
    if (p.kind === 'percent' && n < 0n) return `${-n}%`;
    if (p.kind === 'octal') return n.toString(8);
    return String(n);
  }
}

function failed(name: string, reason: string): string {
  return `CONFIG SET failed (possibly related to argument '${name}') - ${reason}`;
}

/** Whether `s` is a canonical signed 64-bit integer (the server's string2ll). */
function isLongLong(s: string): boolean {
  if (!/^-?(0|[1-9]\d*)$/.test(s) || s === '-0') return false;
  const n = BigInt(s);
  return n >= -(1n << 63n) && n < (1n << 63n);
}

/** An enum's value for the given words (several words OR-ed for bit flags). */
function enumValue(p: ConfigParam, words: readonly string[]): number {
  const values = p.values ?? [];
  const error = () => new ConfigValueError(`argument(s) must be one of the following: ${values.map(([n]) => n).join(', ')}`);
  if (words.length === 0 || (!p.multiArg && words.length !== 1)) throw error();
  let result = 0;
  for (const word of words) {
    const lower = word.toLowerCase();
    const entry = values.find(([n]) => n === lower);
    if (entry === undefined) throw error();
    result |= entry[1];
  }
  return result;
}

/** The CONFIG GET form of an enum value: the first exact name, or the flags from high to low. */
function enumName(p: ConfigParam, value: number): string {
  const values = p.values ?? [];
  const exact = values.find(([, v]) => v === value);
  if (exact !== undefined || !p.multiArg) return exact ? exact[0] : 'unknown';
  let unmatched = value;
  const names: string[] = [];
  for (const [n, v] of values) {
    if (v !== 0 && (unmatched & v) === v) {
      names.push(n);
      unmatched &= ~v;
    }
  }
  return names.length === 0 || unmatched !== 0 ? 'unknown' : names.join(' ');
}

export { INT_MAX, INT_MIN };
