import { createHash } from 'node:crypto';
import { CompatPair, Normalizer } from './harness';
import { decodeReply } from '../../src/local/resp/decode';
import { RawClient } from '../local/support';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * redis-server keeps commands in a hash table whose order changes with every process: the
 * commands ACL CAT lists and the single-command rules ACL GETUSER / LIST print after the
 * categories come in that order. The local engine prints them in command-table order. This
 * sorts each run of single-command rules (and nothing else) in every bulk string holding rules.
 */
function sortRuleRuns(text: string): string {
  const tokens: string[] = [];
  for (const t of text.split(' ')) {
    if (/^[+-][^@].*\)$/.test(t)) tokens.push(t.slice(0, -1), ')');
    else tokens.push(t);
  }
  const out: string[] = [];
  let run: string[] = [];
  const flush = () => {
    run.sort((a, b) => (a.slice(1) < b.slice(1) ? -1 : a.slice(1) > b.slice(1) ? 1 : a < b ? -1 : 1));
    out.push(...run);
    run = [];
  };
  for (const t of tokens) {
    if (/^[+-][^@]/.test(t)) {
      run.push(t);
    } else {
      flush();
      if (t === ')') out[out.length - 1] += ')';
      else out.push(t);
    }
  }
  flush();
  return out.join(' ');
}

/** Rewrites every bulk string of a raw reply with `fn` (lengths follow). */
function mapBulks(reply: string, fn: (s: string) => string): string {
  let out = '';
  let i = 0;
  while (i < reply.length) {
    const eol = reply.indexOf('\r\n', i);
    const line = reply.slice(i, eol);
    if (line[0] === '$' && line !== '$-1') {
      const len = Number(line.slice(1));
      const body = fn(reply.slice(eol + 2, eol + 2 + len));
      out += '$' + body.length + '\r\n' + body + '\r\n';
      i = eol + 2 + len + 2;
    } else {
      out += line + '\r\n';
      i = eol + 2;
    }
  }
  return out;
}

const rulesOrder: Normalizer = (r) => mapBulks(r, (s) => (s.includes('@all') ? sortRuleRuns(s) : s));

/** ACL LOG: the entry's age and the client line describe this process, not the behaviour. */
const logFields: Normalizer = (r) => {
  let next = '';
  return mapBulks(r, (s) => {
    const field = next;
    next = s;
    if (field === 'age-seconds') return '<age>';
    if (field === 'client-info') return '<client>';
    return s;
  }).replace(/,[0-9.e-]+\r\n/g, '$5\r\n<age>\r\n');
};

/** The bulk strings of a flat array reply. */
function bulks(reply: string): string[] {
  const decoded = decodeReply(reply, 0)?.value;
  if (decoded === undefined || decoded.type !== 'array') throw new Error(`not an array: ${JSON.stringify(reply)}`);
  return decoded.value.map((v) => ('value' in v ? String(v.value) : ''));
}

