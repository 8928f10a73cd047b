import { FakeClock, RedisServerOptions, RunningRedisServer, startRedisServer } from '../../../src/local';
import { Client } from '../../../src/local/client';
import { decodeReply } from '../../../src/local/resp/decode';
import { RawClient } from '../support';

async function withServer(options: RedisServerOptions, run: (c: RawClient, s: RunningRedisServer) => Promise<void>): Promise<void> {
  const s = await startRedisServer(options);
  const c = await RawClient.connect(s.port);
  try {
    await run(c, s);
  } finally {
    c.close();
    await s.stop();
  }
}

/** The text of a bulk or verbatim reply. */
function body(reply: string): string {
  const v = decodeReply(reply, 0)?.value;
  if (v === undefined || (v.type !== 'bulk' && v.type !== 'verbatim')) throw new Error(`not a string reply: ${reply}`);
  return v.value;
}

/** CLIENT INFO as field → value. */
function fields(line: string): Map<string, string> {
  return new Map(line.trim().split(' ').map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)] as [string, string]));
}

function serverClient(s: RunningRedisServer, id: number): Client {
  return s.server.clients.get(id) as Client;
}

const idOf = async (c: RawClient) => Number((await c.call('CLIENT', 'ID')).slice(1, -2));

describe('CLIENT LIST layout by engine', () => {
  test('Redis OSS 7.0: the fields of redis-server 7.0, in its order', async () => {
    await withServer({ engine: 'redis', version: '7.0.15' }, async (c) => {
      const info = fields(body(await c.call('CLIENT', 'INFO')));
      expect([...info.keys()]).toEqual(['id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi',
        'qbuf', 'qbuf-free', 'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem', 'events', 'cmd', 'user', 'redir', 'resp']);
      expect(info.get('cmd')).toBe('client|info');
      expect(info.get('argv-mem')).toBe('10');
      expect(info.get('qbuf')).toBe('26');
      expect(Number(info.get('fd'))).toBeGreaterThan(2);
      expect(await c.call('CLIENT', 'SETINFO', 'lib-name', 'x')).toBe("-ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.\r\n");
      expect(await c.call('CLIENT', 'CAPA', 'redirect')).toBe("-ERR unknown subcommand 'CAPA'. Try CLIENT HELP.\r\n");
      expect(await c.call('CLIENT', 'KILL', 'MAXAGE', '1')).toBe('-ERR syntax error\r\n');
    });
  });

  test('Valkey 8: watch, lib-name, lib-ver and per-client totals; SETINFO, NO-TOUCH, CAPA, KILL MAXAGE', async () => {
    const clock = new FakeClock();
    await withServer({ clock }, async (c, s) => {
      expect(await c.call('CLIENT', 'SETINFO', 'LIB-NAME', 'my-lib')).toBe('+OK\r\n');
      expect(await c.call('CLIENT', 'SETINFO', 'lib-ver', '1.2.3')).toBe('+OK\r\n');
      expect(await c.call('CLIENT', 'SETINFO', 'lib-ver', 'a b')).toBe('-ERR lib-ver cannot contain spaces, newlines or special characters.\r\n');
      expect(await c.call('CLIENT', 'SETINFO', 'color', 'red')).toBe("-ERR Unrecognized option 'color'\r\n");
      expect(await c.call('CLIENT', 'NO-TOUCH', 'on')).toBe('+OK\r\n');
      expect(await c.call('CLIENT', 'CAPA', 'redirect', 'other')).toBe('+OK\r\n');
      const info = fields(body(await c.call('CLIENT', 'INFO')));
      expect([...info.keys()]).toEqual(['id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi',
        'watch', 'qbuf', 'qbuf-free', 'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem', 'events', 'cmd', 'user', 'redir',
        'resp', 'lib-name', 'lib-ver', 'tot-net-in', 'tot-net-out', 'tot-cmds']);
      expect(info.get('lib-name')).toBe('my-lib');
      expect(info.get('lib-ver')).toBe('1.2.3');
      expect(info.get('flags')).toBe('T');
      expect(info.get('tot-cmds')).toBe('6');
      expect(Number(info.get('tot-net-in'))).toBeGreaterThan(100);
      expect(serverClient(s, Number(info.get('id'))).capaRedirect).toBe(true);
      // MAXAGE: only connections at least that old.
      const young = await RawClient.connect(s.port);
      await young.call('PING');
      clock.advance(5000);
      const younger = await RawClient.connect(s.port);
      await younger.call('PING');
      expect(await c.call('CLIENT', 'KILL', 'MAXAGE', '0')).toBe('-ERR maxage should be greater than 0\r\n');
      expect(await c.call('CLIENT', 'KILL', 'MAXAGE', 'x')).toBe('-ERR maxage is not an integer or out of range\r\n');
      expect(await c.call('CLIENT', 'KILL', 'MAXAGE', '3')).toBe(':1\r\n');
      await young.closedByServer();
      expect(await younger.call('PING')).toBe('+PONG\r\n');
      younger.close();
    });
  });

  test('flags follow the connection state: pubsub, blocked, tracking, no-evict, closing', async () => {
    await withServer({ engine: 'redis', version: '7.0.15' }, async (c, s) => {
      const other = await RawClient.connect(s.port);
      const id = await idOf(other);
      const flagsOf = async () => fields(body(await c.call('CLIENT', 'LIST', 'ID', String(id)))).get('flags');
      expect(await flagsOf()).toBe('N');
      s.server.pubsub.subscribe('channel', serverClient(s, id), 'news');
      expect(await flagsOf()).toBe('P');
      expect(body(await c.call('CLIENT', 'LIST', 'TYPE', 'pubsub'))).toMatch(new RegExp(`^id=${id} .* sub=1 psub=0 ssub=0 `));
      expect(body(await c.call('CLIENT', 'LIST', 'TYPE', 'normal'))).not.toMatch(new RegExp(`^id=${id} `, 'm'));
      s.server.pubsub.removeClient(serverClient(s, id));
      expect(await other.call('CLIENT', 'TRACKING', 'on', 'BCAST')).toBe('+OK\r\n');
      expect(await other.call('CLIENT', 'NO-EVICT', 'on')).toBe('+OK\r\n');
      expect(await flagsOf()).toBe('tBe');
      other.write('*3\r\n$4\r\nWAIT\r\n$1\r\n1\r\n$1\r\n0\r\n');
      await new Promise((r) => setTimeout(r, 20));
      expect(await flagsOf()).toBe('btBe');
      expect(await c.call('CLIENT', 'UNBLOCK', String(id))).toBe(':1\r\n');
      expect(await other.reply()).toBe(':0\r\n');
      expect(await c.call('MONITOR')).toBe('+OK\r\n');
      expect(fields(body(await other.call('CLIENT', 'LIST', 'ID', String(await idOf(c))))).get('flags')).toBe('O');
      other.close();
    });
  });

  test('RESET ends tracking and MONITOR; NO-EVICT survives on Redis OSS 7.0 only', async () => {
    for (const [engine, version, flags] of [['redis', '7.0.15', 'e'], ['valkey', '8.0.2', 'N']] as const) {
      await withServer({ engine, version }, async (c) => {
        await c.call('CLIENT', 'TRACKING', 'on');
        await c.call('CLIENT', 'NO-EVICT', 'on');
        expect(await c.call('RESET')).toBe('+RESET\r\n');
        expect(fields(body(await c.call('CLIENT', 'INFO'))).get('flags')).toBe(flags);
        expect(await c.call('CLIENT', 'GETREDIR')).toBe(':-1\r\n');
      });
    }
  });
});

