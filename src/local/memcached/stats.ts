import { SLAB_PAGE_SIZE } from './slabs';
import { ServerState } from './state';
import { ClassStats } from './store';

/** One `STAT name value` line (text) or stat packet (binary). */
export type Stat = readonly [name: string, value: string];

function rusage(micros: number): string {
  const secs = Math.floor(micros / 1e6);
  return `${secs}.${String(micros % 1e6).padStart(6, '0')}`;
}

/**
 * `stats` with no argument. Field names and order are memcached 1.6's as it runs with a flat LRU
 * and no background threads (`-o no_lru_maintainer,no_lru_crawler`), which is the model this
 * server follows; fields about internals it does not have (libevent, read/response buffers, hash
 * table, logger, slab mover) are left out rather than invented.
 */
export function generalStats(state: ServerState): Stat[] {
  const store = state.store;
  const st = store.stats;
  const now = store.now();
  const cpu = process.cpuUsage();
  let getHits = state.discoveryHits;
  let setCmds = 0;
  let deleteHits = 0;
  let incrHits = 0;
  let decrHits = 0;
  let casHits = 0;
  let casBadval = 0;
  let touchHits = 0;
  let expiredUnfetched = 0;
  let evictedUnfetched = 0;
  let evictions = 0;
  let reclaimed = 0;
  for (const cs of store.classStats) {
    getHits += cs.getHits;
    setCmds += cs.setCmds;
    deleteHits += cs.deleteHits;
    incrHits += cs.incrHits;
    decrHits += cs.decrHits;
    casHits += cs.casHits;
    casBadval += cs.casBadval;
    touchHits += cs.touchHits;
    expiredUnfetched += cs.expiredUnfetched;
    evictedUnfetched += cs.evictedUnfetched;
    evictions += cs.evicted;
    reclaimed += cs.reclaimed;
  }
  const stats: Stat[] = [
    ['pid', String(process.pid)],
    ['uptime', String(now - 60)],
    ['time', String(store.unixTime(now))],
    ['version', state.version],
    ['pointer_size', '64'],
    ['rusage_user', rusage(cpu.user)],
    ['rusage_system', rusage(cpu.system)],
    ['max_connections', String(state.settings.maxConnections)],
    ['curr_connections', String(state.connections.size)],
    ['total_connections', String(state.totalConnections)],
    ['rejected_connections', String(state.rejectedConnections)],
    ['connection_structures', String(state.connectionStructures)],
    ['cmd_get', String(st.getCmds)],
    ['cmd_set', String(setCmds)],
    ['cmd_flush', String(st.flushCmds)],
    ['cmd_touch', String(st.touchCmds)],
    ['cmd_meta', String(st.metaCmds)],
    ['get_hits', String(getHits)],
    ['get_misses', String(st.getMisses)],
    ['get_expired', String(st.getExpired)],
    ['get_flushed', String(st.getFlushed)],
    ['delete_misses', String(st.deleteMisses)],
    ['delete_hits', String(deleteHits)],
    ['incr_misses', String(st.incrMisses)],
    ['incr_hits', String(incrHits)],
    ['decr_misses', String(st.decrMisses)],
    ['decr_hits', String(decrHits)],
    ['cas_misses', String(st.casMisses)],
    ['cas_hits', String(casHits)],
    ['cas_badval', String(casBadval)],
    ['touch_hits', String(touchHits)],
    ['touch_misses', String(st.touchMisses)],
    ['store_too_large', String(st.storeTooLarge)],
    ['store_no_memory', String(st.storeNoMemory)],
    ['auth_cmds', String(st.authCmds)],
    ['auth_errors', String(st.authErrors)],
    ['bytes_read', String(state.bytesRead)],
    ['bytes_written', String(state.bytesWritten)],
    ['limit_maxbytes', String(store.memoryLimit)],
    ['accepting_conns', '1'],
    ['listen_disabled_num', '0'],
    ['time_in_listen_disabled_us', '0'],
    ['threads', '1'],
    ['conn_yields', '0'],
    ['malloc_fails', '0'],
    ['bytes', String(st.currBytes)],
    ['curr_items', String(st.currItems)],
    ['total_items', String(st.totalItems)],
    ['slab_global_page_pool', '0'],
    ['expired_unfetched', String(expiredUnfetched)],
    ['evicted_unfetched', String(evictedUnfetched)],
    ['evictions', String(evictions)],
    ['reclaimed', String(reclaimed)],
    ['crawler_reclaimed', '0'],
    ['crawler_items_checked', '0'],
    ['lrutail_reflocked', '0'],
  ];
  return stats;
}

