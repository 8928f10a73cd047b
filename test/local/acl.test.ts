import { Sha256 } from '@aws-crypto/sha256-js';
import { createClient } from '@redis/client';
import { SignatureV4 } from '@smithy/signature-v4';
import * as fc from 'fast-check';
import Redis from 'ioredis';
import { RawClient } from './support';
import { FakeClock, RedisServer, RunningRedisServer, startRedisServer } from '../../src/local';
import { Acl, AclUser, KEY_READ, KEY_WRITE, sha256Hex } from '../../src/local/acl';
import { checkIamToken, iamTokenSignature, parseIamToken } from '../../src/local/iam';
import { globMatch } from '../../src/local/util/glob';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SIGNED_AT = Date.UTC(2026, 0, 1, 12, 0, 0);

/** An ElastiCache IAM token as applications make it: a SigV4-presigned connect request without `http://`. */
async function iamToken(options: {
  cacheId: string;
  user: string;
  serverless?: boolean;
  at?: number;
  expiresIn?: number;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  region?: string;
}): Promise<string> {
  const signer = new SignatureV4({
    service: 'elasticache',
    region: options.region ?? 'us-east-1',
    credentials: options.credentials ?? CREDENTIALS,
    sha256: Sha256,
  });
  const query: Record<string, string> = { Action: 'connect', User: options.user };
  if (options.serverless) query.ResourceType = 'ServerlessCache';
  const signed = await signer.presign(
    { method: 'GET', protocol: 'http:', hostname: options.cacheId, path: '/', query, headers: { host: options.cacheId } },
    { expiresIn: options.expiresIn ?? 900, signingDate: new Date(options.at ?? SIGNED_AT) },
  );
  const qs = Object.entries(signed.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  return `${signed.hostname}${signed.path}?${qs}`;
}

/** Runs requests on one connection and returns the raw replies. */
async function replies(port: number, requests: string[][]): Promise<string[]> {
  const c = await RawClient.connect(port);
  const out: string[] = [];
  for (const argv of requests) out.push(await c.call(...argv));
  c.close();
  return out;
}

describe('ACL rule engine', () => {
  const server = new RedisServer({ engine: 'redis', version: '7.0.15' });
  const acl = server.acl;
  const cmd = (name: string) => {
    const [base, sub] = name.split('|');
    const c = server.lookupCommand(base);
    const found = sub === undefined ? c : c?.subcommands?.get(sub);
    if (found === undefined) throw new Error(`no command ${name}`);
    return found;
  };
  const user = (...rules: string[]): AclUser => {
    expect(acl.setUser('t', rules)).toBeNull();
    return acl.users.get('t') as AclUser;
  };
  afterEach(() => acl.users.delete('t'));

  test('allowsAll is true exactly when a selector allows every command, key and channel', () => {
    expect(acl.defaultUser.allowsAll).toBe(true);
    expect(user('reset', '+@all', '~*', '&*').allowsAll).toBe(true);
    expect(user('reset', '+@all', '%RW~*', '&*').allowsAll).toBe(true);
    expect(user('reset', '+@all', '%R~*', '%W~*', '&*').allowsAll).toBe(true);
    expect(user('reset', '+@all', '%R~*', '&*').allowsAll).toBe(false);
    expect(user('reset', '+@all', '~*', '&*', '-get').allowsAll).toBe(false);
    expect(user('+get').allowsAll).toBe(true);
    expect(user('reset', '+@all', '~*').allowsAll).toBe(false);
    expect(user('reset', '~*', '&*', '-@all', '+@read', '+@write', '+@admin', '+@fast', '+@slow').allowsAll).toBe(true);
    expect(user('reset', '-@all', '(~* &* +@all)').allowsAll).toBe(true);
    expect(user('clearselectors').allowsAll).toBe(false);
    // Commands that need no authentication are allowed whatever the rules say.
    expect(user('reset', '~*', '&*', '+@all', '-auth', '-hello', '-quit').allowsAll).toBe(true);
  });

  test('a user that allows everything is never checked on the dispatch path', async () => {
    const s = await startRedisServer();
    const check = jest.spyOn(s.server.acl.defaultUser, 'permits');
    expect(await replies(s.port, [['SET', 'k', 'v'], ['GET', 'k']])).toEqual(['+OK\r\n', '$1\r\nv\r\n']);
    expect(check).not.toHaveBeenCalled();
    s.server.defineUser('default +@all -flushall');
    expect(await replies(s.port, [['GET', 'k'], ['FLUSHALL']])).toEqual(['$1\r\nv\r\n', "-NOPERM User default has no permissions to run the 'flushall' command\r\n"]);
    expect(check).toHaveBeenCalledTimes(2);
    await s.stop();
  });

  test('key permissions follow each key\'s specification: access needs read, insert/update/delete need write', () => {
    const read = user('reset', '+@all', '%R~r*');
    expect(read.permits(cmd('get'), ['GET', 'r1'])).toBeNull();
    expect(read.permits(cmd('set'), ['SET', 'r1', 'v'])).toEqual({ reason: 'key', object: 'r1', index: 1 });
    // PFCOUNT's key is RW but only `access` (checked against redis-server 7.0.15): read suffices.
    expect(read.permits(cmd('pfcount'), ['PFCOUNT', 'r1'])).toBeNull();
    // INCR reads and updates its key: it needs both.
    expect(read.permits(cmd('incr'), ['INCR', 'r1'])).toEqual({ reason: 'key', object: 'r1', index: 1 });
    const both = user('reset', '+@all', '%R~r*', '%W~r*');
    expect(both.permits(cmd('incr'), ['INCR', 'r1'])).toBeNull();
    // SINTERSTORE writes its destination and only reads its sources.
    const store = user('reset', '+@all', '%W~dest', '%R~src*');
    expect(store.permits(cmd('sinterstore'), ['SINTERSTORE', 'dest', 'src1', 'src2'])).toBeNull();
    expect(store.permits(cmd('sinterstore'), ['SINTERSTORE', 'src1', 'dest'])).toEqual({ reason: 'key', object: 'src1', index: 1 });
    // EXISTS neither reads nor writes the value: any pattern that matches will do.
    const existsOnly = user('reset', '+@all', '%W~e*');
    expect(existsOnly.permits(cmd('exists'), ['EXISTS', 'e1'])).toBeNull();
    const write = user('reset', '+@all', '%W~w*');
    expect(write.permits(cmd('set'), ['SET', 'w1', 'v'])).toBeNull();
    expect(write.permits(cmd('mget'), ['MGET', 'w1', 'w2'])).toEqual({ reason: 'key', object: 'w1', index: 1 });
  });

  test('key patterns match as globs (literal and prefix patterns take a shortcut)', () => {
    const text = (chars: string[]) => fc.array(fc.constantFrom(...chars), { maxLength: 8 }).map((a) => a.join(''));
    const pattern = text(['a', 'b', ':', '*', '?', '[', ']', '\\', '^', '-']);
    const key = text(['a', 'b', ':', '*', '?', '[', ']', '\\']);
    fc.assert(fc.property(pattern, fc.array(key, { minLength: 1, maxLength: 5 }), (p, keys) => {
      const u = user('reset', '+@all', `~${p}`);
      for (const k of keys) {
        if (u.root.keyAllowed(k, 3) !== globMatch(p, k)) return false;
      }
      return true;
    }), { numRuns: 2000 });
  });

  test('access to every key, for commands that reach keys their arguments do not name (SORT BY/GET)', () => {
    const sort = cmd('sort_ro');
    const argv = ['SORT_RO', 'list', 'BY', 'w_*'];
    expect(acl.defaultUser.permitsAllKeys(sort, argv, KEY_READ)).toBe(true);
    expect(user('reset', '+@all', '~list').permitsAllKeys(sort, argv, KEY_READ)).toBe(false);
    expect(user('reset', '+@all', '%R~*').permitsAllKeys(sort, argv, KEY_READ)).toBe(true);
    expect(user('reset', '+@all', '%R~*').permitsAllKeys(sort, argv, KEY_WRITE)).toBe(false);
    expect(user('reset', '-@all', '+get', '~*').permitsAllKeys(sort, argv, KEY_READ)).toBe(false);
    expect(user('reset', '+sort_ro', '~list', '(%R~* +sort_ro)').permitsAllKeys(sort, argv, KEY_READ)).toBe(true);
    expect(user('reset', '+sort_ro', '~list', '(%R~* +get)').permitsAllKeys(sort, argv, KEY_READ)).toBe(false);
  });

  test('channels: globs for channels, literal equality for PSUBSCRIBE patterns, shard channels are not keys', () => {
    const u = user('reset', '+@all', 'resetkeys', 'resetchannels', '&news.*', '&[ab]');
    expect(u.permits(cmd('publish'), ['PUBLISH', 'news.eu', 'm'])).toBeNull();
    expect(u.permits(cmd('publish'), ['PUBLISH', 'a', 'm'])).toBeNull();
    expect(u.permits(cmd('publish'), ['PUBLISH', 'c', 'm'])).toEqual({ reason: 'channel', object: 'c', index: 1 });
    expect(u.permits(cmd('psubscribe'), ['PSUBSCRIBE', 'news.*'])).toBeNull();
    expect(u.permits(cmd('psubscribe'), ['PSUBSCRIBE', 'news.e*'])).toEqual({ reason: 'channel', object: 'news.e*', index: 1 });
    expect(u.permits(cmd('ssubscribe'), ['SSUBSCRIBE', 'a', 'b', 'x'])).toEqual({ reason: 'channel', object: 'x', index: 3 });
    expect(u.permits(cmd('spublish'), ['SPUBLISH', 'b', 'm'])).toBeNull();
    expect(u.permits(cmd('unsubscribe'), ['UNSUBSCRIBE', 'x'])).toBeNull();
    expect(u.permits(cmd('get'), ['GET', 'k'])).toEqual({ reason: 'key', object: 'k', index: 1 });
  });

  test('the refusal reported across selectors: channel over key over command, then the later argument', () => {
    const u = user('reset', 'resetchannels', '-@all', '+mget', '~a*', '(~b* +mget)', '(+publish &p*)');
    // The root selector stops at b1 (index 2), the first `(...)` at a1 (index 1).
    expect(u.permits(cmd('mget'), ['MGET', 'a1', 'b1', 'c1'])).toEqual({ reason: 'key', object: 'b1', index: 2 });
    expect(u.permits(cmd('mget'), ['MGET', 'b1', 'a1'])).toEqual({ reason: 'key', object: 'a1', index: 2 });
    expect(u.permits(cmd('publish'), ['PUBLISH', 'q', 'm'])).toEqual({ reason: 'channel', object: 'q', index: 1 });
    expect(u.permits(cmd('get'), ['GET', 'a1'])).toEqual({ reason: 'command', object: 'get', index: 0 });
    expect(u.permits(cmd('pubsub|numsub'), ['PUBSUB', 'NUMSUB'])).toEqual({ reason: 'command', object: 'pubsub|numsub', index: 0 });
  });

  test('first arguments of an otherwise refused command', () => {
    const u = user('reset', '~*', '+select|0', '+select|Two');
    expect(u.permits(cmd('select'), ['SELECT', '0'])).toBeNull();
    expect(u.permits(cmd('select'), ['SELECT', 'two'])).toBeNull();
    expect(u.permits(cmd('select'), ['SELECT', '1'])).toEqual({ reason: 'command', object: 'select', index: 0 });
    expect(u.root.describeCommands('7.0')).toBe('-@all +select|0 +select|Two');
    expect(u.root.describeCommands('7.2')).toBe('-@all +select|0 +select|two');
    expect(user('-select').root.describeCommands('7.0')).toBe('-@all');
  });

  test('7.2 and Valkey keep the command rules as given, a later rule replacing an earlier one for the same command', () => {
    const u = user('reset', '+@read', '-get', '+pubsub|channels', '+@READ', '-pubsub', '+get', '+select|0', '-@all', '+@write', '+set', '-SET');
    expect(u.root.describeCommands('7.2')).toBe('-@all +@write -set');
    const v = user('reset', '+@all', '-pubsub|numpat', '+@read', '-pubsub', '+pubsub|help', '-@read');
    expect(v.root.describeCommands('7.2')).toBe('+@all -pubsub +pubsub|help -@read');
    expect(v.describe('7.2')).toBe('off sanitize-payload resetchannels +@all -pubsub +pubsub|help -@read');
  });

  test('passwords: hashes in the order added, nopass and resetpass', () => {
    const u = user('reset', 'on', '>b', '>a', `#${sha256Hex('c')}`, '>b');
    expect([...u.passwords]).toEqual([sha256Hex('b'), sha256Hex('a'), sha256Hex('c')]);
    expect(acl.authenticate('t', 'c', 0)).toBe(u);
    expect(acl.authenticate('t', 'd', 0)).toBeNull();
    user('<a', 'nopass');
    expect(acl.authenticate('t', 'anything', 0)).toBe(u);
    user('resetpass');
    expect(acl.authenticate('t', '', 0)).toBeNull();
    expect(acl.setUser('t', ['<gone'])).toBe("Error in ACL SETUSER modifier '<gone': The password you are trying to remove from the user does not exist");
  });

  test('requirepass sets the default user\'s only password', () => {
    const a = new Acl(server.commandList);
    expect(a.authRequired).toBe(false);
    a.setRequirePass('one');
    a.setRequirePass('two');
    expect(a.authRequired).toBe(true);
    expect([...a.defaultUser.passwords]).toEqual([sha256Hex('two')]);
    a.setRequirePass('');
    expect(a.authRequired).toBe(false);
    expect(a.defaultUser.describe('7.0')).toBe('on nopass ~* &* +@all');
  });
});

describe('ACL wording by engine', () => {
  let servers: RunningRedisServer[] = [];
  const start = async (engine: 'valkey' | 'redis', version?: string) => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const s = await startRedisServer({ engine, version, clock, users: ['alice on >pw ~k* resetchannels &c -@all +get +set +publish +@connection'] });
    servers.push(s);
    return { s, clock };
  };
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    servers = [];
  });

  test.each([
    ['valkey', undefined, "-NOPERM User alice has no permissions to run the 'del' command\r\n", '-NOPERM No permissions to access a key\r\n', '-NOPERM No permissions to access a channel\r\n'],
    ['redis', '7.2.4', "-NOPERM User alice has no permissions to run the 'del' command\r\n", '-NOPERM No permissions to access a key\r\n', '-NOPERM No permissions to access a channel\r\n'],
    ['redis', undefined, "-NOPERM User alice has no permissions to run the 'del' command\r\n", '-NOPERM No permissions to access a key\r\n', '-NOPERM No permissions to access a channel\r\n'],
    ['redis', '7.0.7', "-NOPERM this user has no permissions to run the 'del' command\r\n", '-NOPERM this user has no permissions to access one of the keys used as arguments\r\n', '-NOPERM this user has no permissions to access one of the channels used as arguments\r\n'],
    ['redis', '6.2.6', "-NOPERM this user has no permissions to run the 'del' command\r\n", '-NOPERM this user has no permissions to access one of the keys used as arguments\r\n', '-NOPERM this user has no permissions to access one of the channels used as arguments\r\n'],
  ] as const)('NOPERM replies: %s %s', async (engine, version, command, key, channel) => {
    const { s } = await start(engine, version);
    expect(await replies(s.port, [['AUTH', 'alice', 'pw'], ['DEL', 'k'], ['GET', 'x'], ['PUBLISH', 'd', 'm'], ['GET', 'k']])).toEqual(['+OK\r\n', command, key, channel, '$-1\r\n']);
  });

  test('Valkey: DRYRUN, GETUSER rules, LOAD/SAVE and HELP in its own words', async () => {
    const { s } = await start('valkey');
    s.server.defineUser('alice +del -del +@hyperloglog -@hyperloglog');
    const out = await replies(s.port, [
      ['ACL', 'DRYRUN', 'alice', 'DEL', 'k'], ['ACL', 'DRYRUN', 'alice', 'GET', 'x'], ['ACL', 'DRYRUN', 'alice', 'PUBLISH', 'd', 'm'],
      ['ACL', 'DRYRUN', 'alice', 'GET', 'k'], ['ACL', 'LIST'], ['ACL', 'LOAD'], ['ACL', 'HELP'],
    ]);
    expect(out.slice(0, 4)).toEqual([
      "$54\r\nUser alice has no permissions to run the 'del' command\r\n",
      "$51\r\nUser alice has no permissions to access the 'x' key\r\n",
      "$55\r\nUser alice has no permissions to access the 'd' channel\r\n",
      '+OK\r\n',
    ]);
    expect(out[4]).toContain('user alice on #' + sha256Hex('pw') + ' ~k* resetchannels &c -@all +get +set +publish +@connection -del -@hyperloglog\r\n');
    expect(out[5]).toBe('-ERR This instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a configuration file set) in order to store users in the configuration.\r\n');
    expect(out[6]).toMatch(/^\*29\r\n\+ACL <subcommand>.*\+HELP\r\n\+    Print this help\.\r\n$/s);
  });

  test('ACL LOG: Valkey adds entry ids and timestamps; similar events within a minute share an entry', async () => {
    const { s, clock } = await start('valkey');
    const t0 = clock.now();
    const c = await RawClient.connect(s.port);
    const admin = await RawClient.connect(s.port);
    expect(await c.call('AUTH', 'alice', 'pw')).toBe('+OK\r\n');
    expect(await c.call('GET', 'x')).toBe('-NOPERM No permissions to access a key\r\n');
    clock.advance(30_000);
    expect(await c.call('GET', 'x')).toBe('-NOPERM No permissions to access a key\r\n');
    clock.advance(60_001);
    expect(await c.call('GET', 'x')).toBe('-NOPERM No permissions to access a key\r\n');
    expect(await c.call('AUTH', 'alice', 'nope')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    clock.advance(1500);
    const entry = (count: number, reason: string, object: string, age: string, info: string, id: number, created: number, updated: number) =>
      '*20\r\n$5\r\ncount\r\n:' + count + '\r\n$6\r\nreason\r\n$' + reason.length + '\r\n' + reason + '\r\n$7\r\ncontext\r\n$8\r\ntoplevel\r\n' +
      '$6\r\nobject\r\n$' + object.length + '\r\n' + object + '\r\n$8\r\nusername\r\n$5\r\nalice\r\n$11\r\nage-seconds\r\n$' + age.length + '\r\n' + age + '\r\n' +
      '$11\r\nclient-info\r\n$' + info.length + '\r\n' + info + '\r\n$8\r\nentry-id\r\n:' + id + '\r\n$17\r\ntimestamp-created\r\n:' + created + '\r\n' +
      '$22\r\ntimestamp-last-updated\r\n:' + updated + '\r\n';
    const log = await admin.call('ACL', 'LOG');
    const infos = [...log.matchAll(/\$\d+\r\n(id=[^\r]*)\r\n/g)].map((m) => m[1]);
    expect(infos).toHaveLength(3);
    expect(infos[0]).toMatch(/ cmd=auth user=alice /);
    expect(infos[1]).toMatch(/ cmd=get user=alice /);
    expect(log).toBe('*3\r\n' +
      entry(1, 'auth', 'AUTH', '1.5', infos[0], 2, t0 + 90_001, t0 + 90_001) +
      entry(1, 'key', 'x', '1.5', infos[1], 1, t0 + 90_001, t0 + 90_001) +
      entry(2, 'key', 'x', '61.501', infos[2], 0, t0, t0 + 30_000));
    expect(await admin.call('ACL', 'LOG', 'RESET')).toBe('+OK\r\n');
    expect(await admin.call('ACL', 'LOG')).toBe('*0\r\n');
    c.close();
    admin.close();
  });

  test('Redis 7.0: seven fields per ACL LOG entry, ages with %.17g', async () => {
    const { s, clock } = await start('redis', '7.0.15');
    const c = await RawClient.connect(s.port);
    expect(await c.call('AUTH', 'alice', 'pw')).toBe('+OK\r\n');
    expect(await c.call('SET', 'x', 'v')).toBe('-NOPERM this user has no permissions to access one of the keys used as arguments\r\n');
    clock.advance(100);
    expect(await c.call('HELLO', '3')).toMatch(/^%7\r\n/);
    const log = await replies(s.port, [['HELLO', '3'], ['ACL', 'LOG']]);
    expect(log[1]).toMatch(/^\*1\r\n%7\r\n\$5\r\ncount\r\n:1\r\n\$6\r\nreason\r\n\$3\r\nkey\r\n\$7\r\ncontext\r\n\$8\r\ntoplevel\r\n\$6\r\nobject\r\n\$1\r\nx\r\n\$8\r\nusername\r\n\$5\r\nalice\r\n\$11\r\nage-seconds\r\n,0.10000000000000001\r\n\$11\r\nclient-info\r\n\$\d+\r\nid=\d+ addr=127\.0\.0\.1:\d+ .* cmd=set user=alice redir=-1 resp=2\r\n$/);
    c.close();
  });
});