describe('ACL against redis-server', () => {
  let pair: CompatPair;
  let localNames: Set<string>;
  beforeAll(async () => {
    pair = await CompatPair.start();
    localNames = new Set();
    for (const cmd of pair.local.server.commandList) {
      localNames.add(cmd.fullName);
      for (const sub of cmd.subcommands?.values() ?? []) localNames.add(sub.fullName);
    }
  });
  afterAll(() => pair.stop());
  beforeEach(async () => {
    await pair.reset();
    for (const c of [pair.realClient, pair.localClient]) {
      const users = bulks(await c.call('ACL', 'USERS')).filter((u) => u !== 'default');
      if (users.length > 0) await c.call('ACL', 'DELUSER', ...users);
      await c.call('ACL', 'SETUSER', 'default', 'reset', 'on', 'nopass', '~*', '&*', '+@all');
      await c.call('ACL', 'LOG', 'RESET');
    }
  });

  /** Sends a request on a connection of each server and expects the same reply. */
  async function same(conn: { real: RawClient; local: RawClient }, argv: string[], normalize: Normalizer = (r) => r): Promise<void> {
    const [real, local] = await Promise.all([conn.real.call(...argv), conn.local.call(...argv)]);
    expect({ request: argv, reply: normalize(local) }).toEqual({ request: argv, reply: normalize(real) });
  }

  /** A connection to each server authenticated as `user` (with password `pw`). */
  async function as(user: string, pw = 'pw'): Promise<{ real: RawClient; local: RawClient }> {
    const conn = await pair.connectBoth();
    await same(conn, ['AUTH', user, pw]);
    return conn;
  }

  const RULE_SETS: string[][] = [
    ['u1'],
    ['u2', 'reset'],
    ['u3', 'on', '>pw1', '>pw2', '>pw1', 'nopass'],
    ['u4', 'on', '>a', '>b', '<a', `#${sha('c')}`, `!${sha('b')}`, '>d'],
    ['u5', 'on', 'nopass', 'resetpass', '>x'],
    ['u6', 'allkeys', 'allchannels', 'allcommands'],
    ['u7', '~a*', '~b*', '~a*', '%R~r*', '%W~w*', '%RW~x*', '%R~a*', '%w~lower', '%Wr~both'],
    ['u8', '~gone', 'resetkeys', '~after', '%R', '~'],
    ['u9', '&ch1', '&ch*', '&ch1', '&', 'resetchannels', '&c2', '&c3'],
    ['u10', '+@all', '-@dangerous'],
    ['u11', '-@all', '+@read', '-get', '+set'],
    ['u12', '+@all', '-@hyperloglog', '+pfcount'],
    ['u13', 'nocommands', '+get', '+pubsub|numsub', '+select|0', '+select|1', '+SELECT|1'],
    ['u14', '+pubsub', '-pubsub|channels'],
    ['u15', '+@all', '-pubsub', '+pubsub|help'],
    ['u16', '+@string', '-@write', '+@keyspace'],
    ['u17', 'on', '>p', '~k*', '(~s* +get)', '(%R~r* &c* +@read -@hyperloglog)', 'clearselectors', '(~x* +set)', '(&y allkeys)'],
    ['u18', '+@hyperloglog', '+@bitmap', '-pfdebug', '-bitop'],
    ['u19', '(~a*', '+get', '&x)', 'on', '(', ')', '()'],
    ['u20', 'ON', 'AllKeys', '+GET', '+@READ', '-@HyperLogLog', 'AllChannels'],
    ['u21', '+@all', '-@all', '+@transaction', '+@connection'],
    ['u22', 'skip-sanitize-payload', '', 'on'],
    ['u23', 'sanitize-payload', 'skip-sanitize-payload', 'sanitize-payload', 'off'],
    ['u24', '+get', '+select|0', '-select', '+select|2'],
    ['u25', '+@all', '-@pubsub', '+publish', '-@hyperloglog'],
    ['u26', '+@pubsub', '+incr', '-publish'],
    ['u27', '+pubsub|channels', '+pubsub|numpat', '-pubsub|numpat'],
  ];

  test('SETUSER rule forms: GETUSER, LIST and USERS in RESP2 and RESP3', async () => {
    for (const rules of RULE_SETS) await pair.expectSame([['ACL', 'SETUSER', ...rules]]);
    for (const rules of RULE_SETS) await pair.expectSame([['ACL', 'GETUSER', rules[0]]], rulesOrder);
    await pair.expectSame([['ACL', 'LIST'], ['ACL', 'USERS'], ['ACL', 'GETUSER', 'default'], ['ACL', 'GETUSER', 'nosuch']], rulesOrder);
    // Rules apply to an existing user in order.
    await pair.expectSame([
      ['ACL', 'SETUSER', 'u11', '+get', '~k', '&c'], ['ACL', 'GETUSER', 'u11'],
      ['ACL', 'SETUSER', 'u6', '-@all', '+@read', 'resetkeys', '%R~x'], ['ACL', 'GETUSER', 'u6'],
      ['ACL', 'SETUSER', 'u17', 'reset'], ['ACL', 'GETUSER', 'u17'],
    ], rulesOrder);
    await pair.both(['HELLO', '3']);
    for (const rules of RULE_SETS) await pair.expectSame([['ACL', 'GETUSER', rules[0]]], rulesOrder);
    await pair.expectSame([['ACL', 'LIST'], ['ACL', 'USERS'], ['ACL', 'GETUSER', 'default'], ['ACL', 'GETUSER', 'nosuch']], rulesOrder);
  });

  test('SETUSER errors name the rule, and a failed SETUSER changes nothing', async () => {
    const bad: string[][] = [
      ['bad name', 'on'], ['tab\tname'], ['x', 'bogus'], ['x', '+nosuchcmd'], ['x', '+@nosuchcat'], ['x', '-nosuch'],
      ['x', '+get|'], ['x', '+pubsub|nosuch'], ['x', '+pubsub|channels|x'], ['x', '-select|0'], ['x', '+'], ['x', '-'],
      ['x', '+@'], ['x', '~*', '~x'], ['x', 'allkeys', '%R~x'], ['x', '&*', '&x'], ['x', 'allchannels', '&y'],
      ['x', '#abc'], ['x', `#${sha('a').toUpperCase()}`], ['x', '!zz'], ['x', '<notset'], ['x', '~a b'], ['x', '&a b'],
      ['x', '%X~a'], ['x', '%RR~a'], ['x', '%RWR~a'], ['x', '(~x'], ['x', '(~x', 'on'], ['x', '(~x on)'], ['x', '(+nosuch)'],
      ['x', '(~a', '+get', '(~b', '+set)'], ['x', 'on', '>p', '~k', 'bogus'],
    ];
    for (const rules of bad) await pair.expectSame([['ACL', 'SETUSER', ...rules]]);
    await pair.expectSame([['ACL', 'GETUSER', 'x'], ['ACL', 'USERS']]);
    await pair.expectSame([
      ['ACL', 'SETUSER', 'y', 'on', '>p', '~k*'], ['ACL', 'SETUSER', 'y', 'off', '<p', '~more', '+nosuch'], ['ACL', 'GETUSER', 'y'],
      ['ACL', 'SETUSER'], ['ACL', 'SETUSER', 'default', 'resetkeys', '~x', '~*'], ['ACL', 'GETUSER', 'default'],
    ], rulesOrder);
  });

  test('NOPERM for commands, subcommands, read and write keys, channels', async () => {
    await pair.expectSame([['ACL', 'SETUSER', 'np', 'on', '>pw', '~k*', '%R~r*', '%W~w*', '&ch*', '+@all', '-flushall', '-pubsub|numpat']]);
    await pair.expectSame([['SET', 'r1', 'v'], ['SET', 'w1', 'v']]);
    const np = await as('np');
    const requests: string[][] = [
      ['FLUSHALL'], ['PUBSUB', 'NUMPAT'], ['PUBSUB', 'CHANNELS'], ['NOSUCH', 'x'], ['PUBSUB', 'NOSUCH'],
      ['GET', 'k1'], ['GET', 'r1'], ['GET', 'w1'], ['SET', 'w1', 'x'], ['SET', 'r1', 'x'], ['SET', 'k1', 'x'],
      ['MGET', 'k1', 'r1', 'w1'], ['MGET', 'k1', 'other'], ['MSET', 'k1', 'v', 'w1', 'v'], ['MSET', 'k2', 'v', 'r1', 'v'],
      ['DEL', 'w2'], ['DEL', 'r1'], ['UNLINK', 'k1', 'r1'], ['APPEND', 'w1', 'x'], ['APPEND', 'r1', 'x'], ['TTL', 'r1'], ['TTL', 'w1'],
      ['EXPIRE', 'r1', '100'], ['EXPIRE', 'w1', '100'], ['GETRANGE', 'r1', '0', '1'], ['SETRANGE', 'w1', '0', 'a'],
      ['SETRANGE', 'r1', '0', 'a'], ['LCS', 'r1', 'k1'], ['LCS', 'r1', 'w1'], ['BITCOUNT', 'w1'], ['GETBIT', 'r1', '0'],
      ['PUBLISH', 'ch1', 'x'], ['PUBLISH', 'other', 'x'], ['SPUBLISH', 'ch1', 'x'], ['SPUBLISH', 'other', 'x'],
      ['HSET', 'w2', 'f', 'v'], ['HSET', 'r2', 'f', 'v'], ['HGET', 'r2', 'f'], ['HGET', 'w2', 'f'], ['HGETALL', 'k2'],
      ['LPUSH', 'w3', 'a'], ['LRANGE', 'r3', '0', '-1'], ['LRANGE', 'w3', '0', '-1'], ['RPUSH', 'r3', 'a'],
      ['SADD', 'w4', 'a'], ['SMEMBERS', 'w4'], ['SMEMBERS', 'r4'], ['SREM', 'r4', 'a'], ['SINTER', 'r4', 'k4'], ['SINTER', 'r4', 'w4'],
      ['ZADD', 'w5', '1', 'a'], ['ZRANGE', 'r5', '0', '-1'], ['ZSCORE', 'w5', 'a'], ['ZREM', 'k5', 'a'],
      ['GET'], ['AUTH', 'np', 'pw'], ['PING'], ['ECHO', 'x'], ['ACL', 'WHOAMI'],
    ];
    for (const argv of requests) await same(np, argv);
    // Subscriptions: every channel is checked before any is subscribed; unsubscribing is free.
    for (const argv of [['SUBSCRIBE', 'ch1', 'other'], ['PSUBSCRIBE', 'c*'], ['PSUBSCRIBE', 'ch1x'], ['SSUBSCRIBE', 'other'], ['UNSUBSCRIBE', 'nope'], ['PUNSUBSCRIBE', 'x*']]) {
      await same(np, argv);
    }
    await same(np, ['PSUBSCRIBE', 'ch*']);
    await same(np, ['HELLO', '3'], (r) => r.replace(/:\d+\r\n\$4\r\nmode/, ':<id>\r\n$4\r\nmode'));
    for (const argv of [['SSUBSCRIBE', 'ch9'], ['SUBSCRIBE', 'x', 'ch2'], ['GET', 'w1'], ['FLUSHALL'], ['PUBLISH', 'no', 'x']]) await same(np, argv);
  });

  test('each key needs what its key specification says (read, write, both or neither)', async () => {
    await pair.expectSame([['ACL', 'SETUSER', 'ks', 'on', '>pw', '%R~r*', '%W~w*', '~k*', '+@all']]);
    await pair.expectSame([['SET', 'r1', '1'], ['SET', 'w1', '1'], ['SADD', 'rs', 'a'], ['RPUSH', 'rl', '3', '1'], ['PFADD', 'rh', 'a']]);
    const ks = await as('ks');
    const requests: string[][] = [
      ['INCR', 'r1'], ['INCR', 'w1'], ['INCR', 'k1'], ['EXISTS', 'r1', 'w1'], ['TYPE', 'w1'], ['OBJECT', 'ENCODING', 'w1'],
      ['PFCOUNT', 'rh'], ['PFADD', 'rh', 'b'], ['SINTERSTORE', 'w2', 'rs'], ['SINTERSTORE', 'r2', 'rs'], ['SINTERSTORE', 'w2', 'w1'],
      ['COPY', 'r1', 'w9'], ['COPY', 'w1', 'r9'], ['LMOVE', 'rl', 'w3', 'LEFT', 'LEFT'], ['RENAME', 'r1', 'w1'],
      ['SORT', 'rl'], ['SORT', 'rl', 'BY', 'x_*'], ['SORT', 'rl', 'GET', '#'], ['SORT', 'rl', 'BY', 'nosort'], ['SORT', 'rl', 'STORE', 'w4'],
      ['SORT_RO', 'rl', 'BY', 'x_*'], ['GETDEL', 'r1'], ['GETEX', 'r1'], ['SETNX', 'r1', 'v'], ['BITOP', 'AND', 'w5', 'r1'],
    ];
    for (const argv of requests) await same(ks, argv);
  });

  test('NOPERM inside MULTI, and rules that change before EXEC', async () => {
    await pair.expectSame([['ACL', 'SETUSER', 'tx', 'on', '>pw', '~k*', '&*', '+@all', '-flushall']]);
    const tx = await as('tx');
    for (const argv of [['MULTI'], ['SET', 'k1', 'v'], ['FLUSHALL'], ['GET', 'z'], ['EXEC']]) await same(tx, argv);
    for (const argv of [['MULTI'], ['SET', 'k1', 'v'], ['GET', 'k2'], ['PUBLISH', 'c', 'm'], ['INCR', 'k3']]) await same(tx, argv);
    await pair.expectSame([['ACL', 'SETUSER', 'tx', '-set', 'resetkeys', '~k2', 'resetchannels']]);
    await same(tx, ['EXEC']);
    await pair.expectSame([['ACL', 'LOG']], logFields);
  });

  test('selectors: a command passes when one selector allows it; the refusal reported', async () => {
    await pair.expectSame([['ACL', 'SETUSER', 'sel', 'on', '>pw', 'resetchannels', '-@all', '+get', '+mget', '~a*', '(~b* +set &s*)', '(%R~c* +@read +publish &p*)']]);
    const sel = await as('sel');
    for (const argv of [
      ['GET', 'a1'], ['GET', 'b1'], ['GET', 'c1'], ['SET', 'b1', 'v'], ['SET', 'c1', 'v'], ['SET', 'a1', 'v'], ['MGET', 'a1', 'c1'],
      ['MGET', 'c1', 'c2'], ['MGET', 'a1', 'b1'], ['PUBLISH', 'p1', 'x'], ['PUBLISH', 's1', 'x'], ['STRLEN', 'c1'], ['DEL', 'b1'],
    ]) await same(sel, argv);
    for (const argv of [
      ['sel', 'MGET', 'a1', 'c1'], ['sel', 'MGET', 'c1', 'a1', 'b1'], ['sel', 'SET', 'c1', 'v'], ['sel', 'PUBLISH', 's1', 'x'], ['sel', 'DEL', 'x'],
    ]) await pair.expectSame([['ACL', 'DRYRUN', ...argv]]);
  });

  test('AUTH and HELLO AUTH: passwords, disabled and unknown users, WHOAMI, the ACL log', async () => {
    const conn = await pair.connectBoth();
    const hello = (r: string) => r.replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n:<id>\r\n');
    await same(conn, ['AUTH', 'onlyone']);
    await pair.expectSame([['ACL', 'SETUSER', 'u', 'on', '>p', '>q', '+@all', '~*']]);
    for (const argv of [['AUTH', 'u', 'wrong'], ['AUTH', 'u', 'p'], ['ACL', 'WHOAMI'], ['AUTH', 'u', 'q'], ['AUTH', 'nosuch', 'p'], ['auth', 'u', 'x'], ['AUTH', 'a', 'b', 'c']]) {
      await same(conn, argv);
    }
    await same(conn, ['HELLO', '3', 'AUTH', 'u', 'p', 'SETNAME', 'me'], hello);
    await same(conn, ['HELLO', '2', 'AUTH', 'u', 'bad'], hello);
    await same(conn, ['hello', '2', 'AUTH', 'nobody', 'bad'], hello);
    await same(conn, ['ACL', 'WHOAMI']);
    await pair.expectSame([['ACL', 'SETUSER', 'u', 'off']]);
    await same(conn, ['ACL', 'WHOAMI']);
    const fresh = await pair.connectBoth();
    await same(fresh, ['AUTH', 'u', 'p']);
    await same(fresh, ['HELLO', '2', 'AUTH', 'u', 'p'], hello);
    await pair.expectSame([['ACL', 'SETUSER', 'u', 'on', 'nopass']]);
    await same(fresh, ['AUTH', 'u', 'anything']);
    await pair.expectSame([['ACL', 'LOG'], ['ACL', 'LOG', '2'], ['ACL', 'LOG', '-1'], ['ACL', 'LOG', 'x'], ['ACL', 'LOG', '1', '2']], logFields);
    await pair.both(['HELLO', '3']);
    await pair.expectSame([['ACL', 'LOG', '3']], logFields);
  });

  test('the default user with a password: NOAUTH, AUTH <password>, RESET', async () => {
    await pair.expectSame([['ACL', 'SETUSER', 'default', 'resetpass', '>secret']]);
    const conn = await pair.connectBoth();
    for (const argv of [
      ['GET', 'k'], ['ACL', 'WHOAMI'], ['AUTH', 'wrong'], ['AUTH', 'secret'], ['ACL', 'WHOAMI'], ['RESET'], ['GET', 'k'],
      ['AUTH', 'default', 'secret'], ['GET', 'k'],
    ]) await same(conn, argv);
    await pair.expectSame([['ACL', 'GETUSER', 'default'], ['ACL', 'LIST']], rulesOrder);
    await pair.expectSame([['ACL', 'SETUSER', 'default', 'off', 'nopass']]);
    const off = await pair.connectBoth();
    for (const argv of [['GET', 'k'], ['AUTH', 'x'], ['AUTH', 'default', 'x']]) await same(off, argv);
  });

  test('DELUSER: the default user stays, connections of deleted users are closed', async () => {
    await pair.expectSame([
      ['ACL', 'SETUSER', 'a', 'on', '>pw', '+@all', '~*'], ['ACL', 'SETUSER', 'b', 'on', '>pw', '+@all', '~*'],
      ['ACL', 'SETUSER', 'c', 'on', '>pw', '+@all', '~*'], ['ACL', 'SETUSER', 'self', 'on', '>pw', '+@all', '~*'],
    ]);
    const a = await as('a');
    const self = await as('self');
    await pair.expectSame([
      ['ACL', 'DELUSER', 'default'], ['ACL', 'DELUSER', 'b', 'default'], ['ACL', 'USERS'], ['ACL', 'DELUSER', 'nosuch'],
      ['ACL', 'DELUSER', 'a', 'b', 'a'], ['ACL', 'USERS'], ['ACL', 'DELUSER'],
    ]);
    await Promise.all([a.real.closedByServer(), a.local.closedByServer()]);
    await same(self, ['ACL', 'DELUSER', 'self']);
    const [realLeft, localLeft] = await Promise.all([self.real.closedByServer(), self.local.closedByServer()]);
    expect(localLeft).toBe(realLeft);
    await pair.expectSame([['ACL', 'USERS']]);
  });

  test('subscribers lose their connection when SETUSER revokes their channels', async () => {
    await pair.expectSame([['ACL', 'SETUSER', 'ps', 'on', '>pw', '+@all', '~*', 'resetchannels', '&news', '&n*', '&sh1']]);
    const chan = await as('ps');
    const pat = await as('ps');
    const shard = await as('ps');
    await same(chan, ['SUBSCRIBE', 'news']);
    await same(pat, ['PSUBSCRIBE', 'n*']);
    await same(shard, ['SSUBSCRIBE', 'sh1']);
    // A superset of the channels keeps everyone.
    await pair.expectSame([['ACL', 'SETUSER', 'ps', '&more']]);
    await same(chan, ['PING']);
    await same(pat, ['PING']);
    // `news` still matches `n*`, but the pattern subscription `n*` needs `n*` literally.
    await pair.expectSame([['ACL', 'SETUSER', 'ps', 'resetchannels', '&news', '&sh1', '&nx*']]);
    await Promise.all([pat.real.closedByServer(), pat.local.closedByServer()]);
    await same(chan, ['PING']);
    await same(shard, ['PING']);
    await pair.expectSame([['ACL', 'SETUSER', 'ps', 'resetchannels', '&news']]);
    await Promise.all([shard.real.closedByServer(), shard.local.closedByServer()]);
    await same(chan, ['PING']);
    await pair.expectSame([['ACL', 'SETUSER', 'ps', 'allchannels'], ['ACL', 'SETUSER', 'ps', 'resetchannels']]);
    await Promise.all([chan.real.closedByServer(), chan.local.closedByServer()]);
  });

  test('CAT lists the categories and, per category, the commands this engine has', async () => {
    await pair.expectSame([['ACL', 'CAT'], ['ACL', 'CAT', 'nosuch'], ['ACL', 'CAT', 'read', 'x'], ['ACL', 'CAT', `${'c'.repeat(200)}`]]);
    const categories = bulks(await pair.realClient.call('ACL', 'CAT'));
    expect(categories.length).toBe(21);
    // Every command is fast or slow: together they are every command redis-server has (this
    // engine's table follows newer versions in places, e.g. CLUSTER MYSHARDID from 7.2).
    const realNames = new Set([...bulks(await pair.realClient.call('ACL', 'CAT', 'fast')), ...bulks(await pair.realClient.call('ACL', 'CAT', 'slow'))]);
    expect(realNames.has('get') && realNames.has('config|get')).toBe(true);
    for (const category of [...categories, 'READ', 'Write']) {
      const [real, local] = await Promise.all([pair.realClient.call('ACL', 'CAT', category), pair.localClient.call('ACL', 'CAT', category)]);
      // Both ways: what this engine lists is listed by redis-server, and what redis-server lists
      // of the commands this engine has is listed here.
      const expected = bulks(real).filter((n) => localNames.has(n)).sort();
      expect({ category, commands: bulks(local).filter((n) => realNames.has(n)).sort() }).toEqual({ category, commands: expected });
    }
  });

  test('DRYRUN: allowed, refused, and the errors before the check', async () => {
    await pair.expectSame([['ACL', 'SETUSER', 'dr', 'on', 'nopass', '~k*', '%R~r*', '&c*', '+@read', '+publish', '+pubsub|numsub']]);
    await pair.expectSame([
      ['ACL', 'DRYRUN', 'dr', 'GET', 'k1'], ['ACL', 'DRYRUN', 'dr', 'get', 'x'], ['ACL', 'DRYRUN', 'dr', 'SET', 'k1', 'v'],
      ['ACL', 'DRYRUN', 'dr', 'MGET', 'k1', 'r2', 'x', 'y'], ['ACL', 'DRYRUN', 'dr', 'PUBLISH', 'c1', 'm'], ['ACL', 'DRYRUN', 'dr', 'PUBLISH', 'd', 'm'],
      ['ACL', 'DRYRUN', 'dr', 'PUBSUB', 'NUMSUB'], ['ACL', 'DRYRUN', 'dr', 'PUBSUB', 'CHANNELS'], ['ACL', 'DRYRUN', 'dr', 'PUBSUB'],
      ['ACL', 'DRYRUN', 'dr', 'PUBSUB', 'NOSUCH'], ['ACL', 'DRYRUN', 'dr', 'NOSUCH'], ['ACL', 'DRYRUN', 'nouser', 'GET', 'k'],
      ['ACL', 'DRYRUN', 'dr', 'GET'], ['ACL', 'DRYRUN', 'dr', 'GET', 'a', 'b'], ['ACL', 'DRYRUN', 'dr'], ['ACL', 'DRYRUN', 'dr', 'AUTH', 'x'],
      ['ACL', 'DRYRUN', 'default', 'FLUSHALL'],
    ]);
  });

  test('LOG: reasons, contexts, grouping, count and RESET in RESP2 and RESP3', async () => {
    await pair.expectSame([['ACL', 'SETUSER', 'lg', 'on', '>pw', '~k*', 'resetchannels', '&c', '-@all', '+get', '+set', '+publish', '+multi', '+exec']]);
    const lg = await as('lg');
    for (const argv of [
      ['GET', 'x'], ['GET', 'x'], ['GET', 'y'], ['DEL', 'k'], ['PUBLISH', 'd', 'm'], ['DEL', 'k'], ['MULTI'], ['GET', 'z'], ['DEL', 'k'], ['EXEC'],
      ['AUTH', 'lg', 'bad'], ['AUTH', 'nobody', 'bad'],
    ]) await same(lg, argv);
    await pair.expectSame([['ACL', 'LOG'], ['ACL', 'LOG', '0'], ['ACL', 'LOG', '3'], ['ACL', 'LOG', '100']], logFields);
    await pair.both(['HELLO', '3']);
    await pair.expectSame([['ACL', 'LOG', '4']], logFields);
    await pair.expectSame([['ACL', 'LOG', 'RESET'], ['ACL', 'LOG'], ['ACL', 'log', 'reset'], ['ACL', 'LOG', '99999999999999999999']], logFields);
  });

  test('GENPASS: random hex of the requested bits; bad sizes', async () => {
    for (const bits of [undefined, '1', '4', '5', '255', '4096']) {
      const argv = bits === undefined ? ['ACL', 'GENPASS'] : ['ACL', 'GENPASS', bits];
      const { real, local } = await pair.both(argv);
      const hex = (r: string) => r.replace(/^\$(\d+)\r\n[0-9a-f]+\r\n$/, '$$$1\r\n<hex>\r\n');
      expect(hex(local)).toBe(hex(real));
      expect(hex(local)).toMatch(/<hex>/);
    }
    const a = await pair.localClient.call('ACL', 'GENPASS');
    const b = await pair.localClient.call('ACL', 'GENPASS');
    expect(a).not.toBe(b);
    await pair.expectSame([['ACL', 'GENPASS', '0'], ['ACL', 'GENPASS', '4097'], ['ACL', 'GENPASS', '-1'], ['ACL', 'GENPASS', 'x'], ['ACL', 'GENPASS', '1', '2']]);
  });

  test('HELP, LOAD and SAVE without an ACL file, WHOAMI, unknown subcommands, arity', async () => {
    await pair.expectSame([
      ['ACL', 'HELP'], ['ACL', 'LOAD'], ['ACL', 'SAVE'], ['ACL', 'LOAD', 'x'], ['ACL', 'WHOAMI'], ['ACL', 'WHOAMI', 'x'], ['ACL'],
      ['ACL', 'NOSUCH'], ['ACL', 'LIST', 'x'], ['ACL', 'USERS', 'x'], ['ACL', 'GETUSER'], ['ACL', 'HELP', 'x'], ['acl', 'users'],
    ]);
    await pair.both(['HELLO', '3']);
    await pair.expectSame([['ACL', 'HELP'], ['ACL', 'CAT'], ['ACL', 'USERS']]);
  });
});

