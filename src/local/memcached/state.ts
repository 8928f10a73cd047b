import { MemcachedDiscovery } from './discovery';
import { MemcachedStore } from './store';
import { Clock } from '../store/clock';

/** What a connection reports in `stats conns`. */
export interface ConnectionInfo {
  readonly id: number;
  readonly remote: string;
  readonly state: string;
  readonly lastCommand: number;
}

/** Settings that `stats settings` reports and commands consult. */
export interface ServerSettings {
  readonly host: string;
  port: number;
  readonly maxConnections: number;
  readonly itemSizeMax: number;
  readonly sasl: boolean;
  readonly tls: boolean;
  verbosity: number;
}

/** Per-prefix counters of `stats detail` (keys up to the first ':'). */
export class PrefixStats {
  gets = 0;
  hits = 0;
  sets = 0;
  deletes = 0;
}

/** State shared by all connections of one server. */
export class ServerState {
  readonly store: MemcachedStore;
  readonly settings: ServerSettings;
  readonly version: string;
  readonly discovery: MemcachedDiscovery | undefined;
  /** SASL PLAIN credentials (user name to password), when authentication is required. */
  readonly saslUsers: ReadonlyMap<string, string> | undefined;
  readonly clock: Clock;
  readonly connections = new Set<ConnectionInfo>();
  totalConnections = 1; // memcached counts its listening socket
  rejectedConnections = 0;
  connectionStructures = 1;
  bytesRead = 0;
  bytesWritten = 0;
  /** `stats detail on`: per-prefix counters. */
  detailEnabled = false;
  readonly prefixes = new Map<string, PrefixStats>();
  /** `stats sizes_enable`: items with a CAS from this one on are counted (0 = off). */
  sizesCasMin = 0;
  /** Hits on the auto-discovery key, which has no slab class. */
  discoveryHits = 0;
  private nextConnectionId = 0;

  constructor(options: {
    store: MemcachedStore;
    settings: ServerSettings;
    version: string;
    discovery?: MemcachedDiscovery;
    saslUsers?: ReadonlyMap<string, string>;
    clock: Clock;
  }) {
    this.store = options.store;
    this.settings = options.settings;
    this.version = options.version;
    this.discovery = options.discovery;
    this.saslUsers = options.saslUsers;
    this.clock = options.clock;
  }

  /** An id for a new connection; memcached shows file descriptors, which start after the listener. */
  connectionId(): number {
    return ++this.nextConnectionId;
  }

  /** Records a key operation for `stats detail` (only keys holding the ':' delimiter). */
  recordPrefix(key: string, op: 'get' | 'hit' | 'set' | 'delete'): void {
    const at = key.indexOf(':');
    if (at < 0) return;
    const prefix = key.slice(0, at);
    let entry = this.prefixes.get(prefix);
    if (entry === undefined) {
      entry = new PrefixStats();
      this.prefixes.set(prefix, entry);
    }
    if (op === 'get') entry.gets++;
    else if (op === 'hit') entry.hits++;
    else if (op === 'set') entry.sets++;
    else entry.deletes++;
  }
}
