import { randomBytes } from 'node:crypto';
import type { Client } from '../client';
import { ReplicationLink } from '../replication';
import type { RedisServer } from '../server';
import { is, isLongString } from './args';
import { CommandDef, Errors, ReplyError } from './types';

/** Local nodes of this process by address, so REPLICAOF can link them without a network hop. */
export const localNodes = new Map<string, RedisServer>();

/** Replication commands: ROLE, WAIT, REPLICAOF, SLAVEOF, SYNC, PSYNC. */
export const commands: CommandDef[] = [
  {
    name: 'role',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast'],
    acl: ['admin', 'dangerous'],
    group: 'server',
    since: '2.8.12',
    summary: 'Returns the replication role.',
    complexity: 'O(1)',
    handler: role,
  },
  {
    name: 'wait',
    arity: 3,
    flags: ['noscript'],
    acl: ['connection'],
    group: 'generic',
    since: '3.0.0',
    summary: 'Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.',
    complexity: 'O(1)',
    handler: wait,
  },
  replicaOf('replicaof', '5.0.0'),
  replicaOf('slaveof', '1.0.0'),
  {
    name: 'sync',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    acl: [],
    group: 'server',
    since: '1.0.0',
    summary: 'An internal command used in replication.',
    handler: () => {
      throw new ReplyError('ERR SYNC is not supported by the local engine: replicas link in-process');
    },
  },
  {
    name: 'psync',
    arity: -3,
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    acl: [],
    group: 'server',
    since: '2.8.0',
    summary: 'An internal command used in replication.',
    handler: () => {
      throw new ReplyError('ERR PSYNC is not supported by the local engine: replicas link in-process');
    },
  },
];

function role(c: Client): void {
  const server = c.server;
  const r = server.replication;
  if (server.role === 'master') {
    c.w.array(3);
    c.w.bulk('master');
    c.w.int(r.offset);
    c.w.array(r.replicas.length);
    for (const link of r.replicas) {
      c.w.array(3);
      c.w.bulk(link.replica.host);
      c.w.bulk(String(link.replica.port));
      c.w.bulk(String(link.ackOffset));
    }
    return;
  }
  const master = r.master?.primary;
  c.w.array(5);
  c.w.bulk('slave');
  c.w.bulk(master?.host ?? '?');
  c.w.int(master?.port ?? 0);
  c.w.bulk(r.master ? 'connected' : 'connect');
  c.w.int(r.offset);
}

function wait(c: Client, argv: string[]): void {
  const server = c.server;
  if (server.role !== 'master') {
    throw new ReplyError('ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.');
  }
  if (!isLongString(argv[1])) throw new ReplyError(Errors.NOT_INTEGER);
  if (!isLongString(argv[2])) throw new ReplyError('ERR timeout is not an integer or out of range');
  const wanted = Number(argv[1]);
  const timeout = Number(argv[2]);
  if (timeout < 0) throw new ReplyError('ERR timeout is negative');
  const r = server.replication;
  const target = r.offset;
  const acked = r.acknowledged(target);
  if (acked >= wanted || !c.canBlock) {
    c.w.int(acked);
    return;
  }
  const cmd = server.lookupCommand('wait')!;
  let off: (() => void) | undefined;
  server.blockOther(c, cmd, argv, 'wait', timeout, (client) => {
    off?.();
    client.w.int(r.acknowledged(target));
  });
  off = r.onAck(() => {
    if (c.blocked === null || c.blocked.kind !== 'wait') {
      off?.();
      return;
    }
    const n = r.acknowledged(target);
    if (n >= wanted) {
      off?.();
      c.w.int(n);
      server.unblock(c);
    }
  });
}

function replicaOf(name: string, since: string): CommandDef {
  return {
    name,
    arity: 3,
    flags: ['admin', 'noscript', 'stale', 'no_async_loading'],
    acl: [],
    group: 'server',
    since,
    summary: 'Configures a server as replica of another, or promotes it to a master.',
    complexity: 'O(1)',
    handler: (c, argv) => {
      const server = c.server;
      if (server.cluster !== undefined) throw new ReplyError('ERR REPLICAOF not allowed in cluster mode.');
      if (is(argv[1], 'NO') && is(argv[2], 'ONE')) {
        const link = server.replication.master;
        if (link !== undefined) {
          link.stop();
          server.role = 'master';
          server.replication.replId2 = server.replication.replId;
          server.replication.replId = randomBytes(20).toString('hex');
        }
        c.w.ok();
        return;
      }
      if (!isLongString(argv[2])) throw new ReplyError('ERR Invalid master port');
      const target = localNodes.get(`${argv[1] === 'localhost' ? '127.0.0.1' : argv[1]}:${argv[2]}`);
      if (target === undefined) throw new ReplyError(`ERR the local engine replicates only from local nodes of this process; none listens on ${argv[1]}:${argv[2]}`);
      if (target === server) throw new ReplyError('ERR a node cannot replicate from itself');
      if (server.replication.master?.primary === target) {
        c.w.status('OK Already connected to specified master');
        return;
      }
      server.replication.master?.stop();
      new ReplicationLink(target, server).start();
      c.w.ok();
    },
  };
}
