import type { Client } from './client';

/** CLIENT TRACKING state of one client. */
export interface TrackingState {
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** Client id invalidations go to (0: the client itself). */
  redirect: number;
  /** CLIENT CACHING was given for the next command. */
  caching: boolean;
  /** The redirect target went away. */
  brokenRedirect: boolean;
  /** BCAST prefixes, in the order the server lists them (byte order). */
  prefixes: Set<string>;
}

/** The modes CLIENT TRACKING ON sets. */
export interface TrackingOptions {
  readonly bcast: boolean;
  readonly optin: boolean;
  readonly optout: boolean;
  readonly noloop: boolean;
}

/** Clients broadcasting on one prefix and the keys changed under it since the last broadcast. */
interface PrefixState {
  readonly clients: Set<Client>;
  /** Changed key -> the client that changed it last (NOLOOP), or null. */
  keys: Map<string, Client | null>;
}

/** Where tracking reaches the server. */
export interface TrackingHost {
  /** The client whose command is running (NOLOOP, invalidations deferred until after its reply). */
  readonly currentClient: Client | null;
  lookupClient(id: number): Client | undefined;
  /** Marks a client whose output must be flushed. */
  markPending(c: Client): void;
}

/** The channel RESP2 clients subscribe to for redirected invalidations. */
export const INVALIDATE_CHANNEL = '__redis__:invalidate';

/**
 * Server-assisted client-side caching (CLIENT TRACKING): remembers which clients read which keys
 * (default mode) or which prefixes they watch (BCAST), and sends `invalidate` messages when keys
 * change: RESP3 push messages, or, for RESP2 clients redirecting to a subscriber, messages on
 * `__redis__:invalidate`.
 */
export class Tracking {
  /** Per tracking client. */
  public readonly states = new Map<Client, TrackingState>();
  /** Key -> ids of the clients that may have cached it. */
  private readonly table = new Map<string, Set<number>>();
  /** Total client ids in the table (INFO tracking_total_items). */
  public totalItems = 0;
  private readonly prefixTable = new Map<string, PrefixState>();
  /** Keys changed while their reader's own command runs: sent after its reply. */
  private pending: Array<string | null> = [];
  private broadcastDue = false;

  constructor(private readonly host: TrackingHost) {}

  /** Whether any client tracks keys (the keyspace then reports changes). */
  public get active(): boolean {
    return this.states.size > 0;
  }

  public get totalKeys(): number {
    return this.table.size;
  }

  public get totalPrefixes(): number {
    return this.prefixTable.size;
  }

  public state(c: Client): TrackingState | undefined {
    return this.states.get(c);
  }

  /** CLIENT TRACKING ON with validated options. */
  public enable(c: Client, redirect: number, options: TrackingOptions, prefixes: readonly string[]): void {
    let state = this.states.get(c);
    if (state === undefined) {
      state = {
        bcast: false, optin: false, optout: false, noloop: false, redirect: 0, caching: false, brokenRedirect: false, prefixes: new Set(),
      };
      this.states.set(c, state);
    }
    state.brokenRedirect = false;
    state.redirect = redirect;
    state.optin = options.optin;
    state.optout = options.optout;
    state.noloop = options.noloop;
    state.bcast = options.bcast;
    if (options.bcast) {
      const wanted = prefixes.length === 0 ? [''] : prefixes;
      for (const prefix of wanted) this.addPrefix(c, state, prefix);
    }
  }

  /** The prefix (of the client's own or of the new ones) that overlaps `prefix`, if any. */
  public overlapping(c: Client, prefixes: readonly string[]): string | undefined {
    const own = this.states.get(c)?.prefixes ?? new Set<string>();
    for (let i = 0; i < prefixes.length; i++) {
      for (const existing of [...own].sort()) {
        if (existing.startsWith(prefixes[i]) || prefixes[i].startsWith(existing)) {
          return `Prefix '${prefixes[i]}' overlaps with an existing prefix '${existing}'. Prefixes for a single client must not overlap.`;
        }
      }
      for (let j = i + 1; j < prefixes.length; j++) {
        if (prefixes[j].startsWith(prefixes[i]) || prefixes[i].startsWith(prefixes[j])) {
          return `Prefix '${prefixes[i]}' overlaps with another provided prefix '${prefixes[j]}'. Prefixes for a single client must not overlap.`;
        }
      }
    }
    return undefined;
  }

  private addPrefix(c: Client, state: TrackingState, prefix: string): void {
    let ps = this.prefixTable.get(prefix);
    if (ps === undefined) {
      ps = { clients: new Set(), keys: new Map() };
      this.prefixTable.set(prefix, ps);
    }
    ps.clients.add(c);
    state.prefixes.add(prefix);
  }

  /** CLIENT TRACKING OFF (and disconnects, RESET). */
  public disable(c: Client): void {
    const state = this.states.get(c);
    if (state === undefined) return;
    for (const prefix of state.prefixes) {
      const ps = this.prefixTable.get(prefix);
      if (ps === undefined) continue;
      ps.clients.delete(c);
      if (ps.clients.size === 0) this.prefixTable.delete(prefix);
    }
    this.states.delete(c);
  }

