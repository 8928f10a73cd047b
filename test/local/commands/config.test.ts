import { spawn } from 'node:child_process';
import * as fc from 'fast-check';
import { ELASTICACHE_RESTRICTED, FakeClock, RedisServerOptions, RunningRedisServer, startRedisServer } from '../../../src/local';
import { Client } from '../../../src/local/client';
import { Config } from '../../../src/local/config';
import { memtoull, strtoll } from '../../../src/local/config-params';
import { RawClient } from '../support';

/** Starts a server, runs `body` with a connected raw client, stops everything. */
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

/** The server-side client of a raw connection (the most recent one). */
function lastClient(s: RunningRedisServer): Client {
  return [...s.server.clients.values()].pop() as Client;
}

describe('parameter table by engine', () => {
  test('Valkey 8 has its own parameters, defaults and aliases', () => {
    const config = new Config({ engine: 'valkey', version: '8.0.2' });
    expect(config.get('lazyfree-lazy-user-del')).toBe('yes');
    expect(config.get('repl-backlog-size')).toBe('10485760');
    expect(config.get('syslog-ident')).toBe('valkey');
    expect(config.get('set-max-listpack-entries')).toBe('128');
    expect(config.match(['masterauth'])).toEqual([['masterauth', '']]);
    expect(config.match(['primary*'])).toEqual([['primaryuser', ''], ['primaryauth', '']]);
    // Aliases are names of their own: patterns list them too.
    expect(config.match(['*cpulist']).map(([n]) => n)).toEqual([
      'server-cpulist', 'server_cpulist', 'bio-cpulist', 'bio_cpulist', 'aof-rewrite-cpulist', 'aof_rewrite_cpulist', 'bgsave-cpulist', 'bgsave_cpulist',
    ]);
    expect(config.has('server_cpulist')).toBe(true);
    expect(() => config.set([['maxmemory-samples', '65']])).toThrow(
      "CONFIG SET failed (possibly related to argument 'maxmemory-samples') - argument must be between 1 and 64 inclusive");
    // Hidden parameters answer an exact name only.
    expect(config.match(['client-default-resp'])).toEqual([['client-default-resp', '2']]);
    expect(config.match(['client-default-*'])).toEqual([]);
  });

  test('Redis OSS 7.0 has neither the 7.2 nor the Valkey parameters', () => {
    const config = new Config({ engine: 'redis', version: '7.0.15' });
    for (const name of ['set-max-listpack-entries', 'locale-collate', 'primaryauth', 'availability-zone', 'client-default-resp']) {
      expect({ name, known: config.has(name) }).toEqual({ name, known: false });
    }
    expect(config.get('lazyfree-lazy-user-del')).toBe('no');
    expect(config.match(['masterauth'])).toEqual([['masterauth', '']]);
    expect(config.match(['*cpulist*']).map(([n]) => n)).toEqual(['server_cpulist', 'bio_cpulist', 'aof_rewrite_cpulist', 'bgsave_cpulist']);
  });

  test('Redis OSS 7.2 adds set-max-listpack-*', () => {
    const config = new Config({ engine: 'redis', version: '7.2.4' });
    expect(config.get('set-max-listpack-value')).toBe('64');
    expect(config.has('primaryauth')).toBe(false);
  });

  test('a failing CONFIG SET changes nothing and tells no listener', () => {
    const config = new Config({ engine: 'redis', version: '7.0.15' });
    const changes: string[] = [];
    config.onChange((name, value) => changes.push(`${name}=${value}`));
    expect(() => config.set([['hz', '20'], ['maxmemory', '1gb'], ['loglevel', 'loud']])).toThrow(
      "CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning");
    expect(changes).toEqual([]);
    expect(config.get('hz')).toBe('10');
    config.set([['hz', '20'], ['maxmemory', '1gb']]);
    expect(changes).toEqual(['hz=20', 'maxmemory=1073741824']);
  });

  test('memory values: units, leading zeros, 64-bit wrap-around, and what is refused', () => {
    expect(memtoull('')).toBe(0n);
    expect(memtoull('10')).toBe(10n);
    expect(memtoull('007kb')).toBe(7168n);
    expect(memtoull('1GB')).toBe(1073741824n);
    expect(memtoull('3m')).toBe(3000000n);
    expect(memtoull('99999999999999999999999')).toBe(18446744073709551615n);
    expect(memtoull('18446744073709551615k')).toBe(BigInt.asUintN(64, 18446744073709551615n * 1000n));
    for (const bad of ['-1', '1 kb', '1tb', 'kb1', '1.5mb', ' 1']) expect({ bad, value: memtoull(bad) }).toEqual({ bad, value: undefined });
    expect(strtoll('  -12abc')).toEqual([-12n, 'abc']);
    expect(strtoll('+5')).toEqual([5n, '']);
    expect(strtoll('x')).toEqual([0n, 'x']);
  });

  test('memory values with units parse to digits × unit (property)', () => {
    const units: Record<string, bigint> = { b: 1n, k: 1000n, kb: 1024n, m: 1000000n, mb: 1048576n, g: 1000000000n, gb: 1073741824n };
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 32n }), fc.constantFrom(...Object.keys(units)), fc.boolean(), (n, unit, upper) => {
      const text = `${n}${upper ? unit.toUpperCase() : unit}`;
      expect(memtoull(text)).toBe(n * units[unit]);
    }));
  });

  test('CONFIG GET lists every name once per request, aliases as asked', () => {
    const config = new Config({ engine: 'redis', version: '7.0.15' });
    expect(config.match(['HZ', 'hz', 'Hz'])).toEqual([['HZ', '10']]);
    expect(config.match(['slave-read-only', 'replica-read-only'])).toEqual([['slave-read-only', 'yes'], ['replica-read-only', 'yes']]);
    const all = config.match(['*']);
    expect(new Set(all.map(([n]) => n)).size).toBe(all.length);
    expect(all.length).toBe(192);
  });
});

