import { createHash } from 'node:crypto';
import type { Client } from './client';
import { commandKeys, keySpecsOf } from './commands/introspection';
import { ACL_CATEGORIES, AclCategory, categoryBit, Command } from './commands/types';
import { IamAuth, IamCredentials, verifyIamToken } from './iam';
import { globMatch } from './util/glob';

/** Why a command was refused (ACL LOG and the -NOPERM reply name it). */
export interface AclDenial {
  readonly reason: 'command' | 'key' | 'channel' | 'auth';
  /** The command, key or channel that was refused. */
  readonly object: string;
  /** Index in argv of the refused key or channel (0 for a refused command). */
  readonly index: number;
}

/** Key permission bits of a pattern (`%R~`, `%W~`, `~` = both). */
export const KEY_READ = 1;
export const KEY_WRITE = 2;
const KEY_ALL = KEY_READ | KEY_WRITE;

/** How the ACL describes a user's commands: Redis 7.0 rebuilds them from the command bitmap; 7.2+ and Valkey keep the rules as given. */
export type AclStyle = '7.0' | '7.2';

export function sha256Hex(password: string): string {
  return createHash('sha256').update(Buffer.from(password, 'latin1')).digest('hex');
}

/** Errors of one ACL rule, worded as ACL SETUSER reports them. */
const RULE_ERRORS = {
  ENOENT: 'Unknown command or category name in ACL',
  EINVAL: 'Syntax error',
  EEXIST: "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
  EISDIR: "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
  ENODEV: 'The password you are trying to remove from the user does not exist',
  EBADMSG: 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters',
  ECHILD: 'Allowing first-arg of a subcommand is not supported',
} as const;
export type RuleError = keyof typeof RULE_ERRORS;

/** The message ACL SETUSER gives for a rule error. */
export function ruleErrorMessage(error: RuleError): string {
  return RULE_ERRORS[error];
}

/**
 * The commands the ACL rules refer to, in table order: ids index the per-selector permission
 * bitmaps, categories come from each command's definition.
 */
export class AclCommandSet {
  /** One more than the highest command id (top-level commands and subcommands). */
  public readonly size: number;
  /** Number of 32-bit words of a permission bitmap. */
  public readonly words: number;
  private readonly byName = new Map<string, Command>();

  constructor(public readonly top: readonly Command[]) {
    let size = 0;
    for (const cmd of top) {
      this.byName.set(cmd.name, cmd);
      size = Math.max(size, cmd.id + 1);
      for (const sub of cmd.subcommands?.values() ?? []) size = Math.max(size, sub.id + 1);
    }
    this.size = size;
    this.words = Math.max(1, Math.ceil(size / 32));
  }

  /** `get`, `config|get` (case-insensitive); undefined for unknown names and deeper paths. */
  public lookup(name: string): Command | undefined {
    const bar = name.indexOf('|');
    if (bar < 0) return this.byName.get(name.toLowerCase());
    if (name.indexOf('|', bar + 1) >= 0) return undefined;
    const base = this.byName.get(name.slice(0, bar).toLowerCase());
    return base?.subcommands?.get(name.slice(bar + 1).toLowerCase());
  }

  /** Calls `fn` for every command and subcommand, containers before their subcommands. */
  public forEach(fn: (cmd: Command) => void): void {
    for (const cmd of this.top) {
      fn(cmd);
      for (const sub of cmd.subcommands?.values() ?? []) fn(sub);
    }
  }
}

/** The empty set (internal users such as the replication link are not subject to rules). */
const NO_COMMANDS = new AclCommandSet([]);

interface KeyPattern {
  readonly pattern: string;
  perm: number;
  /** How to match: 0 = glob, 1 = equal, 2 = starts with `literal` (a pattern such as `app:*`). */
  readonly kind: 0 | 1 | 2;
  readonly literal: string;
}

/** A key pattern with its fast path: most patterns are a literal or a literal prefix and `*`. */
function keyPattern(pattern: string, perm: number): KeyPattern {
  const special = /[*?[\\]/;
  if (!special.test(pattern)) return { pattern, perm, kind: 1, literal: pattern };
  const head = pattern.slice(0, -1);
  if (pattern.endsWith('*') && !special.test(head)) return { pattern, perm, kind: 2, literal: head };
  return { pattern, perm, kind: 0, literal: '' };
}

function keyMatches(k: KeyPattern, key: string): boolean {
  if (k.kind === 1) return key === k.literal;
  if (k.kind === 2) return key.startsWith(k.literal);
  return globMatch(k.pattern, key);
}

/** C isspace() plus NUL: characters patterns and user names cannot contain. */
function hasSpaces(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 32 || (ch >= 9 && ch <= 13) || ch === 0) return true;
  }
  return false;
}