/** `stats settings`: the settings this server has, under memcached's names. */
export function settingsStats(state: ServerState): Stat[] {
  const s = state.settings;
  const store = state.store;
  return [
    ['maxbytes', String(store.memoryLimit)],
    ['maxconns', String(s.maxConnections)],
    ['tcpport', String(s.port)],
    ['udpport', '0'],
    ['inter', s.host],
    ['verbosity', String(s.verbosity)],
    ['oldest', String(store.oldestLive)],
    ['evictions', 'on'],
    ['domain_socket', 'NULL'],
    ['umask', '700'],
    ['shutdown_command', 'no'],
    ['growth_factor', '1.25'],
    ['chunk_size', '48'],
    ['num_threads', '1'],
    ['num_threads_per_udp', '1'],
    ['stat_key_prefix', ':'],
    ['detail_enabled', state.detailEnabled ? 'yes' : 'no'],
    ['reqs_per_event', '20'],
    ['cas_enabled', 'yes'],
    ['tcp_backlog', '1024'],
    ['binding_protocol', s.sasl ? 'binary' : 'auto-negotiate'],
    ['auth_enabled_sasl', s.sasl ? 'yes' : 'no'],
    ['auth_enabled_ascii', 'no'],
    ['item_size_max', String(s.itemSizeMax)],
    ['maxconns_fast', 'yes'],
    ['hashpower_init', '0'],
    ['slab_reassign', 'no'],
    ['slab_automove', '0'],
    ['slab_chunk_max', String(store.chunkSizeMax)],
    ['lru_crawler', 'no'],
    ['tail_repair_time', '0'],
    ['flush_enabled', 'yes'],
    ['dump_enabled', 'yes'],
    ['lru_maintainer_thread', 'no'],
    ['lru_segmented', 'no'],
    ['temp_lru', 'no'],
    ['idle_timeout', '0'],
    ['track_sizes', state.sizesCasMin !== 0 ? 'yes' : 'no'],
    ['ssl_enabled', s.tls ? 'yes' : 'no'],
  ];
}

/** `stats items`: per slab class holding items. */
export function itemStats(state: ServerState): Stat[] {
  const store = state.store;
  const now = store.now();
  const out: Stat[] = [];
  for (const c of store.classes) {
    const n = store.counts[c.id];
    if (n === 0) continue;
    const cs = store.classStats[c.id];
    const tail = store.tails[c.id];
    const p = `items:${c.id}:`;
    out.push(
      [`${p}number`, String(n)],
      [`${p}age`, String(tail === null ? 0 : now - tail.time)],
      [`${p}mem_requested`, String(store.requested[c.id])],
      [`${p}evicted`, String(cs.evicted)],
      [`${p}evicted_nonzero`, String(cs.evictedNonzero)],
      [`${p}evicted_time`, String(cs.evictedTime)],
      [`${p}outofmemory`, String(cs.outOfMemory)],
      [`${p}tailrepairs`, '0'],
      [`${p}reclaimed`, String(cs.reclaimed)],
      [`${p}expired_unfetched`, String(cs.expiredUnfetched)],
      [`${p}evicted_unfetched`, String(cs.evictedUnfetched)],
      [`${p}crawler_reclaimed`, '0'],
      [`${p}crawler_items_checked`, '0'],
      [`${p}lrutail_reflocked`, '0'],
    );
  }
  return out;
}

