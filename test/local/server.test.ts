import { createClient } from '@redis/client';
import Redis from 'ioredis';
import IoValkey from 'iovalkey';
import { RawClient } from './support';
import { FakeClock, RunningRedisServer, startRedisServer } from '../../src/local';

describe('startRedisServer', () => {
  let server: RunningRedisServer;
  let client: RawClient;
  beforeEach(async () => {
    server = await startRedisServer();
    client = await RawClient.connect(server.port);
  });
  afterEach(async () => {
    client.close();
    await server.stop();
  });

  test('listens on 127.0.0.1 on a free port', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
  });

  test('answers byte-exact replies', async () => {
    expect(await client.call('PING')).toBe('+PONG\r\n');
    expect(await client.call('PING', 'hi')).toBe('$2\r\nhi\r\n');
    expect(await client.call('ECHO', '')).toBe('$0\r\n\r\n');
    expect(await client.call('SET', 'k', 'v')).toBe('+OK\r\n');
    expect(await client.call('GET', 'k')).toBe('$1\r\nv\r\n');
    expect(await client.call('GET', 'missing')).toBe('$-1\r\n');
    expect(await client.call('DEL', 'k', 'missing')).toBe(':1\r\n');
  });

  test('unknown commands and wrong arity get the real server\'s errors and the connection survives', async () => {
    expect(await client.call('NOSUCH', 'a', 'b')).toBe("-ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' \r\n");
    expect(await client.call('GET')).toBe("-ERR wrong number of arguments for 'get' command\r\n");
    expect(await client.call('GET', 'a', 'b')).toBe("-ERR wrong number of arguments for 'get' command\r\n");
    expect(await client.call('PING')).toBe('+PONG\r\n');
  });

  test('the unknown-command error quotes at most 128 bytes of arguments', async () => {
    const reply = await client.call('NOSUCH', 'x'.repeat(200), 'y');
    expect(reply).toBe(`-ERR unknown command 'NOSUCH', with args beginning with: '${'x'.repeat(128)}' \r\n`);
  });

  test('pipelined requests are answered in order in one batch', async () => {
    const requests = Array.from({ length: 500 }, (_, i) => `*3\r\n$3\r\nSET\r\n$${String(i).length}\r\n${i}\r\n$1\r\nx\r\n`).join('') + 'DBSIZE\r\n';
    client.write(requests);
    for (let i = 0; i < 500; i++) expect(await client.reply()).toBe('+OK\r\n');
    expect(await client.reply()).toBe(':500\r\n');
  });

  test('a protocol error is answered, then the connection closes; other clients are unaffected', async () => {
    const other = await RawClient.connect(server.port);
    client.write('*1\r\n$abc\r\n');
    expect(await client.reply()).toBe('-ERR Protocol error: invalid bulk length\r\n');
    await client.closedByServer();
    expect(await other.call('PING')).toBe('+PONG\r\n');
    other.close();
  });

  test('inline commands work as in redis-cli over telnet', async () => {
    client.write('SET "a key" "v\\x41"\r\nGET "a key"\r\n\r\n');
    expect(await client.reply()).toBe('+OK\r\n');
    expect(await client.reply()).toBe('$2\r\nvA\r\n');
  });

  test('SELECT switches databases and rejects bad indexes', async () => {
    await client.call('SET', 'k', '0');
    expect(await client.call('SELECT', '1')).toBe('+OK\r\n');
    expect(await client.call('GET', 'k')).toBe('$-1\r\n');
    expect(await client.call('SELECT', '16')).toBe('-ERR DB index is out of range\r\n');
    expect(await client.call('SELECT', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
  });

  test('HELLO 3 switches to RESP3 and answers with a map', async () => {
    const reply = await client.call('HELLO', '3');
    expect(reply).toMatch(/^%7\r\n\$6\r\nserver\r\n\$6\r\nvalkey\r\n\$7\r\nversion\r\n\$5\r\n8\.0\.2\r\n\$5\r\nproto\r\n:3\r\n\$2\r\nid\r\n:\d+\r\n\$4\r\nmode\r\n\$10\r\nstandalone\r\n\$4\r\nrole\r\n\$6\r\nmaster\r\n\$7\r\nmodules\r\n\*0\r\n$/);
    expect(await client.call('GET', 'missing')).toBe('_\r\n');
    expect(await client.call('HELLO', '4')).toBe('-NOPROTO unsupported protocol version\r\n');
  });

  test('stop() closes idle and busy connections promptly', async () => {
    const idle = await Promise.all([RawClient.connect(server.port), RawClient.connect(server.port)]);
    const started = Date.now();
    await server.stop();
    for (const c of idle) await c.closedByServer();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('authentication', () => {
  let server: RunningRedisServer;
  beforeAll(async () => {
    server = await startRedisServer({ password: 'correct-horse-battery' });
  });
  afterAll(() => server.stop());

  test('commands need AUTH first; a wrong password gets WRONGPASS', async () => {
    const c = await RawClient.connect(server.port);
    expect(await c.call('GET', 'k')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await c.call('AUTH', 'wrong')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    expect(await c.call('AUTH', 'correct-horse-battery')).toBe('+OK\r\n');
    expect(await c.call('GET', 'k')).toBe('$-1\r\n');
    c.close();
  });

  test('HELLO with AUTH authenticates and switches protocol at once', async () => {
    const c = await RawClient.connect(server.port);
    expect(await c.call('HELLO', '3')).toMatch(/^-NOAUTH HELLO must be called with the client already authenticated/);
    expect(await c.call('HELLO', '3', 'AUTH', 'default', 'correct-horse-battery')).toMatch(/^%7\r\n/);
    expect(await c.call('GET', 'k')).toBe('_\r\n');
    c.close();
  });

  test('the NOAUTH reply to HELLO suggests the syntax of the engine version', async () => {
    const suggestion = async (options: { engine: 'valkey' | 'redis'; version: string }): Promise<string> => {
      const node = await startRedisServer({ ...options, password: 'correct-horse-battery' });
      const c = await RawClient.connect(node.port);
      const reply = await c.call('HELLO', '3');
      c.close();
      await node.stop();
      return reply.replace(/^.*otherwise the (.*) option can be used.*\r\n$/s, '$1');
    };
    expect(await suggestion({ engine: 'redis', version: '6.2.6' })).toBe('HELLO AUTH <user> <pass>');
    expect(await suggestion({ engine: 'redis', version: '7.1.0' })).toBe('HELLO AUTH <user> <pass>');
    expect(await suggestion({ engine: 'redis', version: '7.2.4' })).toBe('HELLO <proto> AUTH <user> <pass>');
    expect(await suggestion({ engine: 'valkey', version: '7.2.4' })).toBe('HELLO <proto> AUTH <user> <pass>');
    expect(await suggestion({ engine: 'valkey', version: '8.0.2' })).toBe('HELLO <proto> AUTH <user> <pass>');
  });

  test('unauthenticated clients cannot send large frames', async () => {
    const c = await RawClient.connect(server.port);
    c.write('*20\r\n');
    expect(await c.reply()).toBe('-ERR Protocol error: unauthenticated multibulk length\r\n');
    await c.closedByServer();
  });

  test('ioredis and node-redis authenticate with the password', async () => {
    const io = new Redis({ port: server.port, password: 'correct-horse-battery', lazyConnect: true });
    await io.connect();
    expect(await io.set('a', '1')).toBe('OK');
    io.disconnect();
    const nr = createClient({ socket: { port: server.port, host: '127.0.0.1' }, password: 'correct-horse-battery', RESP: 3 });
    await nr.connect();
    expect(await nr.get('a')).toBe('1');
    await nr.close();
  });
});

describe('real clients', () => {
  let server: RunningRedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(() => server.stop());

  test('ioredis passes its ready check (INFO loading:0) and pipelines', async () => {
    const io = new Redis({ port: server.port, enableReadyCheck: true, lazyConnect: true });
    await io.connect();
    const results = await io.pipeline().set('p1', 'a').set('p2', 'b').get('p1').get('p2').exec();
    expect(results).toEqual([[null, 'OK'], [null, 'OK'], [null, 'a'], [null, 'b']]);
    io.disconnect();
  });

  test('node-redis opens with HELLO 3 and reads RESP3 replies', async () => {
    const nr = createClient({ socket: { port: server.port, host: '127.0.0.1' }, RESP: 3 });
    await nr.connect();
    expect(await nr.set('n', 'v', { EX: 100 })).toBe('OK');
    expect(await nr.ttl('n')).toBe(100);
    expect(await nr.get('n')).toBe('v');
    await nr.close();
  });

  test('iovalkey works unchanged', async () => {
    const v = new IoValkey({ port: server.port, lazyConnect: true });
    await v.connect();
    expect(await v.set('valkey', 'yes')).toBe('OK');
    expect(await v.get('valkey')).toBe('yes');
    v.disconnect();
  });

  test('binary values round-trip through ioredis Buffers', async () => {
    const io = new Redis({ port: server.port, lazyConnect: true });
    await io.connect();
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await io.set(Buffer.from([0xff, 0x00, 0x80]), bytes);
    expect((await io.getBuffer(Buffer.from([0xff, 0x00, 0x80])))?.equals(bytes)).toBe(true);
    io.disconnect();
  });
});

describe('expiry with an injected clock', () => {
  test('keys expire exactly at their millisecond deadline', async () => {
    const clock = new FakeClock();
    const server = await startRedisServer({ clock });
    const c = await RawClient.connect(server.port);
    expect(await c.call('SET', 'k', 'v', 'PX', '1500')).toBe('+OK\r\n');
    expect(await c.call('PTTL', 'k')).toBe(':1500\r\n');
    expect(await c.call('TTL', 'k')).toBe(':2\r\n');
    clock.advance(1499);
    expect(await c.call('GET', 'k')).toBe('$1\r\nv\r\n');
    clock.advance(1);
    expect(await c.call('GET', 'k')).toBe('$-1\r\n');
    expect(await c.call('TTL', 'k')).toBe(':-2\r\n');
    expect(server.server.stats.expiredKeys).toBe(1);
    c.close();
    await server.stop();
  });
});