function isPasswordHash(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}

/** Channel arguments of the commands the ACL checks them for (unsubscribing is always allowed). */
const CHANNEL_COMMANDS: ReadonlyMap<string, { readonly all: boolean; readonly pattern: boolean }> = new Map([
  ['subscribe', { all: true, pattern: false }],
  ['ssubscribe', { all: true, pattern: false }],
  ['psubscribe', { all: true, pattern: true }],
  ['publish', { all: false, pattern: false }],
  ['spublish', { all: false, pattern: false }],
]);

/** Commands whose key positions name shard channels, not keys (the ACL checks them as channels). */
const SHARD_CHANNEL_COMMANDS = new Set(['ssubscribe', 'sunsubscribe', 'spublish']);

/** The key arguments of a request and the permission (KEY_READ, KEY_WRITE) each one needs. */
export interface AclKeys {
  readonly positions: readonly number[];
  readonly perms: readonly number[];
}

const NO_KEYS: AclKeys = { positions: [], perms: [] };

/**
 * The keys the ACL checks for a request: the command table's key positions, each needing the
 * permission of the command's declared access (`keyAccess`: read, write, or both). redis-server
 * takes the permission per key from its key specifications (`access` needs read; `insert`,
 * `update`, `delete` need write): where a command's keys differ (COPY reads its source and
 * writes its destination, INCR needs both), the table's declaration decides here.
 */
export function aclKeys(cmd: Command, argv: readonly string[]): AclKeys {
  if (SHARD_CHANNEL_COMMANDS.has(cmd.name) && cmd.parent === undefined) return NO_KEYS;
  // Each key needs what its key specification says: read for `access`, write for `insert`,
  // `update` or `delete` (e.g. INCR needs both, EXISTS neither, SINTERSTORE reads its sources).
  const keys = commandKeys(cmd, keySpecsOf(cmd), argv);
  if (keys.length === 0) return NO_KEYS;
  const positions: number[] = [];
  const perms: number[] = [];
  for (const key of keys) {
    let perm = 0;
    for (const flag of key.flags) {
      if (flag === 'access') perm |= KEY_READ;
      else if (flag === 'insert' || flag === 'update' || flag === 'delete') perm |= KEY_WRITE;
    }
    positions.push(key.pos);
    perms.push(perm);
  }
  return { positions, perms };
}

/** Denial codes in the server's order of precedence (a channel beats a key beats a command). */
const DENIED_CMD = 1;
const DENIED_KEY = 2;
const DENIED_CHANNEL = 4;

/**
 * One set of permissions: commands (a bitmap by command id, plus first arguments allowed for
 * otherwise refused commands), key patterns with read/write flags, channel patterns. Every user
 * has a root selector; `(...)` rules add more, and a command passes when one selector allows it.
 */
export class AclSelector {
  public bits: Uint32Array;
  /** Set by +@all: the user was given every command, including ones added later. */
  public future = false;
  public firstArgs: Map<number, string[]> | null = null;
  public allKeys = false;
  public keys: KeyPattern[] = [];
  public allChannels = false;
  public channels: string[] = [];
  /** The command rules in the order given, as Redis 7.2+ and Valkey describe them. */
  public rules: string[] = [];
  /** Index in argv of the key or channel the last failed check refused. */
  private failedIndex = 0;

  constructor(public readonly commands: AclCommandSet, public readonly root: boolean, allChannels: boolean) {
    this.bits = new Uint32Array(commands.words);
    this.allChannels = allChannels;
  }

  public clone(): AclSelector {
    const s = new AclSelector(this.commands, this.root, this.allChannels);
    s.bits = this.bits.slice();
    s.future = this.future;
    s.firstArgs = this.firstArgs === null ? null : new Map([...this.firstArgs].map(([id, args]) => [id, [...args]]));
    s.allKeys = this.allKeys;
    s.keys = this.keys.map((k) => ({ ...k }));
    s.channels = [...this.channels];
    s.rules = [...this.rules];
    return s;
  }

  public hasCommand(id: number): boolean {
    return (this.bits[id >>> 5] & (1 << (id & 31))) !== 0;
  }

  private setBit(id: number, allow: boolean): void {
    if (allow) this.bits[id >>> 5] |= 1 << (id & 31);
    else this.bits[id >>> 5] &= ~(1 << (id & 31));
  }

  /** Allows or refuses a command; a container takes its subcommands along. */
  public changeCommand(cmd: Command, allow: boolean): void {
    this.setBit(cmd.id, allow);
    this.firstArgs?.delete(cmd.id);
    if (cmd.subcommands !== undefined) for (const sub of cmd.subcommands.values()) this.setBit(sub.id, allow);
  }