describe('configuration applied by the server', () => {
  test('startup options may set immutable parameters; bad ones fail the start', async () => {
    await withServer({ config: { 'databases': 4, 'enable-debug-command': 'local' } }, async (c) => {
      expect(await c.call('SELECT', '3')).toBe('+OK\r\n');
      expect(await c.call('SELECT', '4')).toBe('-ERR DB index is out of range\r\n');
      expect(await c.call('CONFIG', 'SET', 'databases', '8')).toBe(
        "-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config\r\n");
      expect(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1')).toBe('+OK\r\n');
    });
    await expect(startRedisServer({ config: { hz: 'fast' } })).rejects.toThrow(
      "CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer");
  });

  test('CONFIG GET port and bind report where the node listens; moving it is refused', async () => {
    await withServer({}, async (c, s) => {
      expect(await c.call('CONFIG', 'GET', 'port')).toBe(`*2\r\n$4\r\nport\r\n$${String(s.port).length}\r\n${s.port}\r\n`);
      expect(await c.call('CONFIG', 'GET', 'bind')).toBe('*2\r\n$4\r\nbind\r\n$9\r\n127.0.0.1\r\n');
      expect(await c.call('CONFIG', 'SET', 'port', String(s.port))).toBe('+OK\r\n');
      expect(await c.call('CONFIG', 'SET', 'port', '1')).toBe(
        "-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.\r\n");
      expect(await c.call('CONFIG', 'SET', 'bind', '10.1.2.3')).toBe(
        "-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.\r\n");
      expect(await c.call('CONFIG', 'SET', 'bind', '127.0.0.1 -::1')).toBe('+OK\r\n');
      expect(await c.call('CONFIG', 'GET', 'bind')).toBe('*2\r\n$4\r\nbind\r\n$14\r\n127.0.0.1 -::1\r\n');
    });
  });

  test('dir is checked like chdir but the process stays where it is', async () => {
    const cwd = process.cwd();
    await withServer({ config: { 'enable-protected-configs': 'yes' } }, async (c) => {
      expect(await c.call('CONFIG', 'GET', 'dir')).toBe(`*2\r\n$3\r\ndir\r\n$${cwd.length}\r\n${cwd}\r\n`);
      expect(await c.call('CONFIG', 'SET', 'dir', '/nonexistent-dir')).toBe(
        "-ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory\r\n");
      expect(await c.call('CONFIG', 'SET', 'dir', '/etc/hostname')).toBe(
        "-ERR CONFIG SET failed (possibly related to argument 'dir') - Not a directory\r\n");
      expect(await c.call('CONFIG', 'SET', 'dir', '/tmp')).toBe('+OK\r\n');
      expect(await c.call('CONFIG', 'SET', 'dir', '..')).toBe('+OK\r\n');
      expect(await c.call('CONFIG', 'GET', 'dir')).toBe('*2\r\n$3\r\ndir\r\n$1\r\n/\r\n');
    });
    expect(process.cwd()).toBe(cwd);
  });

  test('maxmemory with noeviction refuses writes; with allkeys-lru it evicts', async () => {
    await withServer({}, async (c) => {
      expect(await c.call('CONFIG', 'SET', 'maxmemory', '1')).toBe('+OK\r\n');
      expect(await c.call('SET', 'k', 'v')).toBe("-OOM command not allowed when used memory > 'maxmemory'.\r\n");
      expect(await c.call('GET', 'k')).toBe('$-1\r\n');
      expect(await c.call('CONFIG', 'SET', 'maxmemory', '0')).toBe('+OK\r\n');
      for (let i = 0; i < 100; i++) await c.call('SET', `key:${i}`, 'x'.repeat(100));
      const used = Number(/used_memory:(\d+)/.exec(await c.call('INFO', 'memory'))?.[1]);
      expect(await c.call('CONFIG', 'SET', 'maxmemory', String(used - 5000), 'maxmemory-policy', 'allkeys-lru')).toBe('+OK\r\n');
      expect(await c.call('SET', 'new', 'v')).toBe('+OK\r\n');
      const size = Number((await c.call('DBSIZE')).slice(1, -2));
      expect(size).toBeLessThan(101);
      expect(await c.call('INFO', 'stats')).toMatch(new RegExp(`evicted_keys:${101 - size}\r\n`));
    });
  });

  test('notify-keyspace-events turns keyspace notifications on and off', async () => {
    await withServer({}, async (c, s) => {
      const listener = await RawClient.connect(s.port);
      await listener.call('PING');
      const sub = lastClient(s);
      s.server.pubsub.subscribe('channel', sub, '__keyevent@0__:set');
      s.server.pubsub.subscribe('channel', sub, '__keyspace@0__:k');
      expect(await c.call('SET', 'k', 'v')).toBe('+OK\r\n');
      expect(await listener.silentFor(30)).toBe(true);
      expect(await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'KE$')).toBe('+OK\r\n');
      expect(await c.call('CONFIG', 'GET', 'notify-keyspace-events')).toBe('*2\r\n$22\r\nnotify-keyspace-events\r\n$3\r\n$KE\r\n');
      expect(await c.call('SET', 'k', 'v')).toBe('+OK\r\n');
      expect(await listener.reply()).toBe('*3\r\n$7\r\nmessage\r\n$16\r\n__keyspace@0__:k\r\n$3\r\nset\r\n');
      expect(await listener.reply()).toBe('*3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:set\r\n$1\r\nk\r\n');
      expect(await c.call('CONFIG', 'SET', 'notify-keyspace-events', '')).toBe('+OK\r\n');
      expect(await c.call('SET', 'k', 'v')).toBe('+OK\r\n');
      expect(await listener.silentFor(30)).toBe(true);
      listener.close();
    });
  });

  test('timeout closes idle clients (but not blocked ones)', async () => {
    const clock = new FakeClock();
    await withServer({ clock, config: { hz: 100 } }, async (c, s) => {
      const blocked = await RawClient.connect(s.port);
      expect(await c.call('CONFIG', 'SET', 'timeout', '2')).toBe('+OK\r\n');
      blocked.write('*3\r\n$4\r\nWAIT\r\n$1\r\n1\r\n$1\r\n0\r\n');
      await new Promise((r) => setTimeout(r, 30));
      clock.advance(1500);
      await new Promise((r) => setTimeout(r, 50));
      expect(c.isClosed).toBe(false);
      clock.advance(1000);
      await c.closedByServer();
      expect(blocked.isClosed).toBe(false);
      expect(s.server.clients.size).toBe(1);
      blocked.close();
    });
  });

  test('proto-max-bulk-len and client-query-buffer-limit bound requests', async () => {
    await withServer({}, async (c, s) => {
      expect(await c.call('CONFIG', 'SET', 'proto-max-bulk-len', '1mb')).toBe('+OK\r\n');
      c.write(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${1024 * 1024 + 1}\r\n`);
      expect(await c.reply()).toBe('-ERR Protocol error: invalid bulk length\r\n');
      await c.closedByServer();
      const d = await RawClient.connect(s.port);
      expect(await d.call('CONFIG', 'SET', 'client-query-buffer-limit', '1mb', 'proto-max-bulk-len', '512mb')).toBe('+OK\r\n');
      // A 2 MB value arriving: once more than 1 MB of it is buffered, the client is closed.
      d.write(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${2 * 1024 * 1024}\r\n` + 'x'.repeat(1200 * 1024));
      await d.closedByServer();
      expect(s.server.stats.queryBufferLimitDisconnections).toBe(1);
    });
  });

  test('requirepass protects the default user from the next connection on', async () => {
    await withServer({}, async (c, s) => {
      expect(await c.call('CONFIG', 'SET', 'requirepass', 's3cret')).toBe('+OK\r\n');
      const other = await RawClient.connect(s.port);
      expect(await other.call('PING')).toBe('-NOAUTH Authentication required.\r\n');
      expect(await other.call('AUTH', 's3cret')).toBe('+OK\r\n');
      expect(await other.call('CONFIG', 'SET', 'requirepass', '')).toBe('+OK\r\n');
      const third = await RawClient.connect(s.port);
      expect(await third.call('PING')).toBe('+PONG\r\n');
      other.close();
      third.close();
    });
  });

  test('maxclients refuses connections over the limit at once', async () => {
    await withServer({}, async (c, s) => {
      expect(await c.call('CONFIG', 'SET', 'maxclients', '2')).toBe('+OK\r\n');
      const second = await RawClient.connect(s.port);
      expect(await second.call('PING')).toBe('+PONG\r\n');
      const third = await RawClient.connect(s.port);
      expect(await third.reply()).toBe('-ERR max number of clients reached\r\n');
      await third.closedByServer();
      expect(await c.call('INFO', 'stats')).toMatch(/rejected_connections:1\r\n/);
      second.close();
    });
  });

  test('client-output-buffer-limit disconnects a subscriber that does not read', async () => {
    await withServer({}, async (c, s) => {
      expect(await c.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 0 0')).toBe('+OK\r\n');
      const slow = await RawClient.connect(s.port);
      await slow.call('PING');
      const sub = lastClient(s);
      s.server.pubsub.subscribe('channel', sub, 'news');
      slow.socket.pause();
      const payload = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 400 && !sub.closed; i++) {
        s.server.pubsub.publish('news', payload);
        s.server.flushPending();
        await new Promise((r) => setImmediate(r));
      }
      expect(sub.closed).toBe(true);
      expect(s.server.stats.outputBufferLimitDisconnections).toBe(1);
      expect(await c.call('PING')).toBe('+PONG\r\n');
      slow.close();
    });
  });

  test('hz, slowlog and latency settings reach the server', async () => {
    await withServer({}, async (c, s) => {
      expect(await c.call('CONFIG', 'SET', 'hz', '50', 'slowlog-log-slower-than', '-1', 'latency-monitor-threshold', '5')).toBe('+OK\r\n');
      expect(await c.call('INFO', 'server')).toMatch(/\r\nhz:50\r\nconfigured_hz:50\r\n/);
      expect(s.server.slowlogSlowerThan).toBe(-1);
      expect(await c.call('CONFIG', 'SET', 'lua-time-limit', '250')).toBe('+OK\r\n');
      expect(s.server.busyReplyThreshold).toBe(250);
      expect(await c.call('CONFIG', 'GET', 'busy-reply-threshold')).toBe('*2\r\n$20\r\nbusy-reply-threshold\r\n$3\r\n250\r\n');
      expect(s.server.latencyThreshold).toBe(5);
      await c.call('PING');
      expect(await c.call('SLOWLOG', 'LEN')).toBe(':0\r\n');
    });
  });
});

