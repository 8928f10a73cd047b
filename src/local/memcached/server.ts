import { Clock, systemClock } from '../clock';
import { ListenerTls, startListener } from '../net/listener';
import { Connection } from './connection';
import { MemcachedDiscovery } from './discovery';
import { DEFAULT_ITEM_SIZE_MAX } from './slabs';
import { ServerState } from './state';
import { MemcachedStore } from './store';

/** SASL PLAIN authentication (binary protocol only, as in memcached started with -S). */
export interface MemcachedSaslOptions {
  /** User names and their passwords. */
  readonly users: Readonly<Record<string, string>>;
}

export interface MemcachedServerOptions {
  /** Address to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Memory for items in MiB (memcached -m). @default 64 */
  readonly memoryLimitMb?: number;
  /** Largest item in bytes, key and overhead included (memcached -I). @default 1048576 */
  readonly maxItemSize?: number;
  /** Most client connections at once (memcached -c). @default 1024 */
  readonly maxConnections?: number;
  /** Require SASL PLAIN authentication; the text protocol is then refused. @default - no authentication */
  readonly sasl?: MemcachedSaslOptions;
  /** Serve TLS with this key and certificate. @default - plain TCP */
  readonly tls?: ListenerTls;
  /**
   * Answer ElastiCache's auto-discovery requests (`config get cluster`, `get AmazonElastiCache:cluster`)
   * from this node list. @default - no auto discovery, as plain memcached
   */
  readonly discovery?: MemcachedDiscovery;
  /** Time source for expiration. @default the system clock */
  readonly clock?: Clock;
  /** Version reported by `version` and `stats`. @default '1.6.18' */
  readonly version?: string;
}

/** A running memcached-protocol server. */
export interface MemcachedServer {
  readonly host: string;
  readonly port: number;
  /** Closes every client connection and the listening socket. */
  stop(): Promise<void>;
}

const MIB = 1024 * 1024;

function validate(options: MemcachedServerOptions): { memoryLimit: number; itemSizeMax: number } {
  const mb = options.memoryLimitMb ?? 64;
  if (!Number.isInteger(mb) || mb < 1) throw new Error(`memoryLimitMb must be a positive integer, got ${mb}`);
  const memoryLimit = mb * MIB;
  const itemSizeMax = options.maxItemSize ?? DEFAULT_ITEM_SIZE_MAX;
  if (!Number.isInteger(itemSizeMax) || itemSizeMax < 1024) {
    throw new Error(`maxItemSize cannot be less than 1024 bytes, got ${itemSizeMax}`);
  }
  if (itemSizeMax > 1024 * MIB) throw new Error(`maxItemSize cannot be higher than a gigabyte, got ${itemSizeMax}`);
  if (itemSizeMax > memoryLimit / 2) {
    throw new Error(`maxItemSize cannot be higher than half of memoryLimitMb (${memoryLimit / 2} bytes), got ${itemSizeMax}`);
  }
  const maxConnections = options.maxConnections ?? 1024;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw new Error(`maxConnections must be a positive integer, got ${maxConnections}`);
  }
  return { memoryLimit, itemSizeMax };
}

/**
 * Starts a server that speaks memcached 1.6's text, meta and binary protocols (one node of an
 * ElastiCache for Memcached cluster), in this process.
 */
export async function startMemcachedServer(options: MemcachedServerOptions = {}): Promise<MemcachedServer> {
  const { memoryLimit, itemSizeMax } = validate(options);
  const clock = options.clock ?? systemClock;
  const host = options.host ?? '127.0.0.1';
  const maxConnections = options.maxConnections ?? 1024;
  const store = new MemcachedStore({ clock, memoryLimit, itemSizeMax });
  const state = new ServerState({
    store,
    clock,
    version: options.version ?? '1.6.18',
    discovery: options.discovery,
    saslUsers: options.sasl === undefined ? undefined : new Map(Object.entries(options.sasl.users)),
    settings: {
      host,
      port: 0,
      maxConnections,
      itemSizeMax,
      sasl: options.sasl !== undefined,
      tls: options.tls !== undefined,
      verbosity: 0,
    },
  });
  const listener = await startListener({
    host,
    port: options.port ?? 0,
    tls: options.tls,
    // A margin above memcached's own limit, which answers before closing.
    maxConnections: maxConnections + 16,
    onConnection: (socket) => {
      if (state.connections.size >= maxConnections) {
        state.rejectedConnections++;
        socket.on('error', () => socket.destroy());
        socket.end('ERROR Too many open connections\r\n');
        return;
      }
      state.totalConnections++;
      const connection = new Connection(state, socket);
      state.connections.add(connection);
      state.connectionStructures = Math.max(state.connectionStructures, state.connections.size + 1);
    },
  });
  state.settings.port = listener.port;
  return {
    host: listener.host,
    port: listener.port,
    stop: () => listener.close(),
  };
}