  public changeCategory(category: AclCategory, allow: boolean): void {
    const bit = categoryBit(category);
    for (const cmd of this.commands.top) {
      if ((cmd.categoryMask & bit) !== 0) this.changeCommand(cmd, allow);
      if (cmd.subcommands === undefined) continue;
      for (const sub of cmd.subcommands.values()) if ((sub.categoryMask & bit) !== 0) this.changeCommand(sub, allow);
    }
  }

  private setAll(allow: boolean): void {
    this.bits.fill(allow ? 0xffffffff : 0);
    this.future = allow;
    this.firstArgs = null;
    this.rules = [];
  }

  /** Records a command rule as 7.2+ keeps them: a later rule for a command replaces earlier ones. */
  private addRule(name: string, allow: boolean): void {
    const rule = name.toLowerCase();
    this.rules = this.rules.filter((r) => {
      const existing = r.slice(1);
      return existing !== rule && !(existing.startsWith(rule) && existing.charCodeAt(rule.length) === 124 /* | */);
    });
    this.rules.push((allow ? '+' : '-') + rule);
  }

  /** Applies one selector rule; returns the error, or null. */
  public apply(op: string): RuleError | null {
    const lower = op.toLowerCase();
    if (lower === 'allkeys' || op === '~*') {
      this.allKeys = true;
      this.keys = [];
    } else if (lower === 'resetkeys') {
      this.allKeys = false;
      this.keys = [];
    } else if (lower === 'allchannels' || op === '&*') {
      this.allChannels = true;
      this.channels = [];
    } else if (lower === 'resetchannels') {
      this.allChannels = false;
      this.channels = [];
    } else if (lower === 'allcommands' || lower === '+@all') {
      this.setAll(true);
    } else if (lower === 'nocommands' || lower === '-@all') {
      this.setAll(false);
    } else if (op[0] === '~' || op[0] === '%') {
      return this.addKeyPattern(op);
    } else if (op[0] === '&') {
      if (this.allChannels) return 'EISDIR';
      const pattern = op.slice(1);
      if (hasSpaces(pattern)) return 'EINVAL';
      if (!this.channels.includes(pattern)) this.channels.push(pattern);
      this.allChannels = false;
    } else if (op[0] === '+' && op[1] !== '@') {
      return this.allowCommand(op.slice(1));
    } else if (op[0] === '-' && op[1] !== '@') {
      const cmd = this.commands.lookup(op.slice(1));
      if (cmd === undefined) return 'ENOENT';
      this.changeCommand(cmd, false);
      this.addRule(cmd.fullName, false);
    } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
      const category = ACL_CATEGORIES.find((c) => c === lower.slice(2));
      if (category === undefined) return 'ENOENT';
      this.changeCategory(category, op[0] === '+');
      this.addRule(op.slice(1), op[0] === '+');
    } else {
      return 'EINVAL';
    }
    return null;
  }

  private addKeyPattern(op: string): RuleError | null {
    if (this.allKeys) return 'EEXIST';
    let perm = 0;
    let offset = 1;
    if (op[0] === '%') {
      for (; offset < op.length; offset++) {
        const ch = op[offset].toUpperCase();
        if (ch === 'R' && (perm & KEY_READ) === 0) {
          perm |= KEY_READ;
        } else if (ch === 'W' && (perm & KEY_WRITE) === 0) {
          perm |= KEY_WRITE;
        } else if (op[offset] === '~' && perm !== 0) {
          // `%~pattern` (no permission letter) is refused as Valkey refuses it: Redis 7.0 accepts
          // it and then cannot describe the user.
          offset++;
          break;
        } else {
          return 'EINVAL';
        }
      }
    } else {
      perm = KEY_ALL;
    }
    const pattern = op.slice(offset);
    if (hasSpaces(pattern)) return 'EINVAL';
    const existing = this.keys.find((k) => k.pattern === pattern);
    if (existing !== undefined) existing.perm |= perm;
    else this.keys.push(keyPattern(pattern, perm));
    this.allKeys = false;
    return null;
  }

  private allowCommand(name: string): RuleError | null {
    const bar = name.lastIndexOf('|');
    if (bar < 0) {
      const cmd = this.commands.lookup(name);
      if (cmd === undefined) return 'ENOENT';
      this.changeCommand(cmd, true);
      this.addRule(cmd.fullName, true);
      return null;
    }
    const cmd = this.commands.lookup(name.slice(0, bar));
    if (cmd === undefined) return 'ENOENT';
    if (cmd.parent !== undefined) return 'ECHILD';
    const arg = name.slice(bar + 1);
    if (arg === '') return 'EINVAL';
    if (cmd.subcommands !== undefined) {
      const sub = this.commands.lookup(name);
      if (sub === undefined) return 'ENOENT';
      this.changeCommand(sub, true);
    } else {
      // A first argument of an otherwise refused command (`+select|0`): deprecated but honoured.
      this.firstArgs ??= new Map();
      const list = this.firstArgs.get(cmd.id) ?? [];
      if (!list.some((a) => a.toLowerCase() === arg.toLowerCase())) list.push(arg);
      this.firstArgs.set(cmd.id, list);
    }
    this.addRule(name, true);
    return null;
  }

  /** Whether this selector allows every command on every key and channel. */
  public allowsEverything(): boolean {
    if (!this.allChannels) return false;
    if (!this.allKeys && !this.keys.some((k) => k.pattern === '*' && k.perm === KEY_ALL)) return false;
    let all = true;
    this.commands.forEach((cmd) => {
      if (!cmd.noAuth && !this.hasCommand(cmd.id)) all = false;
    });
    return all;
  }

  /** Checks a command; returns 0 or a denial code (then `failedIndex` names the argument). */
  public check(cmd: Command, argv: readonly string[], keys: AclKeys | null): number {
    if (!cmd.noAuth && !this.hasCommand(cmd.id)) {
      const allowed = argv.length >= 2 ? this.firstArgs?.get(cmd.id) : undefined;
      if (allowed === undefined) return DENIED_CMD;
      const arg = argv[cmd.parent !== undefined ? 2 : 1].toLowerCase();
      if (!allowed.some((a) => a.toLowerCase() === arg)) return DENIED_CMD;
    }
    if (!this.allKeys && keys !== null) {
      const { positions, perms } = keys;
      for (let i = 0; i < positions.length; i++) {
        if (!this.keyAllowed(argv[positions[i]], perms[i])) {
          this.failedIndex = positions[i];
          return DENIED_KEY;
        }
      }
    }
    if (!this.allChannels) {
      const spec = CHANNEL_COMMANDS.get(cmd.fullName);
      if (spec !== undefined) {
        const end = spec.all ? argv.length : Math.min(argv.length, 2);
        for (let i = 1; i < end; i++) {
          if (!channelAllowed(this.channels, argv[i], spec.pattern)) {
            this.failedIndex = i;
            return DENIED_CHANNEL;
          }
        }
      }
    }
    return 0;
  }

  public get lastFailedIndex(): number {
    return this.failedIndex;
  }

  public keyAllowed(key: string, perm: number): boolean {
    if (this.allKeys) return true;
    for (const k of this.keys) {
      if ((k.perm & perm) !== perm) continue;
      if (keyMatches(k, key)) return true;
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------
  // Descriptions (ACL GETUSER, ACL LIST)

  public describeKeys(): string {
    if (this.allKeys) return '~*';
    return this.keys.map(patternString).join(' ');
  }

  public describeChannels(): string {
    if (this.allChannels) return '&*';
    return this.channels.map((c) => '&' + c).join(' ');
  }

  /** The command rules that rebuild this selector's permissions (`+@all -debug`). */
  public describeCommands(style: AclStyle): string {
    return style === '7.0' ? this.rebuildCommandRules() : [this.future ? '+@all' : '-@all', ...this.rules].join(' ');
  }

  /** The selector in ACL LIST form: keys, channels, commands. */
  public describe(style: AclStyle): string {
    let out = '';
    if (this.allKeys) out += '~* ';
    else for (const k of this.keys) out += patternString(k) + ' ';
    if (this.allChannels) {
      out += '&* ';
    } else {
      out += 'resetchannels ';
      for (const c of this.channels) out += '&' + c + ' ';
    }
    return out + this.describeCommands(style);
  }

  /**
   * Redis 7.0's description: start from +@all or -@all, add (or remove) the categories that fit
   * the bitmap best, one at a time, then fix the remaining commands one by one.
   */
  private rebuildCommandRules(): string {
    const additive = !this.future;
    const rules: string[] = [additive ? '-@all' : '+@all'];
    const fake = new AclSelector(this.commands, false, false);
    fake.bits.fill(additive ? 0 : 0xffffffff);
    const temp = new AclSelector(this.commands, false, false);
    temp.bits = this.bits.slice();
    const applied = new Set<AclCategory>();
    for (;;) {
      let best: AclCategory | undefined;
      let minDiff = Number.MAX_SAFE_INTEGER;
      let maxSame = 0;
      for (const category of ACL_CATEGORIES) {
        if (applied.has(category)) continue;
        const [on, off] = temp.countCategory(category);
        const diff = additive ? off : on;
        const same = additive ? on : off;
        if (same > diff && (diff < minDiff || (diff === minDiff && same > maxSame))) {
          best = category;
          minDiff = diff;
          maxSame = same;
        }
      }
      if (best === undefined) break;
      fake.changeCategory(best, additive);
      temp.changeCategory(best, !additive);
      rules.push((additive ? '+@' : '-@') + best);
      applied.add(best);
    }
    for (const cmd of this.commands.top) {
      this.rebuildCommand(cmd, fake, rules);
      if (cmd.subcommands !== undefined) for (const sub of cmd.subcommands.values()) this.rebuildCommand(sub, fake, rules);
      const firstArgs = this.hasCommand(cmd.id) ? undefined : this.firstArgs?.get(cmd.id);
      if (firstArgs !== undefined) for (const arg of firstArgs) rules.push(`+${cmd.fullName}|${arg}`);
    }
    return rules.join(' ');
  }

  private rebuildCommand(cmd: Command, fake: AclSelector, rules: string[]): void {
    const allowed = this.hasCommand(cmd.id);
    if (allowed !== fake.hasCommand(cmd.id)) {
      rules.push((allowed ? '+' : '-') + cmd.fullName);
      fake.changeCommand(cmd, allowed);
    }
  }

  private countCategory(category: AclCategory): [number, number] {
    const bit = categoryBit(category);
    let on = 0;
    let off = 0;
    this.commands.forEach((cmd) => {
      if ((cmd.categoryMask & bit) === 0) return;
      if (this.hasCommand(cmd.id)) on++;
      else off++;
    });
    return [on, off];
  }
}

function patternString(k: KeyPattern): string {
  return (k.perm === KEY_ALL ? '~' : k.perm === KEY_READ ? '%R~' : '%W~') + k.pattern;
}

/**
 * Whether a channel is allowed by a list of channel patterns. A pattern subscription
 * (PSUBSCRIBE) must equal one of the patterns literally; a channel matches them as globs.
 */
export function channelAllowed(patterns: readonly string[], channel: string, isPattern: boolean): boolean {
  for (const p of patterns) {
    if (isPattern ? p === channel : globMatch(p, channel)) return true;
  }
  return false;
}

/** User flags in the order ACL LIST and ACL GETUSER print them. */
type SanitizePayload = 'default' | 'sanitize' | 'skip';

/**
 * A user of the access control list: whether it is on, its passwords (SHA-256 hex digests, in the
 * order added) and its selectors. The default user allows everything; other users carry rules set
 * with ACL SETUSER or from the template.
 */
export class AclUser {
  public enabled = false;
  public nopass = false;
  /** SHA-256 hex digests of the accepted passwords, in the order they were added. */
  public passwords = new Set<string>();
  public sanitizePayload: SanitizePayload = 'default';
  /** The root selector first, then the `(...)` selectors. */
  public selectors: AclSelector[];
  /**
   * Set when the user may run every command on every key and channel, so the per-command check
   * is skipped entirely. Kept up to date by {@link AclUser.refresh}.
   */
  public allowsAll = false;
  /**
   * An ElastiCache IAM user: AUTH takes a SigV4-presigned token for this cache instead of a
   * password (see iam.ts).
   */
  public iam: IamAuth | undefined;

  constructor(public readonly name: string, commands: AclCommandSet = NO_COMMANDS, pubsubAllChannels = false) {
    this.selectors = [new AclSelector(commands, true, pubsubAllChannels)];
  }

  public get root(): AclSelector {
    return this.selectors[0];
  }

  /** Whether the password is one of the user's (or the user has nopass). */
  public acceptsPassword(password: string): boolean {
    return this.nopass || this.passwords.has(sha256Hex(password));
  }

  /**
   * Checks a command against every selector: null when one allows it, otherwise the refusal the
   * server reports (a channel beats a key beats the command; among equals, the later argument).
   */
  public permits(cmd: Command, argv: readonly string[]): AclDenial | null {
    if (this.allowsAll) return null;
    let relevant = DENIED_CMD;
    let lastIndex = 0;
    let keys: AclKeys | null = null;
    let keysKnown = false;
    for (const selector of this.selectors) {
      if (!keysKnown && !selector.allKeys) {
        keys = aclKeys(cmd, argv);
        keysKnown = true;
      }
      const result = selector.check(cmd, argv, keys);
      if (result === 0) return null;
      const index = result === DENIED_CMD ? 0 : selector.lastFailedIndex;
      if (result > relevant || (result === relevant && index > lastIndex)) {
        relevant = result;
        lastIndex = index;
      }
    }
    if (relevant === DENIED_CMD) return { reason: 'command', object: cmd.fullName, index: 0 };
    return { reason: relevant === DENIED_KEY ? 'key' : 'channel', object: argv[lastIndex], index: lastIndex };
  }

  /**
   * Whether one selector allows the command and gives `perm` (KEY_READ, KEY_WRITE) on every key:
   * commands that reach keys their arguments do not name (SORT ... BY / GET patterns) require it.
   */
  public permitsAllKeys(cmd: Command, argv: readonly string[], perm: number): boolean {
    if (this.allowsAll) return true;
    let keys: AclKeys | null = null;
    for (const selector of this.selectors) {
      const unrestricted = selector.allKeys || selector.keys.some((k) => k.pattern === '*' && (k.perm & perm) === perm);
      if (!unrestricted) continue;
      keys ??= aclKeys(cmd, argv);
      if (selector.check(cmd, argv, keys) === 0) return true;
    }
    return false;
  }

  /** Copies another user's flags, passwords and selectors (ACL SETUSER applies a staged copy). */
  public assign(from: AclUser): void {
    this.enabled = from.enabled;
    this.nopass = from.nopass;
    this.passwords = new Set(from.passwords);
    this.sanitizePayload = from.sanitizePayload;
    this.selectors = from.selectors.map((s) => s.clone());
    this.refresh();
  }

  /** A detached copy to stage rule changes on. */
  public clone(): AclUser {
    const copy = new AclUser(this.name, this.root.commands);
    copy.assign(this);
    copy.iam = this.iam;
    return copy;
  }

  /** Recomputes {@link allowsAll} after the rules changed. */
  public refresh(): void {
    this.allowsAll = this.selectors.some((s) => s.allowsEverything());
  }

  /**
   * Applies one ACL SETUSER rule. Returns the error, or null. Call {@link refresh} after a batch
   * of rules (ACL SETUSER does, through {@link assign}).
   */
  public apply(op: string, pubsubAllChannels: boolean): RuleError | null {
    if (op === '') return null;
    const lower = op.toLowerCase();
    switch (lower) {
      case 'on': this.enabled = true; return null;
      case 'off': this.enabled = false; return null;
      case 'skip-sanitize-payload': this.sanitizePayload = 'skip'; return null;
      case 'sanitize-payload': this.sanitizePayload = 'sanitize'; return null;
      case 'nopass':
        this.nopass = true;
        this.passwords.clear();
        return null;
      case 'resetpass':
        this.nopass = false;
        this.passwords.clear();
        return null;
      case 'clearselectors':
        this.selectors.length = 1;
        return null;
      case 'reset':
        this.apply('resetpass', pubsubAllChannels);
        this.root.apply('resetkeys');
        this.root.apply('resetchannels');
        if (pubsubAllChannels) this.root.apply('allchannels');
        this.enabled = false;
        this.sanitizePayload = 'sanitize';
        this.selectors.length = 1;
        this.root.apply('-@all');
        return null;
    }
    if (op[0] === '>' || op[0] === '#') {
      const hash = op[0] === '>' ? sha256Hex(op.slice(1)) : op.slice(1);
      if (op[0] === '#' && !isPasswordHash(hash)) return 'EBADMSG';
      this.passwords.add(hash);
      this.nopass = false;
      return null;
    }
    if (op[0] === '<' || op[0] === '!') {
      const hash = op[0] === '<' ? sha256Hex(op.slice(1)) : op.slice(1);
      if (op[0] === '!' && !isPasswordHash(hash)) return 'EBADMSG';
      if (!this.passwords.delete(hash)) return 'ENODEV';
      return null;
    }
    if (op[0] === '(' && op[op.length - 1] === ')') {
      const selector = new AclSelector(this.root.commands, false, pubsubAllChannels);
      for (const inner of splitArgs(op.slice(1, -1))) {
        const error = selector.apply(inner);
        if (error !== null) return error;
      }
      this.selectors.push(selector);
      return null;
    }
    return this.root.apply(op);
  }

  /** Flags in ACL LIST / GETUSER order. */
  public flags(): string[] {
    const out = [this.enabled ? 'on' : 'off'];
    if (this.nopass) out.push('nopass');
    if (this.sanitizePayload === 'skip') out.push('skip-sanitize-payload');
    if (this.sanitizePayload === 'sanitize') out.push('sanitize-payload');
    return out;
  }

  /** The user in ACL LIST form, without the leading `user <name> `. */
  public describe(style: AclStyle): string {
    let out = '';
    for (const f of this.flags()) out += f + ' ';
    for (const p of this.passwords) out += '#' + p + ' ';
    out += this.root.describe(style);
    for (let i = 1; i < this.selectors.length; i++) out += ' (' + this.selectors[i].describe(style) + ')';
    return out;
  }
}

/**
 * Splits a selector's inner rules on spaces as the server's argument splitter does for
 * unquoted words (selector rules hold no quotes in practice).
 */
function splitArgs(s: string): string[] {
  return s.split(/[ \n\r\t\f\v]+/).filter((w) => w.length > 0);
}

/**
 * Joins selector rules given over several arguments (`(~key*`, `+get)`) into one, as ACL
 * SETUSER does. Returns the merged rules, or the index of an unclosed `(` argument.
 */
export function mergeSelectorArgs(args: readonly string[]): string[] | number {
  const out: string[] = [];
  let open = -1;
  let selector = '';
  for (let i = 0; i < args.length; i++) {
    const op = args[i];
    if (op[0] === '(' && op[op.length - 1] !== ')') {
      selector = op;
      open = i;
      continue;
    }
    if (open >= 0) {
      selector += ' ' + op;
      if (op[op.length - 1] === ')') {
        open = -1;
        out.push(selector);
      }
      continue;
    }
    out.push(op);
  }
  return open >= 0 ? open : out;
}

/**
 * The -NOPERM reply for a refused command. Redis 7.0: "this user has no permissions to run the
 * 'get' command" / "... to access one of the keys (channels) used as arguments"; 7.2+ and Valkey:
 * "User alice has no permissions to run the 'get' command" / "No permissions to access a key
 * (channel)".
 */
export function noPermissionMessage(style: AclStyle, user: string, denial: AclDenial, command: string): string {
  if (style === '7.0') {
    switch (denial.reason) {
      case 'key': return 'NOPERM this user has no permissions to access one of the keys used as arguments';
      case 'channel': return 'NOPERM this user has no permissions to access one of the channels used as arguments';
      default: return `NOPERM this user has no permissions to run the '${command}' command`;
    }
  }
  switch (denial.reason) {
    case 'key': return 'NOPERM No permissions to access a key';
    case 'channel': return 'NOPERM No permissions to access a channel';
    default: return `NOPERM User ${user} has no permissions to run the '${command}' command`;
  }
}

/** One ACL LOG entry. */
export interface AclLogEntry {
  count: number;
  readonly reason: AclDenial['reason'];
  readonly context: 'toplevel' | 'multi' | 'lua' | 'module';
  readonly object: string;
  readonly username: string;
  /** Time of the last occurrence (ms). */
  updated: number;
  readonly created: number;
  readonly entryId: number;
  clientInfo: string;
}

/** Occurrences this close together (ms) update one log entry instead of adding another. */
const LOG_GROUPING_MS = 60_000;

/** The users of one server, its ACL log and the settings the rules depend on. */
export class Acl {
  public readonly users = new Map<string, AclUser>();
  public readonly commands: AclCommandSet;
  /** acl-pubsub-default: new users get all channels (`allchannels`) or none (`resetchannels`). */
  public pubsubAllChannels = false;
  /** acllog-max-len */
  public logMaxLen = 128;
  /** Newest first. */
  public readonly log: AclLogEntry[] = [];
  private nextLogId = 0;
  /** How ACL LOG describes a client (CLIENT LIST's line). */
  public describeClient: (c: Client) => string = basicClientInfo;
  /** Credentials that IAM tokens must be signed with; without them only the token's form is checked. */
  public iamCredentials: IamCredentials | undefined;

  constructor(commands: readonly Command[], public readonly style: AclStyle = '7.2') {
    this.commands = new AclCommandSet(commands);
    const user = new AclUser('default', this.commands);
    for (const op of ['+@all', '~*', '&*', 'on', 'nopass']) user.apply(op, false);
    user.refresh();
    this.users.set('default', user);
  }

  public get defaultUser(): AclUser {
    return this.users.get('default') as AclUser;
  }

  /** Whether new connections must authenticate (the default user has a password or is off). */
  public get authRequired(): boolean {
    const d = this.defaultUser;
    return !d.nopass || !d.enabled;
  }

  /** requirepass: sets (or, with '', clears) the default user's only password. */
  public setRequirePass(password: string): void {
    const d = this.defaultUser;
    d.apply('resetpass', false);
    d.apply(password === '' ? 'nopass' : '>' + password, false);
  }

  /**
   * The user for valid credentials, or null. An IAM user takes a presigned token (checked
   * against `now`) instead of a password.
   */
  public authenticate(username: string, password: string, now: number): AclUser | null {
    const user = this.users.get(username);
    if (user === undefined || !user.enabled) return null;
    if (user.iam !== undefined) return verifyIamToken(password, username, user.iam, now, this.iamCredentials) ? user : null;
    return user.acceptsPassword(password) ? user : null;
  }

  /**
   * Creates or changes a user from ACL SETUSER rules, all or nothing. Returns the error message
   * (without the `ERR ` code), or null. `current` is the client running the command.
   */
  public setUser(name: string, rules: readonly string[], current?: Client, clients?: Iterable<Client>): string | null {
    const merged = mergeSelectorArgs(rules);
    if (typeof merged === 'number') return `Unmatched parenthesis in acl selector starting at '${rules[merged]}'.`;
    const existing = this.users.get(name);
    const staged = existing !== undefined ? existing.clone() : new AclUser(name, this.commands, this.pubsubAllChannels);
    for (const op of merged) {
      const error = staged.apply(op, this.pubsubAllChannels);
      if (error !== null) return `Error in ACL SETUSER modifier '${op}': ${ruleErrorMessage(error)}`;
    }
    if (existing !== undefined) {
      if (clients !== undefined) this.killRevokedSubscribers(existing, staged, current, clients);
      existing.assign(staged);
    } else {
      staged.refresh();
      this.users.set(name, staged);
    }
    return null;
  }

  /**
   * Disconnects subscribers of a user whose channel permissions no longer cover what they are
   * subscribed to, as ACL SETUSER does.
   */
  private killRevokedSubscribers(original: AclUser, updated: AclUser, current: Client | undefined, clients: Iterable<Client>): void {
    if (updated.selectors.some((s) => s.allChannels)) return;
    const upcoming = updated.selectors.flatMap((s) => s.channels);
    const superset = original.selectors.every((s) => !s.allChannels && s.channels.every((ch) => upcoming.includes(ch)));
    if (superset) return;
    for (const c of [...clients]) {
      if (c.user !== original || !c.subscribed) continue;
      let revoked = false;
      for (const p of c.patterns) if (!channelAllowed(upcoming, p, true)) revoked = true;
      for (const ch of c.channels) if (!channelAllowed(upcoming, ch, false)) revoked = true;
      for (const ch of c.shardChannels) if (!channelAllowed(upcoming, ch, false)) revoked = true;
      if (!revoked) continue;
      if (c === current) c.closeAfterReply = true;
      else c.close();
    }
  }

  /**
   * Deletes a user and disconnects the clients authenticated as it (the running client after its
   * reply). Returns whether the user existed.
   */
  public deleteUser(name: string, current: Client | undefined, clients: Iterable<Client>): boolean {
    const user = this.users.get(name);
    if (user === undefined || name === 'default') return false;
    this.users.delete(name);
    for (const c of [...clients]) {
      if (c.user !== user) continue;
      c.user = this.defaultUser;
      c.authenticated = false;
      if (c === current) c.closeAfterReply = true;
      else c.close();
    }
    return true;
  }

  /** Adds (or bumps a recent similar) ACL LOG entry. */
  public addLogEntry(c: Client, reason: AclDenial['reason'], object: string, username?: string): void {
    const now = c.server.clock.now();
    const context: AclLogEntry['context'] = c.multi !== null || c.inExec ? 'multi' : c.kind === 'script' ? 'lua' : 'toplevel';
    const name = username ?? c.user.name;
    const info = this.describeClient(c);
    const scan = Math.min(10, this.log.length);
    for (let i = 0; i < scan; i++) {
      const e = this.log[i];
      if (e.reason !== reason || e.context !== context || Math.abs(e.updated - now) > LOG_GROUPING_MS) continue;
      if (e.object !== object || e.username !== name) continue;
      this.log.splice(i, 1);
      this.log.unshift(e);
      e.count++;
      e.updated = now;
      e.clientInfo = info;
      return;
    }
    this.log.unshift({ count: 1, reason, context, object, username: name, updated: now, created: now, entryId: this.nextLogId++, clientInfo: info });
    if (this.log.length > this.logMaxLen) this.log.length = this.logMaxLen;
  }

  /** Users in name order (byte order), as ACL LIST and ACL USERS give them. */
  public sortedUsers(): AclUser[] {
    return [...this.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/** A CLIENT LIST line for ACL LOG: the fields the engine tracks, in the server's order. */
function basicClientInfo(c: Client): string {
  const now = c.server.clock.now();
  return [
    `id=${c.id}`,
    `addr=${c.address}`,
    `laddr=${c.localAddress}`,
    'fd=-1',
    `name=${c.name}`,
    `age=${Math.floor((now - c.createdAt) / 1000)}`,
    `idle=${Math.floor((now - c.lastInteraction) / 1000)}`,
    `flags=${c.multi !== null ? 'x' : c.subscribed ? 'P' : 'N'}`,
    `db=${c.db.id}`,
    `sub=${c.channels.size}`,
    `psub=${c.patterns.size}`,
    `ssub=${c.shardChannels.size}`,
    `multi=${c.multi !== null ? c.multi.length : -1}`,
    'qbuf=0',
    'qbuf-free=0',
    'argv-mem=0',
    'multi-mem=0',
    'rbs=16384',
    'rbp=0',
    'obl=0',
    'oll=0',
    'omem=0',
    'tot-mem=0',
    'events=r',
    `cmd=${c.lastCommand?.fullName ?? 'NULL'}`,
    `user=${c.user.name}`,
    'redir=-1',
    `resp=${c.w.resp}`,
  ].join(' ');
}
