import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { ClusterNode, ClusterShard, ClusterTopology, evenSlotRanges } from '../cluster';
import { Listener, ListenerTls, startListener } from '../net/listener';
import { ReplicationLink, fullSync } from '../replication';
import { RedisServer, RedisServerOptions } from '../server';
import type { RedisCacheSpec } from './model';

/** A host and port clients connect to. */
export interface LocalEndpoint {
  readonly host: string;
  readonly port: number;
}

/** Settings shared by every node of a group. */
export interface GroupNodeSettings {
  readonly host: string;
  readonly tls: (ListenerTls & { allowPlaintext?: boolean }) | undefined;
  readonly serverOptions: RedisServerOptions;
  readonly replicationDelayMs: number;
  /** RBAC users to install on every node. */
  readonly users: readonly NodeUser[];
}

/** An RBAC user of a cache: ACL SETUSER rules, and whether it authenticates with IAM tokens. */
export interface NodeUser {
  readonly name: string;
  /** `name rule rule ...` as ACL SETUSER takes them. */
  readonly rules: string;
  readonly iam: boolean;
}

/** One shard of a local group: a primary and its replicas. */
export interface LocalShard {
  primary: RedisServer;
  readonly replicas: RedisServer[];
  /** The cluster shard, in cluster mode. */
  readonly clusterShard?: ClusterShard;
}

/**
 * The running nodes of a Valkey / Redis OSS cache (replication group, single-node cache cluster or
 * serverless cache) and the endpoints in front of them, which follow failovers as ElastiCache's
 * DNS names do.
 */
export class LocalRedisGroup {
  /** Starts every node, links replicas, assigns slots and opens the endpoints. */
  public static async start(spec: RedisCacheSpec, settings: GroupNodeSettings): Promise<LocalRedisGroup> {
    const group = new LocalRedisGroup(spec, settings);
    await group.startShards(spec.shards);
    await group.openEndpoints();
    return group;
  }

  public readonly shards: LocalShard[] = [];
  public readonly cluster: ClusterTopology | undefined;
  /** Primary endpoint (cluster mode disabled), configuration endpoint (cluster mode), endpoint (serverless). */
  public endpoint!: LocalEndpoint;
  /** Reader endpoint (cluster mode disabled) or reader port (serverless). */
  public readerEndpoint: LocalEndpoint | undefined;
  private readonly listeners: Listener[] = [];
  private readerTurn = 0;
  private configTurn = 0;

  private constructor(public readonly spec: RedisCacheSpec, private readonly settings: GroupNodeSettings) {
    this.cluster = spec.clusterMode ? new ClusterTopology() : undefined;
  }

  /** All nodes, primaries first within each shard. */
  public get nodes(): RedisServer[] {
    return this.shards.flatMap((s) => [s.primary, ...s.replicas]);
  }

  private async startNode(): Promise<RedisServer> {
    const options: RedisServerOptions = {
      ...this.settings.serverOptions,
      host: this.settings.host,
      tls: this.settings.tls,
      config: {
        ...this.settings.serverOptions.config,
        ...(this.cluster ? { 'cluster-enabled': 'yes' } : {}),
      },
    };
    const server = new RedisServer(options);
    for (const user of this.settings.users) {
      server.defineUser(user.rules);
      if (user.iam) {
        const aclUser = server.acl.users.get(user.name);
        if (aclUser !== undefined) aclUser.iam = { cacheId: this.spec.id, serverless: this.spec.kind === 'serverless' };
      }
    }
    await server.listen();
    return server;
  }

  private async startShards(count: number): Promise<LocalShard[]> {
    const perShard = 1 + this.spec.replicasPerShard;
    const servers = await Promise.all(Array.from({ length: count * perShard }, () => this.startNode()));
    const added: LocalShard[] = [];
    for (let i = 0; i < count; i++) {
      const nodes = servers.slice(i * perShard, (i + 1) * perShard);
      const [primary, ...replicas] = nodes;
      for (const replica of replicas) new ReplicationLink(primary, replica, { delayMs: this.settings.replicationDelayMs }).start();
      const clusterShard = this.cluster?.addShard(nodes, this.settings.tls !== undefined);
      const shard: LocalShard = { primary, replicas, clusterShard };
      this.shards.push(shard);
      added.push(shard);
    }
    if (this.cluster && this.shards.length === count) {
      evenSlotRanges(count).forEach(([first, last], i) => this.cluster!.assign(this.shards[i].clusterShard!, first, last));
    }
    return added;
  }

  private async openEndpoints(): Promise<void> {
    const route = async (pick: () => RedisServer): Promise<LocalEndpoint> => {
      const listener = await startListener({
        host: this.settings.host,
        tls: this.settings.tls,
        allowPlaintext: this.settings.tls?.allowPlaintext,
        onConnection: (socket) => pick().accept(socket as net.Socket),
      });
      this.listeners.push(listener);
      return { host: listener.host, port: listener.port };
    };
    if (this.spec.kind === 'serverless') {
      // One logical shard behind one endpoint; the reader port serves READONLY reads from a replica.
      this.endpoint = await route(() => this.shards[0].primary);
      this.readerEndpoint = await route(() => this.shards[0].replicas[0] ?? this.shards[0].primary);
      const shard = this.shards[0].clusterShard!;
      advertise(shard.primary, this.endpoint);
      if (shard.replicas[0]) advertise(shard.replicas[0], this.readerEndpoint);
      return;
    }
    if (this.cluster) {
      // The configuration endpoint resolves to any node; clients then follow CLUSTER SLOTS.
      this.endpoint = await route(() => {
        const nodes = this.nodes;
        return nodes[this.configTurn++ % nodes.length];
      });
      return;
    }
    this.endpoint = await route(() => this.shards[0].primary);
    if (this.spec.kind === 'replication-group') {
      this.readerEndpoint = await route(() => {
        const replicas = this.shards[0].replicas;
        return replicas.length === 0 ? this.shards[0].primary : replicas[this.readerTurn++ % replicas.length];
      });
    }
  }