describe('client-side caching', () => {
  test('RESP2 clients get invalidations through a redirect subscribed to __redis__:invalidate', async () => {
    await withServer({}, async (c, s) => {
      const sub = await RawClient.connect(s.port);
      const subId = await idOf(sub);
      s.server.pubsub.subscribe('channel', serverClient(s, subId), '__redis__:invalidate');
      expect(await c.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', String(subId))).toBe('+OK\r\n');
      expect(await c.call('CLIENT', 'GETREDIR')).toBe(`:${subId}\r\n`);
      expect(await c.call('GET', 'k')).toBe('$-1\r\n');
      const writer = await RawClient.connect(s.port);
      expect(await writer.call('SET', 'k', 'v')).toBe('+OK\r\n');
      expect(await sub.reply()).toBe('*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n');
      expect(await c.silentFor(20)).toBe(true);
      // The redirect target goes away: the tracking client's flags say so (RESP2 gets no message).
      sub.close();
      await new Promise((r) => setTimeout(r, 30));
      expect(await c.call('GET', 'k')).toBe('$1\r\nv\r\n');
      expect(await writer.call('SET', 'k', 'w')).toBe('+OK\r\n');
      expect(await c.call('CLIENT', 'TRACKINGINFO')).toBe(
        `*6\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$15\r\nbroken_redirect\r\n$8\r\nredirect\r\n:${subId}\r\n$8\r\nprefixes\r\n*0\r\n`);
      expect(await c.silentFor(20)).toBe(true);
      writer.close();
    });
  });

  test('a RESP3 client whose redirect is gone is told tracking-redir-broken', async () => {
    await withServer({}, async (c, s) => {
      const target = await RawClient.connect(s.port);
      const targetId = await idOf(target);
      await c.call('HELLO', '3');
      await c.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', String(targetId));
      await c.call('GET', 'k');
      target.close();
      await new Promise((r) => setTimeout(r, 30));
      const writer = await RawClient.connect(s.port);
      await writer.call('SET', 'k', 'v');
      expect(await c.reply()).toBe(`>2\r\n$21\r\ntracking-redir-broken\r\n:${targetId}\r\n`);
      writer.close();
    });
  });

  test('the tracking table holds at most tracking-table-max-keys keys', async () => {
    await withServer({}, async (c, s) => {
      await c.call('HELLO', '3');
      expect(await c.call('CONFIG', 'SET', 'tracking-table-max-keys', '2')).toBe('+OK\r\n');
      await c.call('CLIENT', 'TRACKING', 'on');
      await c.call('GET', 'a');
      await c.call('GET', 'b');
      expect(s.server.tracking.totalKeys).toBe(2);
      // A third key pushes out the oldest, whose reader is told to forget it.
      expect(await c.call('GET', 'c')).toBe('_\r\n');
      expect(await c.reply()).toBe('>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n');
      expect(s.server.tracking.totalKeys).toBe(2);
      expect(await c.call('INFO', 'stats')).toMatch(/tracking_total_keys:2\r\ntracking_total_items:2\r\ntracking_total_prefixes:0\r\n/);
      expect(await c.call('INFO', 'clients')).toMatch(/tracking_clients:1\r\n/);
    });
  });

  test('keys that expire are invalidated too', async () => {
    const clock = new FakeClock();
    await withServer({ clock }, async (c) => {
      const reader = await RawClient.connect(c.socket.remotePort as number);
      await reader.call('HELLO', '3');
      await reader.call('CLIENT', 'TRACKING', 'on');
      await c.call('SET', 'k', 'v', 'PX', '100');
      expect(await reader.call('GET', 'k')).toBe('$1\r\nv\r\n');
      clock.advance(200);
      expect(await c.call('GET', 'k')).toBe('$-1\r\n');
      expect(await reader.reply()).toBe('>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n');
      reader.close();
    });
  });
});

describe('CLIENT PAUSE', () => {
  test('PAUSE ALL holds reads too; a longer pause extends it, UNPAUSE releases everyone in order', async () => {
    await withServer({}, async (c, s) => {
      const a = await RawClient.connect(s.port);
      const b = await RawClient.connect(s.port);
      expect(await c.call('CLIENT', 'PAUSE', '100000', 'WRITE')).toBe('+OK\r\n');
      expect(await c.call('CLIENT', 'PAUSE', '10', 'ALL')).toBe('+OK\r\n');
      expect(s.server.clientPause?.all).toBe(true);
      a.write('*2\r\n$4\r\nECHO\r\n$1\r\na\r\n');
      b.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nb\r\n');
      expect(await a.silentFor(60)).toBe(true);
      expect(await b.silentFor(0)).toBe(true);
      s.server.unpauseClients();
      expect(await a.reply()).toBe('$1\r\na\r\n');
      expect(await b.reply()).toBe('+OK\r\n');
      expect(s.server.clientPause).toBe(null);
      a.close();
      b.close();
    });
  });

  test('expired keys are not deleted while clients are paused', async () => {
    const clock = new FakeClock();
    await withServer({ clock }, async (c, s) => {
      await c.call('SET', 'k', 'v', 'PX', '10');
      expect(await c.call('CLIENT', 'PAUSE', '100000', 'WRITE')).toBe('+OK\r\n');
      clock.advance(50);
      expect(await c.call('GET', 'k')).toBe('$-1\r\n');
      expect(s.server.dbs[0].dict.has('k')).toBe(true);
      expect(await c.call('CLIENT', 'UNPAUSE')).toBe('+OK\r\n');
      expect(await c.call('GET', 'k')).toBe('$-1\r\n');
      expect(s.server.dbs[0].dict.has('k')).toBe(false);
    });
  });
});

describe('CLIENT KILL, UNBLOCK and REPLY details', () => {
  test('KILL by LADDR and SKIPME no; the old form may kill the caller', async () => {
    await withServer({}, async (c, s) => {
      const other = await RawClient.connect(s.port);
      await other.call('PING');
      const laddr = `127.0.0.1:${s.port}`;
      expect(await c.call('CLIENT', 'KILL', 'LADDR', laddr)).toBe(':1\r\n');
      await other.closedByServer();
      const self = fields(body(await c.call('CLIENT', 'INFO'))).get('addr') as string;
      expect(await c.call('CLIENT', 'KILL', self)).toBe('+OK\r\n');
      await c.closedByServer();
    });
  });

  test('UNBLOCK ERROR gives the blocked client the UNBLOCKED error; it then runs what it pipelined', async () => {
    await withServer({}, async (c, s) => {
      const blocked = await RawClient.connect(s.port);
      const id = await idOf(blocked);
      blocked.write('*3\r\n$4\r\nWAIT\r\n$1\r\n2\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n');
      await new Promise((r) => setTimeout(r, 20));
      expect(await c.call('INFO', 'clients')).toMatch(/blocked_clients:1\r\n/);
      expect(await c.call('CLIENT', 'UNBLOCK', String(id), 'error')).toBe(':1\r\n');
      expect(await blocked.reply()).toBe('-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
      expect(await blocked.reply()).toBe('+PONG\r\n');
      expect(await c.call('INFO', 'errorstats')).toMatch(/errorstat_UNBLOCKED:count=1\r\n/);
      blocked.close();
    });
  });

  test('REPLY OFF still delivers pushes (invalidations) but not replies', async () => {
    await withServer({}, async (c, s) => {
      await c.call('HELLO', '3');
      await c.call('CLIENT', 'TRACKING', 'on');
      await c.call('GET', 'k');
      c.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n*2\r\n$3\r\nGET\r\n$1\r\nx\r\n');
      await new Promise((r) => setTimeout(r, 20));
      const writer = await RawClient.connect(s.port);
      await writer.call('SET', 'k', 'v');
      expect(await c.reply()).toBe('>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n');
      expect(await c.call('CLIENT', 'REPLY', 'ON')).toBe('+OK\r\n');
      writer.close();
    });
  });
});