describe('users from options, defineUser and ElastiCache access strings', () => {
  test('startRedisServer({ users }) defines users; invalid rules fail the start with the reason', async () => {
    const s = await startRedisServer({ users: ['app on >secret ~app:* +@read', 'ops on nopass +@all ~*'] });
    expect(await replies(s.port, [['AUTH', 'app', 'secret'], ['GET', 'app:1'], ['SET', 'app:1', 'v'], ['AUTH', 'ops', 'x'], ['SET', 'any', 'v'], ['ACL', 'WHOAMI']]))
      .toEqual(['+OK\r\n', '$-1\r\n', "-NOPERM User app has no permissions to run the 'set' command\r\n", '+OK\r\n', '+OK\r\n', '$3\r\nops\r\n']);
    await s.stop();
    await expect(startRedisServer({ users: ['bad on +nosuch'] })).rejects.toThrow(
      "Invalid ACL user 'bad on +nosuch': ERR Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL");
    expect(() => new RedisServer({ users: ['bad name (~x'] })).toThrow("ERR Unmatched parenthesis in acl selector starting at '(~x'.");
  });

  test('ElastiCache RBAC: access strings, users with two passwords, the default user switched off', async () => {
    // The rules the topology writes for a user group without a user named `default`.
    const s = await startRedisServer({
      elasticache: true,
      users: [
        'admin reset on ~* +@all >first-password-123 >second-password-456',
        'reader reset on ~app:* &* +@read -@dangerous >reader-password-123',
        'default off resetpass -@all',
      ],
    });
    const out = await replies(s.port, [
      ['GET', 'x'], ['AUTH', 'x'], ['AUTH', 'default', 'x'],
      ['AUTH', 'admin', 'first-password-123'], ['SET', 'app:1', 'v'], ['AUTH', 'admin', 'second-password-456'], ['ACL', 'WHOAMI'],
      ['AUTH', 'reader', 'reader-password-123'], ['GET', 'app:1'], ['GET', 'other'], ['SET', 'app:1', 'w'], ['PUBLISH', 'any', 'm'],
      ['INFO', 'server'], ['ACL', 'SETUSER', 'x'], ['ACL', 'WHOAMI'], ['AUTH', 'admin', 'first-password-123'], ['PUBLISH', 'any', 'm'],
    ]);
    expect(out).toEqual([
      '-NOAUTH Authentication required.\r\n',
      '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
      '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
      '+OK\r\n', '+OK\r\n', '+OK\r\n', '$5\r\nadmin\r\n',
      '+OK\r\n', '$1\r\nv\r\n', '-NOPERM No permissions to access a key\r\n',
      // +@read does not take in PUBLISH (@pubsub) or ACL WHOAMI (@slow only).
      "-NOPERM User reader has no permissions to run the 'set' command\r\n", "-NOPERM User reader has no permissions to run the 'publish' command\r\n",
      "-NOPERM User reader has no permissions to run the 'info' command\r\n",
      "-ERR unknown subcommand 'SETUSER'. Try ACL HELP.\r\n",
      "-NOPERM User reader has no permissions to run the 'acl|whoami' command\r\n",
      // Without channel rules a user has none (acl-pubsub-default resetchannels).
      '+OK\r\n', '-NOPERM No permissions to access a channel\r\n',
    ]);
    expect(s.server.acl.defaultUser.describe(s.server.acl.style)).toBe('off ~* &* -@all');
    await s.stop();
  });

  test('a user named default in the user group defines the default user', async () => {
    const s = await startRedisServer({ elasticache: true, users: ['default reset on ~app:* &* +@read >default-password-123'] });
    expect(await replies(s.port, [['GET', 'app:1'], ['AUTH', 'default-password-123'], ['GET', 'app:1'], ['GET', 'x'], ['SET', 'app:1', 'v']])).toEqual([
      '-NOAUTH Authentication required.\r\n', '+OK\r\n', '$-1\r\n', '-NOPERM No permissions to access a key\r\n',
      "-NOPERM User default has no permissions to run the 'set' command\r\n",
    ]);
    expect(s.server.acl.defaultUser.describe(s.server.acl.style)).toBe(`on sanitize-payload #${sha256Hex('default-password-123')} ~app:* &* -@all +@read`);
    await s.stop();
  });

  test('the password option is the default user\'s password (an AUTH token)', async () => {
    const s = await startRedisServer({ password: 'token-0123456789abcdef' });
    expect(await replies(s.port, [['GET', 'k'], ['AUTH', 'token-0123456789abcdef'], ['ACL', 'GETUSER', 'default']])).toEqual([
      '-NOAUTH Authentication required.\r\n', '+OK\r\n',
      `*12\r\n$5\r\nflags\r\n*1\r\n$2\r\non\r\n$9\r\npasswords\r\n*1\r\n$64\r\n${sha256Hex('token-0123456789abcdef')}\r\n$8\r\ncommands\r\n$5\r\n+@all\r\n$4\r\nkeys\r\n$2\r\n~*\r\n$8\r\nchannels\r\n$2\r\n&*\r\n$9\r\nselectors\r\n*0\r\n`,
    ]);
    await s.stop();
  });
});

