import type { Client } from '../client';
import type { ClusterNode, ClusterTopology } from '../cluster';
import { isLongString } from './args';
import { CommandDef, Errors, ReplyError } from './types';
import { SLOTS, keySlot } from '../store/slot';

const DISABLED = 'ERR This instance has cluster support disabled';

function topology(c: Client): { cluster: ClusterTopology; me: ClusterNode } {
  const cluster = c.server.cluster;
  const me = cluster?.nodeOf(c.server);
  if (cluster === undefined || me === undefined) throw new ReplyError(DISABLED);
  return { cluster, me };
}

/** A 64-bit integer argument (its range is checked by the caller, as the server does). */
function integerArg(arg: string): number {
  if (!isLongString(arg)) throw new ReplyError(Errors.NOT_INTEGER);
  return Number(arg);
}

/** A CLUSTER subcommand: like the whole command, refused on a node without cluster support. */
function sub(name: string, arity: number, summary: string, handler: NonNullable<CommandDef['handler']>, extra: Partial<CommandDef> = {}): CommandDef {
  const guarded: CommandDef['handler'] = (c, argv) => {
    if (c.server.cluster === undefined) throw new ReplyError(DISABLED);
    handler(c, argv);
  };
  return { name, arity, flags: ['stale'], acl: [], group: 'cluster', since: '3.0.0', summary, complexity: 'O(N) where N is the total number of Cluster nodes', handler: guarded, ...extra };
}

/** A node of the cluster by its id, as CLUSTER REPLICAS and COUNT-FAILURE-REPORTS look it up. */
function nodeById(c: Client, id: string): ClusterNode {
  const node = topology(c).cluster.nodes.find((n) => n.id === id);
  if (node === undefined) throw new ReplyError(`ERR Unknown node ${id}`);
  return node;
}

/** CLUSTER REPLICAS / SLAVES <node-id>: the CLUSTER NODES line of each replica of a primary. */
function clusterReplicas(c: Client, argv: string[]): void {
  const node = nodeById(c, argv[2]);
  if (node.shard.primary !== node) throw new ReplyError('ERR The specified node is not a master');
  const { me } = topology(c);
  c.w.array(node.shard.replicas.length);
  for (const replica of node.shard.replicas) c.w.bulk(nodeLine(c, replica, me));
}

const ADMIN: Partial<CommandDef> = { flags: ['admin', 'stale'] };

const HELP: ReadonlyArray<readonly [string, string]> = [
  ['count-failure-reports', 'COUNT-FAILURE-REPORTS <node-id>'], ['countkeysinslot', 'COUNTKEYSINSLOT <slot>'],
  ['getkeysinslot', 'GETKEYSINSLOT <slot> <count>'], ['info', 'INFO'], ['keyslot', 'KEYSLOT <key>'], ['links', 'LINKS'],
  ['myid', 'MYID'], ['myshardid', 'MYSHARDID'], ['nodes', 'NODES'], ['replicas', 'REPLICAS <node-id>'], ['shards', 'SHARDS'],
  ['slaves', 'SLAVES <node-id>'], ['slots', 'SLOTS'], ['help', 'HELP'],
];

/** CLUSTER HELP: the subcommands this engine version has. */
function clusterHelp(c: Client): void {
  const subs = c.server.lookupCommand('cluster')!.subcommands!;
  c.w.bulkArray(['CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', ...HELP.filter(([name]) => subs.has(name)).map(([, line]) => line)]);
}