/** `stats slabs`: per slab class that has memory, then totals. */
export function slabStats(state: ServerState): Stat[] {
  const store = state.store;
  const out: Stat[] = [];
  let active = 0;
  for (const c of store.classes) {
    const pages = store.pages[c.id];
    if (pages === 0) continue;
    active++;
    const cs = store.classStats[c.id];
    const total = pages * c.perPage;
    const used = store.usedChunks[c.id];
    out.push(
      [`${c.id}:chunk_size`, String(c.size)],
      [`${c.id}:chunks_per_page`, String(c.perPage)],
      [`${c.id}:total_pages`, String(pages)],
      [`${c.id}:total_chunks`, String(total)],
      [`${c.id}:used_chunks`, String(used)],
      [`${c.id}:free_chunks`, String(total - used)],
      [`${c.id}:free_chunks_end`, '0'],
      [`${c.id}:get_hits`, String(cs.getHits)],
      [`${c.id}:cmd_set`, String(cs.setCmds)],
      [`${c.id}:delete_hits`, String(cs.deleteHits)],
      [`${c.id}:incr_hits`, String(cs.incrHits)],
      [`${c.id}:decr_hits`, String(cs.decrHits)],
      [`${c.id}:cas_hits`, String(cs.casHits)],
      [`${c.id}:cas_badval`, String(cs.casBadval)],
      [`${c.id}:touch_hits`, String(cs.touchHits)],
    );
  }
  out.push(['active_slabs', String(active)], ['total_malloced', String(store.totalPages * SLAB_PAGE_SIZE)]);
  return out;
}

/** `stats sizes`: items per 32-byte size bucket once enabled with `stats sizes_enable`. */
export function sizeStats(state: ServerState): Stat[] {
  if (state.sizesCasMin === 0) return [['sizes_status', 'disabled']];
  const buckets = new Map<number, number>();
  for (const item of state.store.items.values()) {
    if (item.cas < state.sizesCasMin) continue;
    const bucket = Math.ceil(item.size / 32);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([b, n]) => [String(b * 32), String(n)]);
}

/** `stats conns`: the listener, then each client connection. */
export function connectionStats(state: ServerState): Stat[] {
  const now = state.store.now();
  const listen = `tcp:${state.settings.host}:${state.settings.port}`;
  const out: Stat[] = [
    ['0:addr', listen],
    ['0:state', 'conn_listening'],
    ['0:secs_since_last_cmd', String(now)],
  ];
  for (const c of state.connections) {
    out.push(
      [`${c.id}:addr`, c.remote],
      [`${c.id}:listen_addr`, listen],
      [`${c.id}:state`, c.state],
      [`${c.id}:secs_since_last_cmd`, String(now - c.lastCommand)],
    );
  }
  return out;
}

/**
 * The `stats <group>` a protocol asked for; undefined for an unknown group (text replies ERROR,
 * binary KEY_ENOENT).
 */
export function groupStats(state: ServerState, group: string): Stat[] | undefined {
  switch (group) {
    case 'settings': return settingsStats(state);
    case 'items': return itemStats(state);
    case 'slabs': return slabStats(state);
    case 'sizes': return sizeStats(state);
    case 'sizes_enable':
      if (state.sizesCasMin === 0) state.sizesCasMin = state.store.nextCas();
      return [['sizes_status', 'enabled']];
    case 'sizes_disable':
      state.sizesCasMin = 0;
      return [['sizes_status', 'disabled']];
    case 'conns': return connectionStats(state);
    default: return undefined;
  }
}

/** `stats reset`: clears the counters, as memcached's stats_reset does. */
export function resetStats(state: ServerState): void {
  const store = state.store;
  const st = store.stats;
  st.getCmds = 0;
  st.getMisses = 0;
  st.getExpired = 0;
  st.getFlushed = 0;
  st.touchCmds = 0;
  st.touchMisses = 0;
  st.deleteMisses = 0;
  st.incrMisses = 0;
  st.decrMisses = 0;
  st.casMisses = 0;
  st.flushCmds = 0;
  st.metaCmds = 0;
  st.storeTooLarge = 0;
  st.storeNoMemory = 0;
  st.authCmds = 0;
  st.authErrors = 0;
  st.totalItems = 0;
  state.totalConnections = 0;
  state.rejectedConnections = 0;
  state.bytesRead = 0;
  state.bytesWritten = 0;
  state.discoveryHits = 0;
  state.prefixes.clear();
  for (let i = 0; i < store.classStats.length; i++) store.classStats[i] = new ClassStats();
}

/** `stats detail dump`. */
export function prefixDump(state: ServerState): string {
  let out = '';
  for (const [prefix, p] of state.prefixes) {
    out += `PREFIX ${prefix} get ${p.gets} hit ${p.hits} set ${p.sets} del ${p.deletes}\r\n`;
  }
  return out + 'END\r\n';
}