describe('IAM authentication tokens', () => {
  const auth = { cacheId: 'my-cache', serverless: false };
  const now = SIGNED_AT + 60_000;

  test('a token made by the SDK signer is accepted; the signature computed here is the signer\'s', async () => {
    const token = await iamToken({ cacheId: 'my-cache', user: 'app-user' });
    expect(token).toMatch(/^my-cache\/\?Action=connect&User=app-user&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-east-1%2Felasticache%2Faws4_request&X-Amz-Date=20260101T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=[0-9a-f]{64}$/);
    const parsed = parseIamToken(token);
    if (typeof parsed === 'string') throw new Error(parsed);
    expect(iamTokenSignature(parsed, CREDENTIALS.secretAccessKey)).toBe(parsed.signature);
    expect(checkIamToken(token, 'app-user', auth, now, CREDENTIALS)).toBeNull();
    expect(checkIamToken(token, 'app-user', auth, now)).toBeNull();
    expect(checkIamToken(token, 'app-user', { cacheId: 'MY-CACHE' }, now)).toBeNull();
  });

  test('session tokens and other regions are part of what is signed', async () => {
    const token = await iamToken({ cacheId: 'my-cache', user: 'app-user', region: 'eu-west-1', credentials: { ...CREDENTIALS, sessionToken: 'FQoGZXIvYXdzE/session+token==' } });
    expect(token).toContain('&X-Amz-Security-Token=FQoGZXIvYXdzE%2Fsession%2Btoken%3D%3D&');
    expect(checkIamToken(token, 'app-user', auth, now, CREDENTIALS)).toBeNull();
    expect(checkIamToken(token.replace('session%2Btoken', 'session%2Btokem'), 'app-user', auth, now, CREDENTIALS)).toBe('signature does not match');
  });

  test.each([
    ['the wrong user', { user: 'other' }, "token is for user 'other', not 'app-user'"],
    ['another cache', { cacheId: 'other-cache' }, "token is for 'other-cache', not 'my-cache'"],
    ['a serverless token for a node-based cache', { serverless: true }, "unexpected ResourceType 'ServerlessCache'"],
    ['an expired token', { at: SIGNED_AT - 841_000 }, 'token expired'],
    ['a token valid for more than 15 minutes', { expiresIn: 901 }, 'X-Amz-Expires above 900 seconds'],
    ['a token dated too far ahead', { at: now + 15 * 60_000 + 2000 }, 'token not valid yet'],
    ['other credentials', { credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'another-secret' } }, 'signature does not match'],
    ['an unknown access key', { credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: CREDENTIALS.secretAccessKey } }, "unknown access key 'AKIDOTHER'"],
  ] as const)('refuses %s', async (_what, change, reason) => {
    const token = await iamToken({ cacheId: 'my-cache', user: 'app-user', ...change });
    expect(checkIamToken(token, 'app-user', auth, now, CREDENTIALS)).toBe(reason);
  });

  test('a token expires exactly X-Amz-Expires seconds after X-Amz-Date', async () => {
    const token = await iamToken({ cacheId: 'my-cache', user: 'app-user', expiresIn: 60 });
    expect(checkIamToken(token, 'app-user', auth, SIGNED_AT + 60_000, CREDENTIALS)).toBeNull();
    expect(checkIamToken(token, 'app-user', auth, SIGNED_AT + 60_001, CREDENTIALS)).toBe('token expired');
  });

  test('serverless caches need ResourceType=ServerlessCache', async () => {
    const serverless = { cacheId: 'sless', serverless: true };
    expect(checkIamToken(await iamToken({ cacheId: 'sless', user: 'u', serverless: true }), 'u', serverless, now, CREDENTIALS)).toBeNull();
    expect(checkIamToken(await iamToken({ cacheId: 'sless', user: 'u' }), 'u', serverless, now, CREDENTIALS)).toBe('a serverless cache needs ResourceType=ServerlessCache');
  });

  test('malformed tokens', async () => {
    const good = await iamToken({ cacheId: 'my-cache', user: 'app-user' });
    const cases: Array<[string, string]> = [
      ['plain-password', 'not a presigned URL without its scheme (<cacheId>/?Action=connect&...)'],
      ['http://' + good, "malformed host 'http://my-cache'"],
      [good.replace('Action=connect', 'Action=login'), "Action must be connect, got 'login'"],
      [good.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1'), 'X-Amz-Algorithm must be AWS4-HMAC-SHA256'],
      [good.replace('%2Felasticache%2F', '%2Fs3%2F'), "credential scope service must be elasticache, got 's3'"],
      [good.replace('aws4_request', 'aws5_request'), 'credential scope must end with aws4_request'],
      [good.replace('20260101T120000Z', '20260101T12000Z'), 'malformed X-Amz-Date'],
      [good.replace('20260101T120000Z', '20260132T120000Z'), 'malformed X-Amz-Date'],
      [good.replace('20260101T120000Z', '20260102T120000Z'), 'credential scope date differs from X-Amz-Date'],
      [good.replace('X-Amz-Expires=900', 'X-Amz-Expires=0'), 'malformed X-Amz-Expires'],
      [good.replace(/X-Amz-Signature=[0-9a-f]{64}/, 'X-Amz-Signature=' + 'A'.repeat(64)), 'malformed X-Amz-Signature'],
      [good.replace(/&X-Amz-Signature=[0-9a-f]{64}/, ''), 'missing X-Amz-Signature'],
      [good + '&Extra=1', "unexpected query parameter 'Extra'"],
      [good + '&User=x', "duplicate query parameter 'User'"],
      [good.replace('User=app-user', 'User=%E0%A4%A'), "malformed query parameter 'User=%E0%A4%A'"],
    ];
    for (const [token, reason] of cases) expect({ token, reason: checkIamToken(token, 'app-user', auth, now, CREDENTIALS) }).toEqual({ token, reason });
  });

  test('AUTH and HELLO AUTH take tokens for IAM users; wrong or expired tokens get WRONGPASS', async () => {
    const clock = new FakeClock(now);
    const s = await startRedisServer({ clock, iamCredentials: CREDENTIALS, users: ['app-user on ~* +@all'] });
    const user = s.server.acl.users.get('app-user') as AclUser;
    user.iam = { cacheId: 'my-cache' };
    const token = await iamToken({ cacheId: 'my-cache', user: 'app-user' });
    const wrongUser = await iamToken({ cacheId: 'my-cache', user: 'someone' });
    const wrongpass = '-WRONGPASS invalid username-password pair or user is disabled.\r\n';
    const out = await replies(s.port, [
      ['AUTH', 'app-user', token], ['ACL', 'WHOAMI'], ['AUTH', 'app-user', wrongUser], ['AUTH', 'app-user', ''], ['AUTH', 'app-user', token.slice(0, -1) + (token.endsWith('0') ? '1' : '0')],
    ]);
    expect(out).toEqual(['+OK\r\n', '$8\r\napp-user\r\n', wrongpass, wrongpass, wrongpass]);
    const hello = await replies(s.port, [['HELLO', '3', 'AUTH', 'app-user', token], ['ACL', 'WHOAMI']]);
    expect(hello[0]).toMatch(/^%7\r\n/);
    expect(hello[1]).toBe('$8\r\napp-user\r\n');
    clock.advance(841_000);
    expect(await replies(s.port, [['AUTH', 'app-user', token], ['HELLO', '2', 'AUTH', 'app-user', token]])).toEqual([wrongpass, wrongpass]);
    const log = await replies(s.port, [['ACL', 'LOG', '1']]);
    expect(log[0]).toContain('$6\r\nreason\r\n$4\r\nauth\r\n$7\r\ncontext\r\n$8\r\ntoplevel\r\n$6\r\nobject\r\n$5\r\nHELLO\r\n$8\r\nusername\r\n$8\r\napp-user\r\n');
    // A disabled IAM user cannot authenticate with a valid token.
    s.server.defineUser('app-user off');
    clock.set(now);
    expect(await replies(s.port, [['AUTH', 'app-user', token]])).toEqual([wrongpass]);
    await s.stop();
  });
});