  /**
   * After a read-only command of a tracking client in default mode: remembers the keys it read
   * (OPTIN: only after CLIENT CACHING YES; OPTOUT: unless CLIENT CACHING NO).
   */
  public remember(c: Client, keys: readonly string[], maxKeys: number): void {
    const state = this.states.get(c);
    if (state === undefined || state.bcast) return;
    if ((state.optin && !state.caching) || (state.optout && state.caching)) return;
    for (const key of keys) {
      let ids = this.table.get(key);
      if (ids === undefined) {
        ids = new Set();
        this.table.set(key, ids);
      }
      if (!ids.has(c.id)) {
        ids.add(c.id);
        this.totalItems++;
      }
    }
    if (maxKeys > 0) {
      // Over tracking-table-max-keys: forget the oldest keys, telling their readers.
      while (this.table.size > maxKeys) {
        const oldest = this.table.keys().next().value as string;
        this.invalidateKey(oldest, false);
      }
    }
  }

  /**
   * A key changed: invalidates it for the clients that read it, and queues it for broadcast to
   * clients watching a matching prefix.
   */
  public invalidateKey(key: string, bcast = true): void {
    if (bcast && this.prefixTable.size > 0) {
      const modifier = this.host.currentClient;
      for (const [prefix, ps] of this.prefixTable) {
        if (!key.startsWith(prefix)) continue;
        ps.keys.set(key, modifier);
        this.broadcastDue = true;
      }
    }
    const ids = this.table.get(key);
    if (ids === undefined) return;
    this.table.delete(key);
    this.totalItems -= ids.size;
    const current = this.host.currentClient;
    for (const id of ids) {
      const target = this.host.lookupClient(id);
      if (target === undefined) continue;
      const state = this.states.get(target);
      if (state === undefined || state.bcast) continue;
      if (state.noloop && target === current) continue;
      if (target === current) {
        this.pending.push(key);
        continue;
      }
      this.send(target, state, arrayOf([key]));
    }
  }

  /** FLUSHDB/FLUSHALL: every tracking client is told to drop everything (a null key list). */
  public invalidateAll(): void {
    const current = this.host.currentClient;
    for (const [c, state] of this.states) {
      if (c === current) this.pending.push(null);
      else this.send(c, state, c.w.resp === 3 ? '_\r\n' : '$-1\r\n');
    }
    this.table.clear();
    this.totalItems = 0;
  }

  /** Sends the invalidations deferred during the current client's command (after its reply). */
  public flushPendingFor(c: Client): void {
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    const state = this.states.get(c);
    if (state === undefined) return;
    for (const key of pending) {
      this.send(c, state, key === null ? (c.w.resp === 3 ? '_\r\n' : '$-1\r\n') : arrayOf([key]));
    }
  }

  /** Sends the keys changed under each prefix to its BCAST clients (once per event-loop turn). */
  public broadcast(): void {
    if (!this.broadcastDue) return;
    this.broadcastDue = false;
    for (const ps of this.prefixTable.values()) {
      if (ps.keys.size === 0) continue;
      const keys = [...ps.keys.keys()].sort(byteOrder);
      const common = arrayOf(keys);
      for (const c of ps.clients) {
        const state = this.states.get(c);
        if (state === undefined) continue;
        if (state.noloop) {
          const own = keys.filter((k) => ps.keys.get(k) !== c);
          if (own.length > 0) this.send(c, state, arrayOf(own));
        } else {
          this.send(c, state, common);
        }
      }
      ps.keys = new Map();
    }
  }

  /** Writes one invalidation (the array of keys already encoded) to the client or its redirect. */
  private send(c: Client, state: TrackingState, keysProto: string): void {
    let target = c;
    let redirected = false;
    if (state.redirect !== 0) {
      const redir = this.host.lookupClient(state.redirect);
      if (redir === undefined) {
        state.brokenRedirect = true;
        if (c.w.resp === 3) {
          c.w.push(2);
          c.w.bulk('tracking-redir-broken');
          c.w.int(state.redirect);
          this.host.markPending(c);
        }
        return;
      }
      target = redir;
      redirected = true;
    }
    if (target.w.resp === 3) {
      target.w.push(2);
      target.w.bulk('invalidate');
    } else if (redirected && target.channels.size + target.patterns.size + target.shardChannels.size > 0) {
      target.w.array(3);
      target.w.bulk('message');
      target.w.bulk(INVALIDATE_CHANNEL);
    } else {
      return;
    }
    target.w.raw(keysProto);
    this.host.markPending(target);
  }
}

function arrayOf(keys: readonly string[]): string {
  let out = '*' + keys.length + '\r\n';
  for (const k of keys) out += '$' + k.length + '\r\n' + k + '\r\n';
  return out;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