describe('ElastiCache mode', () => {
  test('restricted commands are unknown commands, restricted subcommands unknown subcommands', async () => {
    await withServer({ elasticache: true }, async (c) => {
      expect(await c.call('CONFIG', 'GET', '*')).toBe("-ERR unknown command 'CONFIG', with args beginning with: 'GET' '*' \r\n");
      expect(await c.call('config', 'set', 'hz', '1')).toBe("-ERR unknown command 'config', with args beginning with: 'set' 'hz' '1' \r\n");
      for (const name of ['SAVE', 'BGSAVE', 'BGREWRITEAOF', 'DEBUG', 'SHUTDOWN']) {
        expect({ name, reply: await c.call(name) }).toEqual({ name, reply: `-ERR unknown command '${name}', with args beginning with: \r\n` });
      }
      // What ElastiCache keeps is there.
      expect(await c.call('CLIENT', 'ID')).toMatch(/^:\d+\r\n$/);
      expect(await c.call('INFO', 'server')).toMatch(/^\$\d+\r\n# Server\r\n/);
      expect(await c.call('SLOWLOG', 'LEN')).toBe(':0\r\n');
      expect(await c.call('COMMAND', 'INFO', 'config')).toMatch(/^\*1\r\n\*10\r\n\$6\r\nconfig\r\n/);
      expect(await c.call('MONITOR')).toBe('+OK\r\n');
    });
  });

  test('the list matches the service documentation', () => {
    expect([...ELASTICACHE_RESTRICTED].sort()).toEqual([
      'acl|deluser', 'acl|load', 'acl|save', 'acl|setuser', 'bgrewriteaof', 'bgsave', 'cluster|addslots', 'cluster|addslotsrange',
      'cluster|bumpepoch', 'cluster|delslots', 'cluster|delslotsrange', 'cluster|failover', 'cluster|flushslots', 'cluster|forget',
      'cluster|links', 'cluster|meet', 'cluster|setslot', 'config', 'debug', 'migrate', 'psync', 'replicaof', 'save', 'shutdown',
      'slaveof', 'sync',
    ]);
  });

  test('the same commands work in plain mode', async () => {
    await withServer({}, async (c) => {
      expect(await c.call('CONFIG', 'GET', 'maxmemory')).toBe('*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n');
      expect(await c.call('SAVE')).toBe('+OK\r\n');
      expect(await c.call('BGSAVE')).toBe('+Background saving started\r\n');
    });
  });
});

describe('redis-benchmark', () => {
  test('runs against the engine: it reads the configuration with CONFIG GET first', async () => {
    const s = await startRedisServer();
    try {
      // An asynchronous child: this process's event loop must keep serving the benchmark.
      const out = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn('redis-benchmark', ['-h', '127.0.0.1', '-p', String(s.port), '-t', 'set,get', '-n', '2000', '-c', '4', '-q']);
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => { stdout += d; });
        child.stderr.on('data', (d) => { stderr += d; });
        child.on('exit', (status) => resolve({ status, stdout, stderr }));
      });
      expect(out.status).toBe(0);
      expect(out.stdout).toMatch(/SET: [\d.]+ requests per second/);
      expect(out.stdout).toMatch(/GET: [\d.]+ requests per second/);
      const getCmd = s.server.commands.get('config')?.subcommands?.get('get');
      expect(getCmd?.calls).toBeGreaterThanOrEqual(1);
      expect(getCmd?.failedCalls).toBe(0);
    } finally {
      await s.stop();
    }
  });
});