/** Cluster commands: CLUSTER ..., READONLY, READWRITE, ASKING. */
export const commands: CommandDef[] = [
  {
    name: 'cluster',
    arity: -2,
    flags: [],
    acl: [],
    group: 'cluster',
    since: '3.0.0',
    summary: 'A container for Redis Cluster commands.',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub('slots', 2, 'Returns the mapping of cluster slots to nodes.', clusterSlots),
      sub('shards', 2, 'Returns the mapping of cluster slots to shards.', clusterShards, { since: '7.0.0' }),
      sub('nodes', 2, 'Returns the cluster configuration for a node.', (c) => c.w.verbatim(nodesText(c))),
      sub('info', 2, 'Returns information about the state of a node.', (c) => c.w.verbatim(infoText(c))),
      sub('myid', 2, 'Returns the ID of a node.', (c) => c.w.bulk(topology(c).me.id)),
      sub('myshardid', 2, 'Returns the shard ID of a node.', (c) => c.w.bulk(topology(c).me.shard.id), { since: '7.2.0' }),
      sub('keyslot', 3, 'Returns the hash slot for a key.', (c, argv) => c.w.int(keySlot(argv[2]))),
      sub('replicas', 3, 'Lists the replicas of a primary node.', clusterReplicas, { ...ADMIN, since: '5.0.0' }),
      sub('slaves', 3, 'Lists the replicas of a primary node (old name of CLUSTER REPLICAS).', clusterReplicas, { ...ADMIN, replacedBy: 'CLUSTER REPLICAS' }),
      sub('count-failure-reports', 3, 'Counts the failure reports other nodes hold against a node.', (c, argv) => {
        nodeById(c, argv[2]);
        // Nodes of a local cluster share one process: none ever reports another as failing.
        c.w.int(0);
      }, ADMIN),
      sub('countkeysinslot', 3, 'Returns the number of keys in a hash slot.', (c, argv) => {
        topology(c);
        const slot = integerArg(argv[2]);
        if (slot < 0 || slot >= SLOTS) throw new ReplyError('ERR Invalid slot');
        c.w.int(c.db.countKeysInSlot(slot));
      }),
      sub('getkeysinslot', 4, 'Returns the key names in a hash slot.', (c, argv) => {
        topology(c);
        const slot = integerArg(argv[2]);
        const count = integerArg(argv[3]);
        if (count < 0 || slot < 0 || slot >= SLOTS) throw new ReplyError('ERR Invalid slot or number of keys');
        c.w.bulkArray(c.db.keysInSlot(slot, count));
      }),
      sub('links', 2, 'Returns a list of all TCP links to and from peer nodes.', (c) => {
        const { cluster, me } = topology(c);
        const peers = cluster.nodes.filter((n) => n !== me);
        c.w.array(peers.length * 2);
        for (const peer of peers) {
          for (const direction of ['to', 'from']) {
            c.w.map(6);
            c.w.bulk('direction');
            c.w.bulk(direction);
            c.w.bulk('node');
            c.w.bulk(peer.id);
            c.w.bulk('create-time');
            c.w.int(c.server.startedAt);
            c.w.bulk('events');
            c.w.bulk(direction === 'to' ? 'rw' : 'r');
            c.w.bulk('send-buffer-allocated');
            c.w.int(0);
            c.w.bulk('send-buffer-used');
            c.w.int(0);
          }
        }
      }, { since: '7.0.0' }),
      sub('help', 2, 'Returns helpful text about the different subcommands.', clusterHelp, { flags: ['loading', 'stale'], since: '5.0.0' }),
    ],
  },
  {
    name: 'readonly',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    acl: ['connection'],
    group: 'cluster',
    since: '3.0.0',
    summary: 'Enables read-only queries for a connection to a Redis Cluster replica node.',
    complexity: 'O(1)',
    handler: (c) => {
      topology(c);
      c.readonlyMode = true;
      c.w.ok();
    },
  },
  {
    name: 'readwrite',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    acl: ['connection'],
    group: 'cluster',
    since: '3.0.0',
    summary: 'Enables read-write queries for a connection to a Redis Cluster replica node.',
    complexity: 'O(1)',
    handler: (c) => {
      topology(c);
      c.readonlyMode = false;
      c.w.ok();
    },
  },
  {
    name: 'asking',
    arity: 1,
    flags: ['fast'],
    acl: ['connection'],
    group: 'cluster',
    since: '3.0.0',
    summary: 'Signals that a cluster client is following an -ASK redirect.',
    complexity: 'O(1)',
    handler: (c) => {
      topology(c);
      c.asking = true;
      c.w.ok();
    },
  },
];

function writeNode(c: Client, node: ClusterNode): void {
  c.w.array(4);
  c.w.bulk(node.host);
  c.w.int(node.port);
  c.w.bulk(node.id);
  c.w.map(0);
}

