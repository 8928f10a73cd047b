import * as net from 'node:net';
import { FakeClock, RedisServerOptions, RunningRedisServer, startRedisServer } from '../../../src/local';
import { setInfoSection } from '../../../src/local/commands/server';
import { decodeReply, toPlain } from '../../../src/local/resp/decode';
import { RawClient } from '../support';

async function withServer(options: RedisServerOptions, body: (c: RawClient, s: RunningRedisServer) => Promise<void>): Promise<void> {
  const s = await startRedisServer(options);
  const c = await RawClient.connect(s.port);
  try {
    await body(c, s);
  } finally {
    c.close();
    await s.stop();
  }
}

function plain(reply: string): unknown {
  const r = decodeReply(reply, 0);
  if (r === undefined) throw new Error('incomplete');
  return toPlain(r.value);
}

const infoField = (text: string, name: string) => new RegExp(`\\r\\n${name}:([^\\r]*)\\r\\n`).exec(text)?.[1];
const titles = (reply: string) => (plain(reply) as string).split('\r\n').filter((l) => l.startsWith('#'));

describe('INFO', () => {
  test('Valkey reports itself as Valkey 8 on a Redis OSS 7.2.4 base', async () => {
    await withServer({}, async (c) => {
      const text = plain(await c.call('INFO', 'server')) as string;
      expect(text).toMatch(/^# Server\r\nredis_version:7\.2\.4\r\nserver_name:valkey\r\nvalkey_version:8\.0\.2\r\nredis_git_sha1:00000000\r\n/);
      expect(infoField(text, 'server_mode')).toBe('standalone');
      expect(infoField(text, 'availability_zone')).toBe('');
      expect(await c.call('CONFIG', 'SET', 'extended-redis-compatibility', 'yes')).toBe('+OK\r\n');
      expect(infoField(plain(await c.call('INFO', 'server')) as string, 'redis_mode')).toBe('standalone');
      const stats = plain(await c.call('INFO', 'stats')) as string;
      for (const name of ['evicted_scripts', 'io_threaded_freed_objects', 'client_output_buffer_limit_disconnections', 'acl_access_denied_auth']) {
        expect({ name, present: infoField(stats, name) !== undefined }).toEqual({ name, present: true });
      }
    });
  });

  test('sections by argument, RESP3 verbatim', async () => {
    await withServer({ engine: 'redis', version: '7.0.15' }, async (c) => {
      expect(titles(await c.call('INFO', 'everything'))).toEqual(['# Server', '# Clients', '# Memory', '# Persistence', '# Stats',
        '# Replication', '# CPU', '# Modules', '# Commandstats', '# Errorstats', '# Latencystats', '# Cluster', '# Keyspace']);
      expect(titles(await c.call('INFO', 'Keyspace', 'CPU'))).toEqual(['# CPU', '# Keyspace']);
      await c.call('HELLO', '3');
      expect(await c.call('INFO', 'cluster')).toBe('=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n');
      expect(await c.call('INFO', 'nosuch')).toBe('=4\r\ntxt:\r\n');
    });
  });

  test('values reflect the server: clients, keyspace, memory, commands, rates', async () => {
    await withServer({ config: { hz: 100 } }, async (c, s) => {
      const other = await RawClient.connect(s.port);
      await other.call('PING');
      const before = Number(infoField(plain(await c.call('INFO', 'memory')) as string, 'used_memory'));
      await c.call('SET', 'big', 'x'.repeat(100000));
      await c.call('SET', 'ttl', 'v', 'EX', '100');
      const text = plain(await c.call('INFO')) as string;
      expect(infoField(text, 'connected_clients')).toBe('2');
      expect(Number(infoField(text, 'used_memory'))).toBeGreaterThan(before + 100000);
      expect(infoField(text, 'db0')).toMatch(/^keys=2,expires=1,avg_ttl=\d+$/);
      // Every command before this INFO.
      expect(Number(infoField(text, 'total_commands_processed'))).toBe(s.server.stats.commandsProcessed - 1);
      for (let i = 0; i < 300; i++) await other.call('PING');
      await new Promise((r) => setTimeout(r, 150));
      const rate = Number(infoField(plain(await c.call('INFO', 'stats')) as string, 'instantaneous_ops_per_sec'));
      expect(rate).toBeGreaterThan(0);
      const cmdstats = plain(await c.call('INFO', 'commandstats')) as string;
      expect(cmdstats).toMatch(/\r\ncmdstat_ping:calls=301,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0\r\n/);
      const latency = plain(await c.call('INFO', 'latencystats')) as string;
      expect(latency).toMatch(/\r\nlatency_percentiles_usec_ping:p50=[\d.]+,p99=[\d.]+,p99\.9=[\d.]+\r\n/);
      other.close();
    });
  });

  test('setInfoSection replaces a section for one server (topology layers)', async () => {
    await withServer({}, async (c, s) => {
      setInfoSection(s.server, 'replication', () => [['role', 'slave'], ['master_host', '127.0.0.1']]);
      expect(plain(await c.call('INFO', 'replication'))).toBe('# Replication\r\nrole:slave\r\nmaster_host:127.0.0.1\r\n');
      expect(titles(await c.call('INFO'))).toContain('# Replication');
    });
  });
});

describe('persistence commands without a disk', () => {
  test('SAVE and BGSAVE record a save; LASTSAVE and INFO persistence follow', async () => {
    const clock = new FakeClock(Date.UTC(2030, 0, 1));
    await withServer({ clock }, async (c) => {
      const start = Date.UTC(2030, 0, 1) / 1000;
      expect(await c.call('LASTSAVE')).toBe(`:${start}\r\n`);
      await c.call('SET', 'a', '1');
      await c.call('SET', 'b', '1');
      expect(infoField(plain(await c.call('INFO', 'persistence')) as string, 'rdb_changes_since_last_save')).toBe('2');
      clock.advance(5000);
      expect(await c.call('SAVE')).toBe('+OK\r\n');
      expect(await c.call('LASTSAVE')).toBe(`:${start + 5}\r\n`);
      const info = plain(await c.call('INFO', 'persistence')) as string;
      expect(infoField(info, 'rdb_changes_since_last_save')).toBe('0');
      expect(infoField(info, 'rdb_saves')).toBe('1');
      clock.advance(5000);
      expect(await c.call('BGSAVE', 'SCHEDULE')).toBe('+Background saving started\r\n');
      expect(await c.call('LASTSAVE')).toBe(`:${start + 10}\r\n`);
      expect(await c.call('BGREWRITEAOF')).toBe('+Background append only file rewriting started\r\n');
      expect(infoField(plain(await c.call('INFO', 'persistence')) as string, 'aof_rewrites')).toBe('1');
    });
  });

  test('SHUTDOWN stops the node: connections close and the port is released', async () => {
    const s = await startRedisServer();
    const c = await RawClient.connect(s.port);
    const other = await RawClient.connect(s.port);
    c.write('*1\r\n$8\r\nSHUTDOWN\r\n');
    expect(await c.closedByServer()).toBe('');
    await other.closedByServer();
    await expect(new Promise((resolve, reject) => {
      const socket = net.connect(s.port, '127.0.0.1', () => resolve(socket));
      socket.on('error', reject);
    })).rejects.toThrow(/ECONNREFUSED/);
    await s.stop();
  });
});

describe('replication of flushes', () => {
  test('FLUSHDB and FLUSHALL replicate whether or not there was something to remove', async () => {
    await withServer({}, async (c, s) => {
      const stream: string[][] = [];
      s.server.onPropagate((db, argv) => stream.push([String(db), ...argv]));
      await c.call('FLUSHALL');
      await c.call('SELECT', '1');
      await c.call('SET', 'k', 'v');
      await c.call('FLUSHDB', 'ASYNC');
      await c.call('FLUSHDB');
      expect(stream).toEqual([['0', 'FLUSHALL'], ['1', 'SET', 'k', 'v'], ['1', 'FLUSHDB', 'ASYNC'], ['1', 'FLUSHDB']]);
      expect(infoField(plain(await c.call('INFO', 'persistence')) as string, 'rdb_changes_since_last_save')).toBe('2');
    });
  });
});

describe('WAIT and SWAPDB', () => {
  test('WAIT with replicas wanted blocks until its timeout and replies 0', async () => {
    await withServer({}, async (c) => {
      const started = Date.now();
      expect(await c.call('WAIT', '1', '60')).toBe(':0\r\n');
      expect(Date.now() - started).toBeGreaterThanOrEqual(55);
      expect(await c.call('WAIT', '0', '0')).toBe(':0\r\n');
    });
  });

  test('SWAPDB exchanges databases under the clients that use them', async () => {
    await withServer({}, async (c, s) => {
      const other = await RawClient.connect(s.port);
      await other.call('SELECT', '1');
      await c.call('SET', 'in0', 'a');
      await other.call('SET', 'in1', 'b');
      expect(await c.call('SWAPDB', '1', '0')).toBe('+OK\r\n');
      expect(await c.call('GET', 'in1')).toBe('$1\r\nb\r\n');
      expect(await other.call('GET', 'in0')).toBe('$1\r\na\r\n');
      expect(await c.call('CONFIG', 'GET', 'cluster-enabled')).toBe('*2\r\n$15\r\ncluster-enabled\r\n$2\r\nno\r\n');
      other.close();
    });
    await withServer({ config: { 'cluster-enabled': 'yes' } }, async (c) => {
      expect(await c.call('SWAPDB', '0', '1')).toBe('-ERR SWAPDB is not allowed in cluster mode\r\n');
    });
  });
});

describe('DEBUG when enable-debug-command allows it', () => {
  const options: RedisServerOptions = { config: { 'enable-debug-command': 'local' } };

  test('OBJECT describes encodings; unknown keys and subcommands are errors', async () => {
    await withServer(options, async (c) => {
      await c.call('SET', 'n', '123');
      await c.call('SET', 's', 'hello');
      await c.call('SET', 'r', 'x'.repeat(100));
      expect(await c.call('DEBUG', 'OBJECT', 'n')).toMatch(/^\+Value at:0x[0-9a-f]+ refcount:2147483647 encoding:int serializedlength:2 lru:\d+ lru_seconds_idle:\d+\r\n$/);
      expect(await c.call('DEBUG', 'OBJECT', 's')).toMatch(/^\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:6 /);
      expect(await c.call('DEBUG', 'OBJECT', 'r')).toMatch(/ encoding:raw serializedlength:102 /);
      expect(await c.call('DEBUG', 'OBJECT', 'nokey')).toBe('-ERR no such key\r\n');
      expect(await c.call('DEBUG', 'JMAP')).toBe("-ERR unknown subcommand or wrong number of arguments for 'JMAP'. Try DEBUG HELP.\r\n");
      expect(await c.call('DEBUG', 'LOG', 'hello')).toBe('+OK\r\n');
      expect(await c.call('DEBUG', 'HELP')).toMatch(/^\*\d+\r\n\+DEBUG <subcommand>/);
    });
  });

  test('SLEEP blocks the server; it shows in the slow log and the latency monitor', async () => {
    await withServer(options, async (c, s) => {
      await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '80000', 'latency-monitor-threshold', '80');
      const other = await RawClient.connect(s.port);
      // The whole process stops while the server sleeps (it runs in it), other clients included.
      const started = Date.now();
      expect(await c.call('DEBUG', 'SLEEP', '0.1')).toBe('+OK\r\n');
      expect(Date.now() - started).toBeGreaterThanOrEqual(95);
      expect(await other.call('PING')).toBe('+PONG\r\n');
      // (On a busy machine another command may be slow too: look for the sleep.)
      const log = (plain(await c.call('SLOWLOG', 'GET', '-1')) as unknown[][]).filter((e) => (e[3] as string[])[0] === 'DEBUG');
      expect(log.length).toBe(1);
      expect(log[0][3]).toEqual(['DEBUG', 'SLEEP', '0.1']);
      expect(log[0][2] as number).toBeGreaterThanOrEqual(95000);
      const latest = plain(await c.call('LATENCY', 'LATEST')) as unknown[][];
      const command = latest.find((e) => e[0] === 'command') as unknown[];
      expect(command[2] as number).toBeGreaterThanOrEqual(95);
      expect((plain(await c.call('LATENCY', 'HISTORY', 'command')) as unknown[][]).length).toBe(1);
      expect(plain(await c.call('LATENCY', 'GRAPH', 'command'))).toMatch(/^command - high \d+ ms, low \d+ ms \(all time high \d+ ms\)\n/);
      expect(plain(await c.call('LATENCY', 'DOCTOR'))).toMatch(/\d\. command: 1 latency spikes \(average \d+ms, mean deviation 0ms, period 0\.00 sec\)/);
      expect(await c.call('LATENCY', 'RESET', 'command', 'nosuch')).toBe(':1\r\n');
      expect((plain(await c.call('LATENCY', 'LATEST')) as unknown[][]).map((e) => e[0])).not.toContain('command');
      other.close();
    });
  });

  test('SET-ACTIVE-EXPIRE 0 keeps expired keys until they are accessed', async () => {
    const clock = new FakeClock();
    await withServer({ ...options, clock }, async (c, s) => {
      expect(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0')).toBe('+OK\r\n');
      await c.call('SET', 'k', 'v', 'PX', '10');
      clock.advance(100);
      await new Promise((r) => setTimeout(r, 250));
      expect(s.server.dbs[0].size).toBe(1);
      expect(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1')).toBe('+OK\r\n');
      for (let i = 0; i < 40 && s.server.dbs[0].size > 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(s.server.dbs[0].size).toBe(0);
      expect(s.server.stats.expiredKeys).toBe(1);
    });
  });
});

describe('MONITOR and SLOWLOG', () => {
  test('MONITOR shows commands with their database and client, and hides secrets and admin commands', async () => {
    await withServer({}, async (c, s) => {
      const m = await RawClient.connect(s.port);
      expect(await m.call('MONITOR')).toBe('+OK\r\n');
      await c.call('SELECT', '2');
      await c.call('AUTH', 'user', 'secret');
      await c.call('CONFIG', 'SET', 'requirepass', '');
      await c.call('ECHO', '\u00ff\t');
      const port = c.socket.localPort as number;
      const line = (text: string) => new RegExp(`^\\+\\d+\\.\\d{6} \\[${text.replace(/[[\]\\".*+?()|]/g, '\\$&')}\\r\\n$`);
      // The database is the client's after the command, as in redis-server.
      expect(await m.reply()).toMatch(line(`2 127.0.0.1:${port}] "SELECT" "2"`));
      expect(await m.reply()).toMatch(line(`2 127.0.0.1:${port}] "AUTH" "(redacted)" "(redacted)"`));
      expect(await m.reply()).toMatch(line(`2 127.0.0.1:${port}] "ECHO" "\\xff\\t"`));
      // A second MONITOR is ignored.
      m.write('*1\r\n$7\r\nMONITOR\r\n');
      expect(await m.silentFor(30)).toBe(true);
      m.close();
    });
  });

  test('SLOWLOG keeps slowlog-max-len entries, newest first, with shortened arguments and redacted secrets', async () => {
    await withServer({}, async (c) => {
      await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0', 'slowlog-max-len', '3');
      await c.call('CLIENT', 'SETNAME', 'tester');
      await c.call('CONFIG', 'SET', 'requirepass', 'pw', 'hz', '10');
      await c.call('AUTH', 'pw');
      await c.call('ECHO', 'y'.repeat(130));
      const log = plain(await c.call('SLOWLOG', 'GET', '-1')) as unknown[][];
      expect(log.map((e) => e[3])).toEqual([
        ['ECHO', `${'y'.repeat(128)}... (2 more bytes)`],
        ['AUTH', '(redacted)'],
        ['CONFIG', 'SET', 'requirepass', '(redacted)', 'hz', '10'],
      ]);
      expect(log.map((e) => e[5])).toEqual(['tester', 'tester', 'tester']);
      expect(log[0][0]).toBe((log[1][0] as number) + 1);
      const many = Array.from({ length: 40 }, (_, i) => String(i));
      await c.call('ECHO', ...many.slice(0, 1));
      await c.call('CONFIG', 'SET', 'slowlog-max-len', '1');
      expect(await c.call('SLOWLOG', 'LEN')).toBe(':1\r\n');
    });
  });
});

describe('MEMORY', () => {
  test('USAGE grows with the value; STATS counts keys', async () => {
    await withServer({}, async (c) => {
      await c.call('SET', 'small', 'x');
      await c.call('SET', 'large', 'x'.repeat(10000));
      const small = Number((await c.call('MEMORY', 'USAGE', 'small')).slice(1, -2));
      const large = Number((await c.call('MEMORY', 'USAGE', 'large', 'SAMPLES', '0')).slice(1, -2));
      expect(large - small).toBe(9999);
      const flat = plain(await c.call('MEMORY', 'STATS')) as unknown[];
      const stats = new Map<unknown, unknown>();
      for (let i = 0; i < flat.length; i += 2) stats.set(flat[i], flat[i + 1]);
      expect(stats.get('keys.count')).toBe(2);
      expect(stats.get('db.0')).toEqual(['overhead.hashtable.main', 112, 'overhead.hashtable.expires', 0, 'overhead.hashtable.slot-to-keys', 0]);
      expect(plain(await c.call('MEMORY', 'DOCTOR'))).toMatch(/too little data/);
      expect(plain(await c.call('MEMORY', 'MALLOC-STATS'))).toBe('Stats not supported for the current allocator');
    });
  });
});