  /**
   * Promotes a replica of a shard to primary, as ElastiCache's failover does: the old primary's
   * connections are dropped, it comes back as a replica of the new primary, and writes that had
   * not reached the promoted replica are lost (replication is asynchronous).
   */
  public failover(shardIndex = 0, replicaIndex = 0): RedisServer {
    const shard = this.shards[shardIndex];
    if (shard === undefined) throw new Error(`Cache ${this.spec.id} has no shard ${shardIndex}`);
    const candidate = shard.replicas[replicaIndex];
    if (candidate === undefined) throw new Error(`Shard ${shardIndex} of cache ${this.spec.id} has no replica to promote`);
    const old = shard.primary;
    for (const link of [...old.replication.replicas]) link.stop();
    candidate.role = 'master';
    candidate.replication.replId2 = candidate.replication.replId;
    candidate.replication.replId = randomBytes(20).toString('hex');
    shard.replicas.splice(replicaIndex, 1, old);
    shard.primary = candidate;
    if (this.cluster && shard.clusterShard) {
      this.cluster.promote(this.cluster.nodeOf(candidate)!);
    }
    for (const c of [...old.clients.values()]) c.close();
    for (const replica of shard.replicas) {
      new ReplicationLink(candidate, replica, { delayMs: this.settings.replicationDelayMs }).start();
    }
    return candidate;
  }

  /**
   * Changes the number of shards (cluster mode), moving slots with their keys while clients keep
   * working: a moving slot is MIGRATING on its old shard (requests for keys already moved get ASK)
   * and IMPORTING on the new one, then changes owner.
   */
  public async reshard(shards: number): Promise<void> {
    const cluster = this.cluster;
    if (cluster === undefined || this.spec.kind === 'serverless') throw new Error(`Cache ${this.spec.id} is not in cluster mode`);
    if (!Number.isInteger(shards) || shards < 1 || shards > 500) throw new Error(`shards must be an integer between 1 and 500, got ${shards}`);
    const current = this.shards.length;
    if (shards > current) await this.startShards(shards - current);
    const targets = evenSlotRanges(shards);
    const keep = this.shards.slice(0, shards);
    for (let i = 0; i < targets.length; i++) {
      const [first, last] = targets[i];
      for (let slot = first; slot <= last; slot++) {
        const owner = cluster.shardOf(slot);
        const target = keep[i].clusterShard!;
        if (owner !== target) await this.migrateSlot(slot, owner!, target);
      }
    }
    for (const removed of this.shards.splice(shards)) {
      cluster.removeShard(removed.clusterShard!);
      await Promise.all([removed.primary, ...removed.replicas].map((s) => s.stop()));
    }
  }

  private async migrateSlot(slot: number, from: ClusterShard, to: ClusterShard): Promise<void> {
    const cluster = this.cluster!;
    const source = this.shards.find((s) => s.clusterShard === from)!;
    const target = this.shards.find((s) => s.clusterShard === to)!;
    cluster.migrating.set(slot, { from, to });
    try {
      for (;;) {
        const db = source.primary.dbs[0];
        const keys = db.keysInSlot(slot, 100);
        if (keys.length === 0) break;
        for (const key of keys) moveKey(key, source, target);
        // Let clients in between batches: they see ASK for keys that already moved.
        await new Promise((resolve) => setImmediate(resolve));
      }
      cluster.assign(to, slot, slot);
      cluster.epoch++;
    } finally {
      cluster.migrating.delete(slot);
    }
  }

  /** Copies the data of every primary (a snapshot) into a fresh server per shard. */
  public snapshot(): RedisServer[] {
    return this.shards.map((s) => {
      const copy = new RedisServer({ engine: this.spec.engine });
      fullSync(s.primary, copy);
      return copy;
    });
  }

  public async stop(): Promise<void> {
    await Promise.all(this.listeners.map((l) => l.close()));
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}

function advertise(node: ClusterNode, endpoint: LocalEndpoint): void {
  (node as { host: string }).host = endpoint.host;
  (node as { port: number }).port = endpoint.port;
}

/** Moves one key (value and TTL) from a shard's nodes to another shard's nodes. */
function moveKey(key: string, from: LocalShard, to: LocalShard): void {
  const sourceDb = from.primary.dbs[0];
  const entry = sourceDb.dict.get(key);
  if (entry === undefined) return;
  const at = sourceDb.getExpire(key);
  for (const server of [to.primary, ...to.replicas]) {
    const db = server.dbs[0];
    const value = entry.value;
    db.set(key, typeof value === 'string' ? value : value.clone());
    if (at !== undefined) db.setExpire(key, at);
    db.signalModified(key);
  }
  for (const server of [from.primary, ...from.replicas]) {
    server.dbs[0].signalModified(key);
    server.dbs[0].delete(key);
  }
}