describe('ACL with acl-pubsub-default allchannels against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start({ config: { 'acl-pubsub-default': 'allchannels', 'acllog-max-len': '2' } });
  });
  afterAll(() => pair.stop());

  test('new users and selectors get all channels; reset keeps them', async () => {
    await pair.expectSame([
      ['ACL', 'SETUSER', 'n'], ['ACL', 'SETUSER', 'r', 'resetchannels', '&x', 'reset'], ['ACL', 'SETUSER', 's', '(~a +get)'],
      ['ACL', 'SETUSER', 't', '&x'], ['ACL', 'GETUSER', 'n'], ['ACL', 'GETUSER', 'r'], ['ACL', 'GETUSER', 's'], ['ACL', 'LIST'],
    ]);
  });

  test('acllog-max-len caps the log', async () => {
    await pair.expectSame([['ACL', 'SETUSER', 'cap', 'on', 'nopass', '-@all', '+@connection']]);
    const conn = await pair.connectBoth();
    for (const argv of [['AUTH', 'cap', 'x'], ['GET', 'a'], ['SET', 'b', 'c'], ['DEL', 'x']]) {
      const [real, local] = await Promise.all([conn.real.call(...argv), conn.local.call(...argv)]);
      expect(local).toBe(real);
    }
    await pair.expectSame([['ACL', 'LOG']], logFields);
  });
});
