import { randomBytes } from 'node:crypto';
import { AclUser } from './acl';
import type { Client } from './client';
import type { RedisServer } from './server';

/** Bytes a propagated command takes in the replication stream (its RESP encoding). */
export function encodedLength(argv: readonly string[]): number {
  let n = 1 + String(argv.length).length + 2;
  for (const a of argv) n += 1 + String(a.length).length + 2 + a.length + 2;
  return n;
}

/** A user that may run anything: the replication link is not subject to the ACL. */
function superuser(): AclUser {
  const user = new AclUser('(replication)');
  user.enabled = true;
  user.nopass = true;
  user.allowsAll = true;
  return user;
}

/**
 * Replication state of one node: as a primary, its replication id, offset and links to replicas;
 * as a replica, the link it applies writes from.
 */
export class ReplicationState {
  /** Replication id (changes when a replica is promoted). */
  public replId = randomBytes(20).toString('hex');
  /** The previous replication id, kept after a promotion. */
  public replId2 = '0000000000000000000000000000000000000000';
  /** Bytes of write stream produced (primary) or applied (replica). */
  public offset = 0;
  /** Links to this node's replicas. */
  public readonly replicas: ReplicationLink[] = [];
  /** The link this node replicates from, when it is a replica. */
  public master: ReplicationLink | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly server: RedisServer) {}

  /** Starts counting the write stream and feeding replicas (called when the first replica attaches). */
  public attach(link: ReplicationLink): void {
    this.replicas.push(link);
    this.unsubscribe ??= this.server.onPropagate((db, argv) => {
      this.offset += encodedLength(argv);
      for (const replica of this.replicas) replica.send(db, argv, this.offset);
    });
  }

  public detach(link: ReplicationLink): void {
    const i = this.replicas.indexOf(link);
    if (i >= 0) this.replicas.splice(i, 1);
    if (this.replicas.length === 0 && this.unsubscribe) {
      this.unsubscribe();
      this.unsubscribe = undefined;
    }
    this.notifyAck();
  }

  /** Number of replicas that have applied the stream up to `offset`. */
  public acknowledged(offset: number): number {
    return this.replicas.filter((r) => r.ackOffset >= offset).length;
  }

  /** Registers a callback for replica acknowledgements (WAIT). */
  public onAck(callback: () => void): () => void {
    this.waiters.add(callback);
    return () => this.waiters.delete(callback);
  }

  /** Called when a replica applied more of the stream. */
  public notifyAck(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** Options of a replication link. */
export interface ReplicationLinkOptions {
  /**
   * Delay before a write reaches the replica, in ms. 0 applies each write as soon as the
   * primary's command completes. @default 0
   */
  readonly delayMs?: number;
}

/**
 * Asynchronous replication from a primary to a replica in the same process: a full copy of the
 * data at start, then the primary's write stream applied in order, immediately or after a delay.
 */
export class ReplicationLink {
  /** Stream offset the replica has applied. */
  public ackOffset = 0;
  public readonly delayMs: number;
  private readonly applier: Client;
  private readonly pending: Array<{ db: number; argv: readonly string[]; offset: number; due: number }> = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(public readonly primary: RedisServer, public readonly replica: RedisServer, options: ReplicationLinkOptions = {}) {
    this.delayMs = options.delayMs ?? 0;
    this.applier = replica.createInternalClient('master');
    this.applier.user = superuser();
  }

  /** Makes the replica a copy of the primary and starts streaming writes. */
  public start(): void {
    const replica = this.replica;
    replica.role = 'replica';
    replica.replication.master = this;
    fullSync(this.primary, replica);
    this.ackOffset = this.primary.replication.offset;
    replica.replication.offset = this.ackOffset;
    replica.replication.replId = this.primary.replication.replId;
    this.primary.replication.attach(this);
  }

  /** Queues one write of the stream. */
  public send(db: number, argv: readonly string[], offset: number): void {
    if (this.closed) return;
    if (this.delayMs === 0) {
      this.apply(db, argv, offset);
      return;
    }
    this.pending.push({ db, argv, offset, due: Date.now() + this.delayMs });
    this.schedule();
  }

  /** Applies everything still in flight now (used before a promotion that keeps the data). */
  public drain(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const op of this.pending.splice(0)) this.apply(op.db, op.argv, op.offset);
  }

  /** Drops writes still in flight (they never reached the replica) and stops the link. */
  public stop(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.pending.length = 0;
    this.primary.replication.detach(this);
    if (this.replica.replication.master === this) this.replica.replication.master = undefined;
  }

  /** Arms one timer for the oldest write in flight; writes apply in order when due. */
  private schedule(): void {
    if (this.timer || this.pending.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = Date.now();
      while (this.pending.length > 0 && this.pending[0].due <= now) {
        const op = this.pending.shift()!;
        this.apply(op.db, op.argv, op.offset);
      }
      this.schedule();
    }, Math.max(0, this.pending[0].due - Date.now()));
    this.timer.unref();
  }

  private apply(db: number, argv: readonly string[], offset: number): void {
    const c = this.applier;
    const server = this.replica;
    c.db = server.dbs[db] ?? server.dbs[0];
    server.applyingPrimaryStream = true;
    try {
      server.execute(c, [...argv]);
    } finally {
      server.applyingPrimaryStream = false;
    }
    c.w.out = '';
    server.flushPending();
    this.ackOffset = offset;
    server.replication.offset = offset;
    this.primary.replication.notifyAck();
    this.primary.flushPending();
  }
}

