import type { MemcachedCacheSpec } from './model';
import type { LocalEndpoint } from './redis-group';
import { ClusterDiscovery } from '../memcached/discovery';
import { MemcachedServer, startMemcachedServer } from '../memcached/server';
import type { ListenerTls } from '../net/listener';
import type { Clock } from '../store/clock';

/** Settings shared by every node of a Memcached cluster. */
export interface MemcachedGroupSettings {
  readonly host: string;
  readonly tls: ListenerTls | undefined;
  /** Item memory of each node in MiB. @default 64 */
  readonly memoryLimitMb?: number;
  readonly clock?: Clock;
}

/**
 * The nodes of a Memcached cluster (or serverless Memcached cache). Keys are partitioned by the
 * client; every node answers ElastiCache auto discovery (`config get cluster`) with the node list.
 * The configuration endpoint resolves to one of the nodes, as ElastiCache's DNS name does.
 */
export class LocalMemcachedGroup {
  /** Starts the nodes and publishes them to auto discovery. */
  public static async start(spec: MemcachedCacheSpec, settings: MemcachedGroupSettings): Promise<LocalMemcachedGroup> {
    const discovery = new ClusterDiscovery();
    const nodes = await Promise.all(Array.from({ length: spec.nodes }, () => startMemcachedServer({
      host: settings.host,
      tls: settings.tls,
      discovery,
      clock: settings.clock,
      memoryLimitMb: settings.memoryLimitMb,
      version: spec.version.split('.').length >= 3 ? spec.version : '1.6.22',
    })));
    const group = new LocalMemcachedGroup(spec, discovery, nodes);
    group.publish();
    return group;
  }

  private constructor(
    public readonly spec: MemcachedCacheSpec,
    public readonly discovery: ClusterDiscovery,
    public readonly nodes: MemcachedServer[],
  ) {}

  /** The configuration endpoint: the first node (every node answers auto discovery). */
  public get endpoint(): LocalEndpoint {
    return { host: this.nodes[0].host, port: this.nodes[0].port };
  }

  /** Adds a node, as ElastiCache does when the cluster grows; auto discovery's version grows. */
  public async addNode(settings: MemcachedGroupSettings): Promise<MemcachedServer> {
    const node = await startMemcachedServer({
      host: settings.host, tls: settings.tls, discovery: this.discovery, clock: settings.clock, memoryLimitMb: settings.memoryLimitMb,
    });
    this.nodes.push(node);
    this.publish();
    return node;
  }

  /** Removes the last node. */
  public async removeNode(): Promise<void> {
    if (this.nodes.length <= 1) throw new Error(`Cache ${this.spec.id} must keep at least one node`);
    const node = this.nodes.pop()!;
    this.publish();
    await node.stop();
  }

  public async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }

  /** Node names must resolve for clients that connect by name: every local node is `localhost`. */
  private publish(): void {
    this.discovery.setNodes(this.nodes.map((n) => ({ hostname: 'localhost', ip: n.host, port: n.port })));
  }
}
