/**
 * ElastiCache Memcached auto discovery: the configuration endpoint answers
 * `config get cluster` with a version and the nodes, `host|ip|port` separated by spaces:
 *
 *     CONFIG cluster 0 <bytes>\r\n<version>\n<host>|<ip>|<port> ...\n\r\nEND\r\n
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { CacheEndpoint } from './contract';

/** A Memcached node. */
export interface MemcachedNode {
  readonly host: string;
  readonly port: number;
}

/** What auto discovery reports. */
export interface MemcachedNodes {
  /** Incremented by ElastiCache whenever nodes are added or removed. */
  readonly version: number;
  readonly nodes: MemcachedNode[];
}

/** Parses the reply of `config get cluster` (the whole reply, through `END\r\n`). */
export function parseClusterConfig(reply: string): MemcachedNodes {
  const m = /^CONFIG cluster \d+ \d+\r\n([\s\S]*?)\r\nEND\r\n$/.exec(reply);
  if (!m) throw new Error(`Unexpected reply to 'config get cluster': ${JSON.stringify(reply.slice(0, 120))}`);
  const lines = m[1].split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length < 2 || !/^\d+$/.test(lines[0])) {
    throw new Error(`Unexpected cluster configuration: ${JSON.stringify(m[1].slice(0, 120))}`);
  }
  const nodes = lines[1].split(/\s+/).map((entry) => {
    const [host, ip, port] = entry.split('|');
    const portNumber = Number(port);
    if ((host === '' && (ip ?? '') === '') || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) {
      throw new Error(`Unexpected node in the cluster configuration: '${entry}'`);
    }
    return { host: host !== '' ? host : ip, port: portNumber };
  });
  return { version: Number(lines[0]), nodes };
}

/**
 * Asks the configuration endpoint for the current nodes (over TLS when `tlsOptions` is given).
 *
 * @param timeoutMs how long to wait for the whole reply
 */
export function discoverMemcachedNodes(
  endpoint: CacheEndpoint,
  tlsOptions?: tls.ConnectionOptions,
  timeoutMs = 5000,
): Promise<MemcachedNodes> {
  return new Promise((resolve, reject) => {
    let received = '';
    let settled = false;
    const finish = (error: Error | undefined, result?: MemcachedNodes) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (error) reject(error); else resolve(result!);
    };
    const send = () => socket.write('config get cluster\r\n');
    const socket: net.Socket = tlsOptions
      ? tls.connect({ ...tlsOptions, host: endpoint.host, port: endpoint.port, servername: net.isIP(endpoint.host) ? undefined : endpoint.host },
        send)
      : net.connect(endpoint.port, endpoint.host, send);
    socket.setTimeout(timeoutMs, () => finish(new Error(`Memcached auto discovery at ${endpoint.host}:${endpoint.port} timed out after ${timeoutMs} ms`)));
    socket.on('error', (e) => finish(new Error(`Memcached auto discovery at ${endpoint.host}:${endpoint.port} failed: ${e.message}`)));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (/^(ERROR|CLIENT_ERROR|SERVER_ERROR)[^\n]*\r\n/.test(received)) {
        finish(new Error(`${endpoint.host}:${endpoint.port} does not support auto discovery ('config get cluster' got ${received.trim()}): ` +
          'is it an ElastiCache configuration endpoint?'));
      } else if (received.endsWith('END\r\n')) {
        try {
          finish(undefined, parseClusterConfig(received));
        } catch (e) {
          finish(e as Error);
        }
      }
    });
    socket.on('close', () => finish(new Error(`Memcached auto discovery at ${endpoint.host}:${endpoint.port}: the connection closed before the reply ended`)));
  });
}
