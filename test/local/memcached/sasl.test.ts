import { RawClient, binRequest, parseResponses } from './helpers';
import { MemcachedServer, startMemcachedServer } from '../../../src/local';

/** SASL PLAIN on the binary protocol, frame by frame (memcached with -S). */
describe('SASL frames', () => {
  let server: MemcachedServer;
  let c: RawClient;
  beforeEach(async () => {
    server = await startMemcachedServer({ sasl: { users: { app: 'pw', ü: 'ünïcode' } } });
    c = await RawClient.connect(server.port);
  });
  afterEach(async () => {
    c.close();
    await server.stop();
  });

  test('lists PLAIN and authenticates with an initial response', async () => {
    const list = parseResponses(await c.send(binRequest(0x20, { opaque: 1 }), 24 + 5));
    expect(list[0]).toMatchObject({ opcode: 0x20, status: 0, opaque: 1 });
    expect(list[0].value.toString()).toBe('PLAIN');
    const auth = parseResponses(await c.send(binRequest(0x21, { key: 'PLAIN', value: '\0app\0pw', opaque: 2 }), 24 + 13));
    expect(auth[0]).toMatchObject({ opcode: 0x21, status: 0, opaque: 2 });
    expect(auth[0].value.toString()).toBe('Authenticated');
    const get = parseResponses(await c.send(binRequest(0x00, { key: 'x', opaque: 3 }), 24 + 9));
    expect(get[0]).toMatchObject({ status: 1, opaque: 3 });
  });

  test('without an initial response the server asks for one (AUTH_CONTINUE), then a step completes', async () => {
    const start = parseResponses(await c.send(binRequest(0x21, { key: 'PLAIN' }), 24));
    expect(start[0]).toMatchObject({ opcode: 0x21, status: 0x21 });
    expect(start[0].value).toHaveLength(0);
    const step = parseResponses(await c.send(binRequest(0x22, { key: 'PLAIN', value: Buffer.from('authz\0ü\0ünïcode') }), 24 + 13));
    expect(step[0]).toMatchObject({ opcode: 0x22, status: 0 });
    expect(step[0].value.toString()).toBe('Authenticated');
  });

  test('a wrong password or mechanism is AUTH_ERROR and the connection stays usable for retries', async () => {
    const bad = parseResponses(await c.send(binRequest(0x21, { key: 'PLAIN', value: '\0app\0nope' }), 24 + 13));
    expect(bad[0]).toMatchObject({ status: 0x20 });
    expect(bad[0].value.toString()).toBe('Auth failure.');
    const mech = parseResponses(await c.send(binRequest(0x21, { key: 'CRAM-MD5', value: 'x' }), 24 + 13));
    expect(mech[0]).toMatchObject({ status: 0x20 });
    const step = parseResponses(await c.send(binRequest(0x22, { key: 'PLAIN', value: '\0app\0pw' }), 24 + 13));
    expect(step[0]).toMatchObject({ status: 0x20 });
    const version = parseResponses(await c.send(binRequest(0x0b), 24 + 6));
    expect(version[0].value.toString()).toBe('1.6.18');
    const ok = parseResponses(await c.send(binRequest(0x21, { key: 'PLAIN', value: '\0app\0pw' }), 24 + 13));
    expect(ok[0]).toMatchObject({ status: 0 });
    // Stat packets end with an empty one carrying the request's opaque.
    const end = Buffer.from('811000000000000000000000000077770000000000000000', 'hex').toString('latin1');
    const all = await c.sendUntil(binRequest(0x10, { opaque: 0x7777 }), end);
    const values = new Map(parseResponses(Buffer.from(all, 'latin1')).map((r) => [r.key, r.value.toString()]));
    expect(values.get('auth_cmds')).toBe('4');
    expect(values.get('auth_errors')).toBe('3');
  });

  test('any other command before authentication is AUTH_ERROR and closes', async () => {
    const reply = parseResponses(await c.send(binRequest(0x00, { key: 'k', opaque: 5 }), 24 + 13));
    expect(reply[0]).toMatchObject({ status: 0x20, opaque: 5 });
    expect(await c.waitClosed()).toBe(true);
  });

  test('an oversized SASL payload is refused without buffering it', async () => {
    const header = binRequest(0x21, { key: 'PLAIN' });
    header.writeUInt32BE(5 + 50_000_000, 8);
    const reply = parseResponses(await c.send(header, 24 + 13));
    expect(reply[0]).toMatchObject({ status: 0x82 });
    expect(reply[0].value.toString()).toBe('Out of memory');
  });
});

describe('binary values of zero bytes', () => {
  test('complete without waiting for more input', async () => {
    const server = await startMemcachedServer();
    const c = await RawClient.connect(server.port);
    try {
      const set = binRequest(0x01, { key: 'empty', extras: Buffer.alloc(8) });
      const reply = parseResponses(await c.send(set, 24));
      expect(reply[0]).toMatchObject({ opcode: 0x01, status: 0 });
      const get = parseResponses(await c.send(binRequest(0x00, { key: 'empty' }), 28));
      expect(get[0]).toMatchObject({ status: 0 });
      expect(get[0].value).toHaveLength(0);
    } finally {
      c.close();
      await server.stop();
    }
  });
});
