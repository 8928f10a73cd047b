/**
 * ElastiCache for Memcached auto discovery: every node answers `config get cluster` (and the older
 * `get AmazonElastiCache:cluster`) with the cluster's configuration version and its node list.
 * The topology layer owns the node list; servers only read it.
 */

/** One node as auto discovery lists it. */
export interface DiscoveryNode {
  /** DNS name of the node. */
  readonly hostname: string;
  /** IP address of the node. */
  readonly ip: string;
  readonly port: number;
}

/** Source of the cluster configuration a memcached server reports. */
export interface MemcachedDiscovery {
  /** The cluster's nodes, in the order clients should see them. */
  nodes(): readonly DiscoveryNode[];
  /** Configuration version: grows whenever nodes are added or removed. */
  version(): number;
}

/** Key under which nodes older than 1.4.14 stored the configuration. */
export const LEGACY_CONFIG_KEY = 'AmazonElastiCache:cluster';

/**
 * The configuration block: "<version>\n<host>|<ip>|<port> ...\n". Protocols frame it (text:
 * `CONFIG cluster 0 <bytes>\r\n<block>\r\nEND\r\n`; binary: the value of a config-get response).
 */
export function formatClusterConfig(discovery: MemcachedDiscovery): Buffer {
  const nodes = discovery.nodes()
    .map((n) => `${n.hostname}|${n.ip}|${n.port}`)
    .join(' ');
  return Buffer.from(`${discovery.version()}\n${nodes}\n`, 'latin1');
}

function sameNodes(a: readonly DiscoveryNode[], b: readonly DiscoveryNode[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].hostname !== b[i].hostname || a[i].ip !== b[i].ip || a[i].port !== b[i].port) return false;
  }
  return true;
}

/**
 * A node list shared by all nodes of a local cluster. The version grows by one with every change
 * of the list, as ElastiCache's does.
 */
export class ClusterDiscovery implements MemcachedDiscovery {
  private list: readonly DiscoveryNode[];
  private current: number;

  /** With nodes, the version starts at 1; without, at 0 until the first {@link setNodes}. */
  constructor(nodes: readonly DiscoveryNode[] = []) {
    this.list = [...nodes];
    this.current = nodes.length > 0 ? 1 : 0;
  }

  nodes(): readonly DiscoveryNode[] {
    return this.list;
  }

  version(): number {
    return this.current;
  }

  /** Replaces the node list; the version grows only when the list differs. */
  setNodes(nodes: readonly DiscoveryNode[]): void {
    if (sameNodes(this.list, nodes)) return;
    this.list = [...nodes];
    this.current++;
  }

  addNode(node: DiscoveryNode): void {
    this.setNodes([...this.list, node]);
  }

  /** Removes the node listening on `port` at `ip`; returns whether one was removed. */
  removeNode(ip: string, port: number): boolean {
    const rest = this.list.filter((n) => !(n.ip === ip && n.port === port));
    if (rest.length === this.list.length) return false;
    this.setNodes(rest);
    return true;
  }
}
