import { Connection } from './connection';
import { MemcachedDiscovery } from './discovery';
import { createServerState } from './setup';
import { ListenerTls, startListener } from '../net/listener';
import { Clock } from '../store/clock';

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

/**
 * Starts a server that speaks memcached 1.6's text, meta and binary protocols (one node of an
 * ElastiCache for Memcached cluster), in this process.
 */
export async function startMemcachedServer(options: MemcachedServerOptions = {}): Promise<MemcachedServer> {
  const state = createServerState(options);
  const { host, maxConnections } = state.settings;
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
