import { randomBytes } from 'node:crypto';
import type { Client } from './client';
import type { Command } from './commands/types';
import type { RedisServer } from './server';
import { SLOTS, keySlot } from './store/slot';

/** One node of a local cluster. */
export interface ClusterNode {
  /** 40 hex characters, as CLUSTER MYID prints it. */
  readonly id: string;
  readonly server: RedisServer;
  /** Address clients are redirected to. */
  readonly host: string;
  readonly port: number;
  /** Whether that port speaks TLS (CLUSTER SHARDS reports tls-port then). */
  readonly tls: boolean;
  shard: ClusterShard;
}

/** A shard (node group): one primary and its replicas, owning slot ranges. */
export interface ClusterShard {
  /** 40 hex characters (CLUSTER MYSHARDID). */
  readonly id: string;
  primary: ClusterNode;
  readonly replicas: ClusterNode[];
}

/** A slot being moved between shards (resharding). */
export interface SlotMigration {
  readonly from: ClusterShard;
  readonly to: ClusterShard;
}

export function newNodeId(): string {
  return randomBytes(20).toString('hex');
}

/**
 * Splits the 16384 slots into `shards` contiguous ranges of near-equal size, the first ranges
 * taking the remainder (as `redis-cli --cluster create` and ElastiCache's even distribution do).
 */
export function evenSlotRanges(shards: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const per = SLOTS / shards;
  let first = 0;
  for (let i = 0; i < shards; i++) {
    const last = i === shards - 1 ? SLOTS - 1 : Math.round(first + per - 1);
    ranges.push([first, last]);
    first = last + 1;
  }
  return ranges;
}

/**
 * The shared view of a local cluster: which shard owns each slot, which slots are migrating, and
 * the nodes. Every node of the cluster routes requests with it (MOVED, ASK, CROSSSLOT, TRYAGAIN)
 * and answers CLUSTER SLOTS/SHARDS/NODES from it.
 */
export class ClusterTopology {
  public readonly shards: ClusterShard[] = [];
  /** Index in `shards` of each slot's owner, -1 when unassigned. */
  public readonly owner = new Int16Array(SLOTS).fill(-1);
  public readonly migrating = new Map<number, SlotMigration>();
  public epoch = 1;
  private readonly byServer = new Map<RedisServer, ClusterNode>();

  /** Adds a shard whose nodes are already running; the first server is the primary. */
  public addShard(servers: readonly RedisServer[], tls: boolean): ClusterShard {
    const shard = { id: newNodeId(), replicas: [] } as unknown as ClusterShard;
    const nodes = servers.map((server) => {
      const node: ClusterNode = { id: newNodeId(), server, host: server.host, port: server.port, tls, shard };
      this.byServer.set(server, node);
      this.install(server);
      return node;
    });
    shard.primary = nodes[0];
    shard.replicas.push(...nodes.slice(1));
    this.shards.push(shard);
    return shard;
  }

  /** Removes an (empty) shard. */
  public removeShard(shard: ClusterShard): void {
    const index = this.shards.indexOf(shard);
    if (index < 0) return;
    for (let s = 0; s < SLOTS; s++) {
      if (this.owner[s] === index) throw new Error(`Shard ${shard.id} still owns slot ${s}`);
      if (this.owner[s] > index) this.owner[s]--;
    }
    this.shards.splice(index, 1);
    for (const node of [shard.primary, ...shard.replicas]) {
      this.byServer.delete(node.server);
      node.server.cluster = undefined;
      node.server.onPublish = undefined;
    }
    this.epoch++;
  }

  /** Assigns slots `first..last` to a shard. */
  public assign(shard: ClusterShard, first: number, last: number): void {
    const index = this.shards.indexOf(shard);
    this.owner.fill(index, first, last + 1);
  }

  public nodeOf(server: RedisServer): ClusterNode | undefined {
    return this.byServer.get(server);
  }

  public get nodes(): ClusterNode[] {
    return this.shards.flatMap((s) => [s.primary, ...s.replicas]);
  }

  /** The shard owning a slot. */
  public shardOf(slot: number): ClusterShard | undefined {
    const i = this.owner[slot];
    return i < 0 ? undefined : this.shards[i];
  }