/** Copies every database and the function libraries of `from` into `to`, replacing what `to` held. */
export function fullSync(from: RedisServer, to: RedisServer): void {
  // The snapshot carries the libraries too: the replica ends up with the primary's, and only those.
  const libraries = from.scriptingStarted ? [...from.scripting.libraries.values()] : [];
  if (libraries.length > 0 || (to.scriptingStarted && to.scripting.libraries.size > 0)) {
    to.scripting.flushLibraries();
    for (const lib of libraries) to.scripting.loadLibrary(lib.code, false);
  }
  for (let i = 0; i < to.dbs.length; i++) {
    const target = to.dbs[i];
    target.flush();
    const source = from.dbs[i];
    if (source === undefined) continue;
    for (const [key, entry] of source.dict) {
      const value = entry.value;
      target.add(key, typeof value === 'string' ? value : value.clone());
      const at = source.getExpire(key);
      if (at !== undefined) target.setExpire(key, at);
    }
  }
}

/** INFO replication for a node, from its replication state. */
export function replicationInfo(server: RedisServer): Array<[string, string | number]> {
  const r = server.replication;
  const fields: Array<[string, string | number]> = [];
  if (server.role === 'master') {
    fields.push(['role', 'master'], ['connected_slaves', r.replicas.length]);
    r.replicas.forEach((link, i) => {
      fields.push([`slave${i}`, `ip=${link.replica.host},port=${link.replica.port},state=online,offset=${link.ackOffset},lag=0`]);
    });
  } else {
    const master = r.master?.primary;
    fields.push(
      ['role', 'slave'],
      ['master_host', master?.host ?? '?'],
      ['master_port', master?.port ?? 0],
      ['master_link_status', r.master ? 'up' : 'down'],
      ['master_last_io_seconds_ago', r.master ? 0 : -1],
      ['master_sync_in_progress', 0],
      ['slave_read_repl_offset', r.offset],
      ['slave_repl_offset', r.offset],
      ['slave_priority', 100],
      ['slave_read_only', server.config.getBool('replica-read-only') ? 1 : 0],
      ['replica_announced', 1],
      ['connected_slaves', 0],
    );
  }
  fields.push(
    ['master_failover_state', 'no-failover'],
    ['master_replid', r.replId],
    ['master_replid2', r.replId2],
    ['master_repl_offset', r.offset],
    ['second_repl_offset', -1],
    ['repl_backlog_active', r.replicas.length > 0 ? 1 : 0],
    ['repl_backlog_size', 1048576],
    ['repl_backlog_first_byte_offset', r.replicas.length > 0 ? 1 : 0],
    ['repl_backlog_histlen', Math.min(r.offset, 1048576)],
  );
  return fields;
}
