import * as fs from 'node:fs';
import { CompatPair } from './harness';
import { decode, elements, pairsOf, splitAggregate, text } from './normalize';

/** The `# Section` titles of an INFO reply. */
const titles = (reply: string) => text(decode(reply)).split('\r\n').filter((l) => l.startsWith('#'));
/** The field names of an INFO reply, by section. */
const fieldNames = (reply: string) => text(decode(reply)).split('\r\n').map((l) => (l.startsWith('#') || l === '' ? l : l.split(':')[0]));
/** One INFO field's value. */
const field = (reply: string, name: string) => new RegExp(`\\r\\n${name}:([^\\r]*)\\r\\n`).exec(text(decode(reply)))?.[1];

describe('server commands against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    // The harness starts redis-server without save points; so does the engine here.
    pair = await CompatPair.start({ local: { config: { save: '' } } });
  });
  afterAll(async () => {
    await pair.stop();
    // SAVE writes the real server's RDB file into /tmp.
    fs.rmSync(`/tmp/compat-${pair.real.port}.rdb`, { force: true });
  });
  beforeEach(() => pair.reset());

  test('INFO sections: which ones each argument selects, and in which order', async () => {
    for (const args of [[], ['default'], ['all'], ['everything'], ['ALL'], ['server'], ['SERVER'], ['commandstats', 'server'],
      ['default', 'commandstats'], ['latencystats'], ['errorstats'], ['modules'], ['module_list'], ['nosuch'], ['keyspace', 'keyspace'],
      ['cpu', 'cluster', 'replication'], ['everything', 'nosuch']]) {
      const { real, local } = await pair.both(['INFO', ...args]);
      expect({ args, sections: titles(local) }).toEqual({ args, sections: titles(real) });
    }
    await pair.expectSame([['INFO', 'nosuch'], ['INFO', 'modules'], ['INFO', 'cluster'], ['INFO', 'keyspace']]);
  });

  test('INFO field names of every section', async () => {
    await pair.expectSame([['SET', 'k', 'v'], ['GET', 'k'], ['PING']]);
    for (const section of ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'cluster', 'keyspace']) {
      const { real, local } = await pair.both(['INFO', section]);
      expect({ section, fields: fieldNames(local) }).toEqual({ section, fields: fieldNames(real) });
    }
  });

  test('INFO values that describe the dataset and the clients', async () => {
    await pair.expectSame([['SET', 'a', '1'], ['SET', 'b', '2', 'EX', '1000'], ['SELECT', '2'], ['SET', 'c', '3'], ['SELECT', '0']]);
    // avg_ttl depends on when each server's expiry cycle sampled the keys.
    await pair.expectSame([['INFO', 'keyspace']], (r) => r.replace(/avg_ttl=\d+/g, 'avg_ttl=<sampled>').replace(/^\$\d+/, '$<len>'));
    await pair.expectSame([['SET', 'a', '1', 'XX', 'NX'], ['NOSUCH'], ['GET'], ['INFO', 'errorstats']]);
    const extra = await pair.connectBoth();
    const { real, local } = await pair.both(['INFO', 'clients']);
    for (const name of ['connected_clients', 'blocked_clients', 'tracking_clients', 'clients_in_timeout_table', 'maxclients']) {
      expect({ name, value: field(local, name) }).toEqual({ name, value: field(real, name) });
    }
    // A client blocked in WAIT counts as blocked, with a timeout.
    extra.real.write('*3\r\n$4\r\nWAIT\r\n$1\r\n1\r\n$5\r\n10000\r\n');
    extra.local.write('*3\r\n$4\r\nWAIT\r\n$1\r\n1\r\n$5\r\n10000\r\n');
    await new Promise((r) => setTimeout(r, 50));
    const blocked = await pair.both(['INFO', 'clients']);
    for (const name of ['blocked_clients', 'clients_in_timeout_table']) {
      expect({ name, value: field(blocked.local, name) }).toEqual({ name, value: field(blocked.real, name) });
    }
    expect(field(blocked.local, 'blocked_clients')).toBe('1');
    extra.real.close();
    extra.local.close();
  });

  test('INFO stats counters move as the real ones do', async () => {
    await pair.expectSame([['CONFIG', 'RESETSTAT'], ['SET', 'k', 'v'], ['GET', 'k'], ['GET', 'nope'], ['GET', 'k'], ['NOSUCH']]);
    const { real, local } = await pair.both(['INFO', 'stats']);
    for (const name of ['keyspace_hits', 'keyspace_misses', 'total_error_replies', 'expired_keys', 'evicted_keys', 'rejected_connections',
      'pubsub_channels', 'tracking_total_keys', 'total_commands_processed']) {
      expect({ name, value: field(local, name) }).toEqual({ name, value: field(real, name) });
    }
  });

  test('INFO commandstats and latencystats list the commands called', async () => {
    await pair.expectSame([['CONFIG', 'RESETSTAT'], ['SET', 'k', 'v'], ['GET', 'k'], ['GET', 'k'], ['GET'], ['CONFIG', 'GET', 'hz'], ['CLIENT', 'NOSUCH']]);
    const norm = (reply: string) => text(decode(reply)).replace(/usec=\d+,usec_per_call=[\d.]+/g, 'usec=<t>')
      .replace(/p(\d+(?:\.\d+)?)=[\d.]+/g, 'p$1=<t>').split('\r\n').sort();
    for (const section of ['commandstats', 'latencystats']) {
      const { real, local } = await pair.both(['INFO', section]);
      expect({ section, lines: norm(local) }).toEqual({ section, lines: norm(real) });
    }
  });

  test('SWAPDB', async () => {
    await pair.expectSame([
      ['SET', 'a', '0'], ['SELECT', '1'], ['SET', 'b', '1'], ['SWAPDB', '0', '1'], ['GET', 'a'], ['GET', 'b'], ['SELECT', '0'], ['GET', 'b'],
      ['SWAPDB', '0', '0'], ['SWAPDB', '0', 'x'], ['SWAPDB', 'x', '0'], ['SWAPDB', '0', '16'], ['SWAPDB', '-1', '0'], ['SWAPDB', '0'],
      ['SWAPDB', '15', '0'], ['DBSIZE'], ['INFO', 'keyspace'],
    ]);
  });

  test('WAIT, LASTSAVE, SAVE, BGSAVE, BGREWRITEAOF, SHUTDOWN arguments', async () => {
    await pair.expectSame([
      ['WAIT', '0', '0'], ['WAIT', '1', '10'], ['WAIT', 'x', '0'], ['WAIT', '0', 'x'], ['WAIT', '0', '-1'], ['WAIT', '1'],
      ['SAVE'], ['SAVE', 'x'], ['BGSAVE', 'x'], ['BGSAVE', 'SCHEDULE', 'x'], ['BGREWRITEAOF', 'x'], ['LASTSAVE', 'x'],
      ['SHUTDOWN', 'foo'], ['SHUTDOWN', 'SAVE', 'NOSAVE'], ['SHUTDOWN', 'ABORT'], ['SHUTDOWN', 'ABORT', 'NOW'],
    ]);
    const last = await pair.both(['LASTSAVE']);
    expect(Math.abs(Number(last.local.slice(1)) - Date.now() / 1000)).toBeLessThan(5);
    expect(Math.abs(Number(last.real.slice(1)) - Number(last.local.slice(1)))).toBeLessThan(5);
    const persistence = await pair.both(['INFO', 'persistence']);
    for (const name of ['rdb_changes_since_last_save', 'rdb_bgsave_in_progress', 'rdb_last_bgsave_status', 'aof_enabled']) {
      expect({ name, value: field(persistence.local, name) }).toEqual({ name, value: field(persistence.real, name) });
    }
  });

  test('BGSAVE and BGREWRITEAOF replies when nothing else is in progress', async () => {
    const idle = async () => {
      for (let i = 0; i < 100; i++) {
        const info = await pair.realClient.call('INFO', 'persistence');
        if (field(info, 'rdb_bgsave_in_progress') === '0' && field(info, 'aof_rewrite_in_progress') === '0') return;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await idle();
    await pair.expectSame([['BGSAVE']]);
    await idle();
    await pair.expectSame([['BGREWRITEAOF']]);
    await idle();
    await pair.expectSame([['SET', 'k', 'v'], ['SAVE'], ['DBSIZE']]);
    const info = await pair.both(['INFO', 'persistence']);
    expect(field(info.local, 'rdb_changes_since_last_save')).toBe(field(info.real, 'rdb_changes_since_last_save'));
  });

  test('DEBUG is refused unless enable-debug-command allows it', async () => {
    await pair.expectSame([['DEBUG', 'SLEEP', '0'], ['DEBUG', 'HELP'], ['DEBUG', 'OBJECT', 'k'], ['DEBUG']]);
  });

  test('MONITOR streams the commands of other clients', async () => {
    const monitors = await pair.connectBoth();
    const writers = await pair.connectBoth();
    await pair.expectSame([['CLIENT', 'SETNAME', 'x']]);
    const lines: string[][] = [[], []];
    for (const [i, m, w] of [[0, monitors.real, writers.real], [1, monitors.local, writers.local]] as const) {
      lines[i].push(await m.call('MONITOR'));
      await w.call('SET', 'k', 'a b"\n\x01');
      await w.call('SELECT', '3');
      await w.call('GET', 'k');
      await w.call('AUTH', 'secret');
      await w.call('CONFIG', 'GET', 'hz');
      await w.call('PING');
      for (let n = 0; n < 5; n++) lines[i].push((await m.reply()).replace(/^\+\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\]/, '+<time> [$1 <addr>]'));
    }
    expect(lines[1]).toEqual(lines[0]);
    expect(lines[1][1]).toBe('+<time> [0 <addr>] "SET" "k" "a b\\"\\n\\x01"\r\n');
    monitors.real.close();
    monitors.local.close();
    writers.real.close();
    writers.local.close();
  });

  test('SLOWLOG records slow commands with their arguments shortened', async () => {
    await pair.expectSame([['SLOWLOG', 'RESET'], ['CONFIG', 'SET', 'slowlog-log-slower-than', '0'], ['CLIENT', 'SETNAME', 'slow'],
      ['SET', 'k', 'x'.repeat(200)], ['AUTH', 'a', 'b'], ['CONFIG', 'SET', 'requirepass', '', 'hz', '10']]);
    const args = Array.from({ length: 40 }, (_, i) => String(i));
    await pair.expectSame([['EXISTS', ...args], ['CONFIG', 'SET', 'slowlog-log-slower-than', '10000']]);
    const norm = (reply: string) => {
      const v = decode(reply);
      return elements(v).map((e) => {
        const [, , , argv, peer, name] = elements(e);
        return [argv, text(peer).replace(/:\d+$/, ':<port>'), name];
      });
    };
    const { real, local } = await pair.both(['SLOWLOG', 'GET', '-1']);
    expect(norm(local)).toEqual(norm(real));
    await pair.expectSame([['SLOWLOG', 'LEN'], ['SLOWLOG', 'GET', '0'], ['SLOWLOG', 'GET', '-2'], ['SLOWLOG', 'GET', 'x'],
      ['SLOWLOG', 'GET', '1', '2'], ['SLOWLOG', 'RESET'], ['SLOWLOG', 'LEN'], ['SLOWLOG', 'GET'], ['SLOWLOG', 'NOSUCH'], ['SLOWLOG']]);
  });

  test('LATENCY and MEMORY replies', async () => {
    await pair.expectSame([
      ['LATENCY', 'RESET'], ['LATENCY', 'LATEST'], ['LATENCY', 'HISTORY', 'command'], ['LATENCY', 'RESET', 'nosuch'], ['LATENCY', 'GRAPH', 'command'],
      ['LATENCY', 'HISTORY'], ['LATENCY', 'FOO'], ['LATENCY'],
      ['MEMORY', 'USAGE', 'nokey'], ['MEMORY', 'USAGE', 'k', 'SAMPLES', 'x'], ['MEMORY', 'USAGE', 'k', 'FOO'], ['MEMORY', 'USAGE', 'k', 'SAMPLES'],
      ['MEMORY', 'PURGE'], ['MEMORY', 'FOO'], ['MEMORY'],
    ]);
    await pair.expectSame([['CONFIG', 'RESETSTAT'], ['PING'], ['PING'], ['SET', 'k', 'v']]);
    const histogram = (reply: string) => pairsOf(decode(reply)).map(([name, v]) => [text(name), pairsOf(v).map(([k, val]) => (text(k) === 'calls' ? val : text(k)))]);
    for (const args of [['ping'], ['ping', 'set', 'nosuch'], ['config']]) {
      const { real, local } = await pair.both(['LATENCY', 'HISTOGRAM', ...args]);
      expect({ args, reply: histogram(local) }).toEqual({ args, reply: histogram(real) });
    }
    const usage = await pair.both(['MEMORY', 'USAGE', 'k']);
    expect(usage.local).toMatch(/^:\d+\r\n$/);
    const stats = await pair.both(['MEMORY', 'STATS']);
    const names = (reply: string) => pairsOf(decode(reply)).map(([k]) => text(k));
    expect(names(stats.local)).toEqual(names(stats.real));
  });

  test('HELP of SLOWLOG, LATENCY and MEMORY names the same subcommands', async () => {
    for (const cmd of ['SLOWLOG', 'LATENCY', 'MEMORY']) {
      const { real, local } = await pair.both([cmd, 'HELP']);
      const subcommands = (reply: string) => splitAggregate(reply).items.filter((l) => /^\+[A-Z]/.test(l)).map((l) => l.slice(1).split(' ')[0]);
      expect({ cmd, subcommands: subcommands(local) }).toEqual({ cmd, subcommands: subcommands(real) });
    }
  });

  test('lazy flushes are counted; FLUSHALL saves when save points are set', async () => {
    await pair.expectSame([['CONFIG', 'RESETSTAT'], ['SET', 'a', '1'], ['SET', 'b', '1'], ['SET', 'c', '1'], ['FLUSHALL', 'ASYNC'],
      ['SET', 'a', '1'], ['FLUSHDB'], ['CONFIG', 'SET', 'lazyfree-lazy-user-flush', 'yes'], ['SET', 'a', '1'], ['SET', 'b', '1'], ['FLUSHDB'],
      ['SET', 'a', '1'], ['FLUSHDB', 'SYNC'], ['CONFIG', 'SET', 'lazyfree-lazy-user-flush', 'no']]);
    // redis-server frees in a background thread and counts when it is done.
    let memory = await pair.both(['INFO', 'memory']);
    for (let i = 0; i < 40 && field(memory.real, 'lazyfreed_objects') !== field(memory.local, 'lazyfreed_objects'); i++) {
      await new Promise((r) => setTimeout(r, 25));
      memory = await pair.both(['INFO', 'memory']);
    }
    expect(field(memory.local, 'lazyfreed_objects')).toBe(field(memory.real, 'lazyfreed_objects'));
    expect(field(memory.local, 'lazyfreed_objects')).toBe('5');
    const changes = async (expected: string) => {
      const persistence = await pair.both(['INFO', 'persistence']);
      expect(field(persistence.local, 'rdb_changes_since_last_save')).toBe(field(persistence.real, 'rdb_changes_since_last_save'));
      expect(field(persistence.local, 'rdb_changes_since_last_save')).toBe(expected);
    };
    await pair.expectSame([['SAVE'], ['SET', 'x', '1'], ['FLUSHDB']]);
    await changes('2');
    await pair.expectSame([['FLUSHDB'], ['FLUSHALL']]);
    await changes('2');
    await pair.expectSame([['CONFIG', 'SET', 'save', '3600 1'], ['SET', 'x', '1'], ['SET', 'y', '1'], ['FLUSHALL'], ['CONFIG', 'SET', 'save', '']]);
    await changes('0');
  });

  test('FLUSHDB, FLUSHALL, DBSIZE, TIME', async () => {
    await pair.expectSame([
      ['SET', 'a', '1'], ['DBSIZE'], ['FLUSHDB', 'ASYNC'], ['DBSIZE'], ['SET', 'a', '1'], ['FLUSHALL', 'SYNC'], ['DBSIZE'],
      ['FLUSHALL', 'x'], ['FLUSHDB', 'sync', 'x'], ['TIME', 'x'], ['DBSIZE', 'x'],
    ]);
    const time = await pair.both(['TIME']);
    const secs = (r: string) => Number(text(elements(decode(r))[0]));
    expect(Math.abs(secs(time.local) - secs(time.real))).toBeLessThan(3);
  });
});