function clusterSlots(c: Client): void {
  const { cluster } = topology(c);
  const entries: Array<[number, number, ClusterNode[]]> = [];
  for (const shard of cluster.shards) {
    for (const [first, last] of cluster.rangesOf(shard)) entries.push([first, last, [shard.primary, ...shard.replicas]]);
  }
  entries.sort((a, b) => a[0] - b[0]);
  c.w.array(entries.length);
  for (const [first, last, nodes] of entries) {
    c.w.array(2 + nodes.length);
    c.w.int(first);
    c.w.int(last);
    for (const node of nodes) writeNode(c, node);
  }
}

function clusterShards(c: Client): void {
  const { cluster } = topology(c);
  c.w.array(cluster.shards.length);
  for (const shard of cluster.shards) {
    const ranges = cluster.rangesOf(shard);
    c.w.map(2);
    c.w.bulk('slots');
    c.w.array(ranges.length * 2);
    for (const [first, last] of ranges) {
      c.w.int(first);
      c.w.int(last);
    }
    c.w.bulk('nodes');
    const nodes = [shard.primary, ...shard.replicas];
    c.w.array(nodes.length);
    for (const node of nodes) {
      c.w.map(7);
      c.w.bulk('id');
      c.w.bulk(node.id);
      c.w.bulk(node.tls ? 'tls-port' : 'port');
      c.w.int(node.port);
      c.w.bulk('ip');
      c.w.bulk(node.host);
      c.w.bulk('endpoint');
      c.w.bulk(node.host);
      c.w.bulk('role');
      c.w.bulk(node === shard.primary ? 'master' : 'replica');
      c.w.bulk('replication-offset');
      c.w.int(node.server.replication.offset);
      c.w.bulk('health');
      c.w.bulk('online');
    }
  }
}

/** A node's line of CLUSTER NODES (without the newline), as seen from `me`. */
function nodeLine(c: Client, node: ClusterNode, me: ClusterNode): string {
  const cluster = topology(c).cluster;
  const shard = node.shard;
  const primary = node === shard.primary;
  const flags = (node === me ? 'myself,' : '') + (primary ? 'master' : 'slave');
  const slots = primary ? cluster.rangesOf(shard).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)) : [];
  for (const [slot, m] of cluster.migrating) {
    if (primary && m.from === shard) slots.push(`[${slot}->-${m.to.primary.id}]`);
    if (primary && m.to === shard) slots.push(`[${slot}-<-${m.from.primary.id}]`);
  }
  return `${node.id} ${node.host}:${node.port}@${node.port + 10000} ${flags} ${primary ? '-' : shard.primary.id} 0 ${c.server.clock.now()} ${cluster.epoch} connected${slots.length ? ' ' + slots.join(' ') : ''}`;
}

function nodesText(c: Client): string {
  const { cluster, me } = topology(c);
  let out = '';
  for (const shard of cluster.shards) {
    for (const node of [shard.primary, ...shard.replicas]) out += nodeLine(c, node, me) + '\n';
  }
  return out;
}

function infoText(c: Client): string {
  const { cluster } = topology(c);
  let assigned = 0;
  for (let s = 0; s < SLOTS; s++) if (cluster.owner[s] >= 0) assigned++;
  const fields: Array<[string, string | number]> = [
    ['cluster_state', assigned === SLOTS ? 'ok' : 'fail'],
    ['cluster_slots_assigned', assigned],
    ['cluster_slots_ok', assigned],
    ['cluster_slots_pfail', 0],
    ['cluster_slots_fail', 0],
    ['cluster_known_nodes', cluster.nodes.length],
    ['cluster_size', cluster.shards.length],
    ['cluster_current_epoch', cluster.epoch],
    ['cluster_my_epoch', cluster.epoch],
    ['cluster_stats_messages_sent', 0],
    ['cluster_stats_messages_received', 0],
    ['total_cluster_links_buffer_limit_exceeded', 0],
  ];
  return fields.map(([k, v]) => `${k}:${v}\r\n`).join('');
}