describe('real clients with ACL users', () => {
  let s: RunningRedisServer;
  beforeAll(async () => {
    s = await startRedisServer({ users: ['app on >app-password ~app:* &events +@all -@dangerous', 'iam-user on ~* +@all'] });
    (s.server.acl.users.get('iam-user') as AclUser).iam = { cacheId: 'my-cache' };
  });
  afterAll(() => s.stop());

  test('ioredis with username and password; NOPERM surfaces as a reply error', async () => {
    const io = new Redis({ port: s.port, username: 'app', password: 'app-password', lazyConnect: true, enableReadyCheck: false });
    await io.connect();
    expect(await io.set('app:1', 'v')).toBe('OK');
    expect(await io.get('app:1')).toBe('v');
    await expect(io.get('other')).rejects.toThrow('NOPERM No permissions to access a key');
    await expect(io.flushall()).rejects.toThrow("NOPERM User app has no permissions to run the 'flushall' command");
    expect(await io.call('ACL', 'WHOAMI')).toBe('app');
    io.disconnect();
  });

  test('node-redis over RESP3 with username and password', async () => {
    const nr = createClient({ socket: { port: s.port, host: '127.0.0.1' }, username: 'app', password: 'app-password', RESP: 3 });
    await nr.connect();
    expect(await nr.set('app:2', 'w')).toBe('OK');
    expect(await nr.get('app:2')).toBe('w');
    await expect(nr.get('nope')).rejects.toThrow('NOPERM No permissions to access a key');
    await expect(nr.publish('other', 'm')).rejects.toThrow('NOPERM No permissions to access a channel');
    expect(await nr.publish('events', 'm')).toBe(0);
    expect(await nr.sendCommand(['ACL', 'WHOAMI'])).toBe('app');
    await nr.close();
    const bad = createClient({ socket: { port: s.port, host: '127.0.0.1', reconnectStrategy: false }, username: 'app', password: 'nope', RESP: 3 });
    bad.on('error', () => undefined);
    await expect(bad.connect()).rejects.toThrow('WRONGPASS invalid username-password pair or user is disabled.');
  });

  test('ioredis authenticates an IAM user with a presigned token', async () => {
    const io = new Redis({ port: s.port, username: 'iam-user', password: await iamToken({ cacheId: 'my-cache', user: 'iam-user', at: Date.now() }), lazyConnect: true });
    await io.connect();
    expect(await io.call('ACL', 'WHOAMI')).toBe('iam-user');
    io.disconnect();
  });
});
