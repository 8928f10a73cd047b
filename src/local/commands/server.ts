import * as os from 'node:os';
import type { Client } from '../client';
import type { RedisServer } from '../server';
import { is } from './args';
import { CommandDef, Errors, ReplyError } from './types';

/** Server commands. */
export const commands: CommandDef[] = [
  {
    name: 'info',
    arity: -1,
    flags: ['loading', 'stale'],
    acl: ['dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Returns information and statistics about the server.',
    complexity: 'O(1)',
    handler: (c, argv) => c.w.verbatim(info(c.server, argv.slice(1))),
  },
  {
    name: 'dbsize',
    arity: 1,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    group: 'server',
    since: '1.0.0',
    summary: 'Returns the number of keys in the database.',
    complexity: 'O(1)',
    handler: (c) => c.w.int(c.db.size),
  },
  {
    name: 'flushdb',
    arity: -1,
    flags: ['write'],
    acl: ['keyspace', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Removes all keys from the current database.',
    complexity: 'O(N) where N is the number of keys in the selected database',
    handler: (c, argv) => {
      flushMode(argv);
      c.db.signalAll(true, c.now);
      c.server.dirty += c.db.flush() + 1;
      c.w.ok();
    },
  },
  {
    name: 'flushall',
    arity: -1,
    flags: ['write'],
    acl: ['keyspace', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Removes all keys from all databases.',
    complexity: 'O(N) where N is the total number of keys in all databases',
    handler: (c, argv) => {
      flushMode(argv);
      let removed = 0;
      for (const db of c.server.dbs) {
        db.signalAll(true, c.now);
        removed += db.flush();
      }
      c.server.dirty += removed + 1;
      c.w.ok();
    },
  },
  {
    name: 'time',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    acl: [],
    group: 'server',
    since: '2.6.0',
    summary: 'Returns the server time.',
    complexity: 'O(1)',
    handler: (c) => {
      const micros = Math.floor(c.server.clock.now() * 1000 + (performance.now() % 1) * 1000);
      c.w.array(2);
      c.w.bulk(String(Math.floor(micros / 1e6)));
      c.w.bulk(String(micros % 1e6));
    },
  },
];

/** FLUSHDB/FLUSHALL [ASYNC|SYNC]: both run at once here. */
function flushMode(argv: string[]): void {
  if (argv.length > 2 || (argv.length === 2 && !is(argv[1], 'ASYNC') && !is(argv[1], 'SYNC'))) {
    throw new ReplyError(Errors.SYNTAX);
  }
}

type Fields = Array<[string, string | number]>;

/** Sections in INFO's order, and whether `INFO` without arguments (default) includes them. */
const SECTIONS: Array<[string, boolean, (s: RedisServer, c?: Client) => Fields]> = [
  ['server', true, serverSection],
  ['clients', true, clientsSection],
  ['memory', true, memorySection],
  ['persistence', true, persistenceSection],
  ['stats', true, statsSection],
  ['replication', true, replicationSection],
  ['cpu', true, cpuSection],
  ['modules', true, () => []],
  ['commandstats', false, commandStatsSection],
  ['errorstats', true, errorStatsSection],
  ['cluster', true, (s) => [['cluster_enabled', s.config.getBool('cluster-enabled') ? 1 : 0]]],
  ['keyspace', true, keyspaceSection],
];

/** Hooks that topology layers use to extend sections (e.g. replication details). */
export type InfoSectionProvider = (server: RedisServer) => Fields;
const extraProviders = new WeakMap<RedisServer, Map<string, InfoSectionProvider>>();

/** Replaces a section's fields for one server (used by replication and cluster layers). */
export function setInfoSection(server: RedisServer, section: string, provider: InfoSectionProvider): void {
  let map = extraProviders.get(server);
  if (map === undefined) {
    map = new Map();
    extraProviders.set(server, map);
  }
  map.set(section, provider);
}

/** The INFO text for the requested sections (`default`, `all`, `everything` or names). */
export function info(server: RedisServer, requested: string[]): string {
  const names = requested.map((r) => r.toLowerCase());
  const all = names.includes('all') || names.includes('everything');
  const wanted = (name: string, inDefault: boolean) =>
    names.length === 0 || names.includes('default') ? inDefault : all ? (name !== 'commandstats' || names.includes('everything') || all) : names.includes(name);
  const parts: string[] = [];
  const overrides = extraProviders.get(server);
  for (const [name, inDefault, provider] of SECTIONS) {
    if (!wanted(name, inDefault)) continue;
    const fields = overrides?.get(name)?.(server) ?? provider(server);
    const title = name === 'cpu' ? 'CPU' : name.charAt(0).toUpperCase() + name.slice(1);
    parts.push(`# ${title}\r\n` + fields.map(([k, v]) => `${k}:${v}\r\n`).join(''));
  }
  return parts.join('\r\n');
}

function serverSection(s: RedisServer): Fields {
  const uptime = Math.floor((s.clock.now() - s.startedAt) / 1000);
  const versionField: Fields = s.engine === 'valkey'
    ? [['redis_version', '7.2.4'], ['server_name', 'valkey'], ['valkey_version', s.version]]
    : [['redis_version', s.version]];
  return [
    ...versionField,
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', s.runId.slice(0, 16)],
    ['redis_mode', s.config.getBool('cluster-enabled') ? 'cluster' : 'standalone'],
    ['os', `${os.type()} ${os.release()} ${os.arch()}`],
    ['arch_bits', 64],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', 'epoll'],
    ['process_id', process.pid],
    ['run_id', s.runId],
    ['tcp_port', s.port],
    ['server_time_usec', s.clock.now() * 1000],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', s.config.getNumber('hz')],
    ['configured_hz', s.config.getNumber('hz')],
    ['lru_clock', Math.floor(s.clock.now() / 1000) & 0xffffff],
    ['executable', process.execPath],
    ['config_file', ''],
  ];
}

function clientsSection(s: RedisServer): Fields {
  let pubsub = 0;
  for (const c of s.clients.values()) if (c.subscribed) pubsub++;
  return [
    ['connected_clients', s.clients.size],
    ['cluster_connections', 0],
    ['maxclients', s.config.getNumber('maxclients')],
    ['client_recent_max_input_buffer', 0],
    ['client_recent_max_output_buffer', 0],
    ['blocked_clients', s.blockedClients],
    ['tracking_clients', 0],
    ['pubsub_clients', pubsub],
    ['clients_in_timeout_table', s.blockedClients],
  ];
}

function humanBytes(n: number): string {
  if (n < 1024) return `${n}B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(2)}K`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(2)}M`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)}G`;
}

function memorySection(s: RedisServer): Fields {
  const used = s.usedMemory();
  const rss = process.memoryUsage().rss;
  return [
    ['used_memory', used],
    ['used_memory_human', humanBytes(used)],
    ['used_memory_rss', rss],
    ['used_memory_rss_human', humanBytes(rss)],
    ['used_memory_peak', used],
    ['used_memory_peak_human', humanBytes(used)],
    ['used_memory_dataset', s.mem.used],
    ['total_system_memory', os.totalmem()],
    ['total_system_memory_human', humanBytes(os.totalmem())],
    ['maxmemory', s.maxmemory],
    ['maxmemory_human', humanBytes(s.maxmemory)],
    ['maxmemory_policy', s.maxmemoryPolicy],
    ['mem_fragmentation_ratio', used > 0 ? (rss / used).toFixed(2) : '0.00'],
    ['mem_allocator', 'node'],
  ];
}

function persistenceSection(s: RedisServer): Fields {
  return [
    ['loading', 0],
    ['async_loading', 0],
    ['rdb_changes_since_last_save', s.dirty],
    ['rdb_bgsave_in_progress', 0],
    ['rdb_last_save_time', Math.floor(s.startedAt / 1000)],
    ['rdb_last_bgsave_status', 'ok'],
    ['aof_enabled', 0],
    ['aof_rewrite_in_progress', 0],
    ['aof_last_bgrewrite_status', 'ok'],
    ['aof_last_write_status', 'ok'],
  ];
}

function statsSection(s: RedisServer): Fields {
  const st = s.stats;
  return [
    ['total_connections_received', st.connectionsReceived],
    ['total_commands_processed', st.commandsProcessed],
    ['total_net_input_bytes', st.netInputBytes],
    ['total_net_output_bytes', st.netOutputBytes],
    ['rejected_connections', st.rejectedConnections],
    ['expired_keys', st.expiredKeys],
    ['evicted_keys', st.evictedKeys],
    ['keyspace_hits', st.keyspaceHits],
    ['keyspace_misses', st.keyspaceMisses],
    ['pubsub_channels', s.pubsub.channels.size],
    ['pubsub_patterns', s.pubsub.patterns.size],
    ['pubsubshard_channels', s.pubsub.shardChannels.size],
    ['total_error_replies', st.totalErrorReplies],
  ];
}

function replicationSection(s: RedisServer): Fields {
  return [
    ['role', s.role === 'master' ? 'master' : 'slave'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', s.runId],
    ['master_replid2', '0000000000000000000000000000000000000000'],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', 1048576],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ];
}

function cpuSection(): Fields {
  const usage = process.cpuUsage();
  return [
    ['used_cpu_sys', (usage.system / 1e6).toFixed(6)],
    ['used_cpu_user', (usage.user / 1e6).toFixed(6)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
  ];
}

function commandStatsSection(s: RedisServer): Fields {
  const out: Fields = [];
  const add = (cmd: RedisServer['commandList'][number]) => {
    if (cmd.calls === 0 && cmd.rejectedCalls === 0 && cmd.failedCalls === 0) return;
    const perCall = cmd.calls > 0 ? (cmd.usec / cmd.calls).toFixed(2) : '0.00';
    out.push([`cmdstat_${cmd.fullName}`, `calls=${cmd.calls},usec=${cmd.usec},usec_per_call=${perCall},rejected_calls=${cmd.rejectedCalls},failed_calls=${cmd.failedCalls}`]);
  };
  for (const cmd of s.commandList) {
    add(cmd);
    for (const sub of cmd.subcommands?.values() ?? []) add(sub);
  }
  return out;
}

function errorStatsSection(s: RedisServer): Fields {
  return [...s.stats.errors].map(([code, count]) => [`errorstat_${code}`, `count=${count}`]);
}

function keyspaceSection(s: RedisServer): Fields {
  const out: Fields = [];
  for (const db of s.dbs) {
    if (db.size === 0) continue;
    out.push([`db${db.id}`, `keys=${db.size},expires=${db.expiresCount},avg_ttl=${Math.round(db.avgTtl)}`]);
  }
  return out;
}