  /** Slot ranges owned by a shard, as [first, last] pairs. */
  public rangesOf(shard: ClusterShard): Array<[number, number]> {
    const index = this.shards.indexOf(shard);
    const ranges: Array<[number, number]> = [];
    let start = -1;
    for (let s = 0; s <= SLOTS; s++) {
      const mine = s < SLOTS && this.owner[s] === index;
      if (mine && start < 0) start = s;
      if (!mine && start >= 0) {
        ranges.push([start, s - 1]);
        start = -1;
      }
    }
    return ranges;
  }

  /** Makes a replica the primary of its shard (failover); the old primary becomes a replica. */
  public promote(node: ClusterNode): void {
    const shard = node.shard;
    if (shard.primary === node) return;
    const i = shard.replicas.indexOf(node);
    shard.replicas.splice(i, 1, shard.primary);
    shard.primary = node;
    this.epoch++;
  }

  private install(server: RedisServer): void {
    server.cluster = this;
    // The cluster bus carries PUBLISH to every other node, replicas included; the publisher's
    // reply counts only its own node's receivers, as in Redis Cluster.
    server.onPublish = (channel, message) => this.broadcastPublish(server, channel, message);
    // Cluster mode has one database (SELECT is refused).
    server.dbs[0].enableSlotIndex();
  }

  /** Delivers a message published on `from` to the subscribers of every other node. */
  private broadcastPublish(from: RedisServer, channel: string, message: string): void {
    for (const server of this.byServer.keys()) {
      if (server === from) continue;
      if (server.pubsub.publish(channel, message) > 0) server.flushPending();
    }
  }

  /**
   * Where a request must go, as the real cluster decides: null to run it here, or the error
   * reply (MOVED, ASK, CROSSSLOT, TRYAGAIN, CLUSTERDOWN).
   */
  public route(c: Client, cmd: Command, argv: readonly string[]): string | null {
    const me = this.byServer.get(c.server);
    if (me === undefined) return null;
    let slot = -1;
    let keys: string[] | undefined;
    const single = cmd.singleKeyIndex;
    if (single > 0 && !(cmd.name === 'exec' && c.multi !== null)) {
      // The common case, one key at a fixed position: no allocation.
      if (single >= argv.length) return null;
      slot = keySlot(argv[single]);
    } else {
      keys = [];
      const collected = keys;
      const check = (command: Command, args: readonly string[]): string | null => {
        for (const index of command.keyIndexes(args)) {
          const s = keySlot(args[index]);
          if (slot < 0) slot = s;
          else if (s !== slot) return "CROSSSLOT Keys in request don't hash to the same slot";
          collected.push(args[index]);
        }
        return null;
      };
      if (cmd.name === 'exec' && c.multi !== null) {
        for (const q of c.multi) {
          const err = check(q.cmd, q.argv);
          if (err) return err;
        }
      } else {
        const err = check(cmd, argv);
        if (err) return err;
      }
      if (slot < 0) return null;
    }
    const keyCount = keys === undefined ? 1 : keys.length;
    // Existence only matters while the slot migrates; count it then.
    const countMissing = (): number => missingKeys(c, keys ?? [argv[single]]);

    const owner = this.shardOf(slot);
    if (owner === undefined) return 'CLUSTERDOWN Hash slot not served';
    const migration = this.migrating.get(slot);
    if (owner === me.shard) {
      if (migration !== undefined && me === owner.primary) {
        const missing = countMissing();
        if (missing > 0) {
          // Keys of a migrating slot that are gone have moved: ask the target for them.
          if (keyCount > 1 && missing < keyCount) return 'TRYAGAIN Multiple keys request during rehashing of slot';
          return `ASK ${slot} ${addr(migration.to.primary)}`;
        }
      }
      if (me === owner.primary) return null;
      if (c.readonlyMode && !cmd.isWrite) return null;
      return `MOVED ${slot} ${addr(owner.primary)}`;
    }
    if (migration !== undefined && migration.to === me.shard && (c.asking || (c.readonlyMode && !cmd.isWrite && me !== me.shard.primary))) {
      if (keyCount > 1 && countMissing() > 0) return 'TRYAGAIN Multiple keys request during rehashing of slot';
      return null;
    }
    return `MOVED ${slot} ${addr(owner.primary)}`;
  }
}

function missingKeys(c: Client, keys: readonly string[]): number {
  let missing = 0;
  for (const k of keys) if (!c.db.exists(k, c.now)) missing++;
  return missing;
}

function addr(node: ClusterNode): string {
  return `${node.host}:${node.port}`;
}
