import { CompatPair } from './harness';
import { maskValueAfter, sortPairs, splitAggregate } from './normalize';

/**
 * The local engine starts with what the harness passes to redis-server on its command line
 * (no save points, protected mode off, /tmp); the port and the RDB file name (which carries the
 * port) are each process's own.
 */
const HARNESS_ARGS = { 'save': '', 'protected-mode': 'no', 'dir': '/tmp', 'dbfilename': 'compat.rdb' };
const ownValues = (reply: string) => maskValueAfter(maskValueAfter(reply, 'port'), 'dbfilename');
const normalizeGet = (reply: string) => ownValues(sortPairs(reply));

describe('CONFIG against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start({ local: { config: HARNESS_ARGS } });
  });
  afterAll(() => pair.stop());
  beforeEach(() => pair.reset());

  test.each([2, 3])('CONFIG GET * lists the same names and defaults (RESP%d)', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    const { real, local } = await pair.both(['CONFIG', 'GET', '*']);
    expect(splitAggregate(local).items.length).toBe(splitAggregate(real).items.length);
    expect(normalizeGet(local)).toBe(normalizeGet(real));
  });

  test('CONFIG GET with patterns, aliases, exact names and hidden parameters', async () => {
    await pair.expectSame([
      ['CONFIG', 'GET', 'maxmemory'], ['CONFIG', 'GET', 'MAXMEMORY'], ['CONFIG', 'GET', 'MaxMemory', 'maxmemory'],
      ['CONFIG', 'GET', 'nosuch'], ['CONFIG', 'GET', 'slave-read-only'], ['CONFIG', 'GET', 'hash-max-ziplist-entries'],
      ['CONFIG', 'GET', 'key-load-delay'], ['CONFIG', 'GET', 'key-load-*'], ['CONFIG', 'GET', 'watchdog-period'],
      ['CONFIG', 'GET', 'lua-time-limit'], ['CONFIG', 'GET', 'notify-keyspace-events'], ['CONFIG', 'GET', 'client-output-buffer-limit'],
      ['CONFIG', 'GET', 'unixsocketperm'], ['CONFIG', 'GET', 'maxmemory-clients'], ['CONFIG', 'GET', 'shutdown-on-sigint'],
      ['CONFIG', 'GET', 'latency-tracking-info-percentiles'], ['CONFIG', 'GET', 'oom-score-adj-values'], ['CONFIG', 'GET', 'bind'],
      ['CONFIG', 'GET', 'replicaof'], ['CONFIG', 'GET', 'slaveof'], ['CONFIG', 'GET', 'save'], ['CONFIG', 'GET', ''],
    ]);
    await pair.expectSame([
      ['CONFIG', 'GET', '*max-*-entries*'], ['CONFIG', 'GET', '*max-*-entries*', 'maxmemory'], ['CONFIG', 'GET', 'hash-*', 'hash-max-*'],
      ['CONFIG', 'GET', 'maxmemory*', 'maxmemory'], ['CONFIG', 'GET', 'slave*'], ['CONFIG', 'GET', 'replica-*', 'slave-*'],
      ['CONFIG', 'GET', '*ZIPLIST*'], ['CONFIG', 'GET', 'h?'], ['CONFIG', 'GET', '[hz]*'], ['CONFIG', 'GET', '[^a-t]*'],
      ['CONFIG', 'GET', 'lazyfree-*'], ['CONFIG', 'GET', 'tls-*'], ['CONFIG', 'GET', 'cluster-*'], ['CONFIG', 'GET', '*cpulist*'],
      ['CONFIG', 'GET', 'no\\*such'], ['CONFIG', 'GET', '*-[0-9]*'],
    ], sortPairs);
    await pair.both(['HELLO', '3']);
    await pair.expectSame([['CONFIG', 'GET', 'maxmemory', 'hz'], ['CONFIG', 'GET', 'nosuch'], ['CONFIG', 'GET', 'lazyfree*']], sortPairs);
  });

  test('CONFIG SET error replies', async () => {
    await pair.expectSame([
      ['CONFIG', 'SET', 'nosuch', '1'], ['CONFIG', 'SET', 'hz', '5', 'nosuch', '6'], ['CONFIG', 'SET', 'nosuch', '5', 'daemonize', 'yes'],
      ['CONFIG', 'SET', 'daemonize', 'yes', 'nosuch', '6'], ['CONFIG', 'SET', 'hz', 'x', 'daemonize', 'yes'],
      ['CONFIG', 'SET', 'databases', '2'], ['CONFIG', 'SET', 'replicaof', 'no one'], ['CONFIG', 'SET', 'unixsocketperm', '700'],
      ['CONFIG', 'SET', 'dir', '/'], ['CONFIG', 'SET', 'dbfilename', 'x.rdb'],
      ['CONFIG', 'SET', 'hz', '5', 'HZ', '6'], ['CONFIG', 'SET', 'hz', '5', 'hz', 'x'],
      ['CONFIG', 'SET', 'hz'], ['CONFIG', 'SET', 'hz', '1', 'x'], ['CONFIG', 'SET'],
      ['CONFIG', 'SET', 'hz', 'abc'], ['CONFIG', 'SET', 'hz', '01'], ['CONFIG', 'SET', 'hz', '+1'], ['CONFIG', 'SET', 'hz', ''],
      ['CONFIG', 'SET', 'hz', '-1'], ['CONFIG', 'SET', 'hz', '99999999999999999999'], ['CONFIG', 'SET', 'hz', '2147483648'],
      ['CONFIG', 'SET', 'maxclients', '0'], ['CONFIG', 'SET', 'maxclients', '-1'], ['CONFIG', 'SET', 'maxclients', '4294967296'],
      ['CONFIG', 'SET', 'slowlog-max-len', '-1'], ['CONFIG', 'SET', 'slowlog-log-slower-than', '-2'],
      ['CONFIG', 'SET', 'maxmemory', '-1'], ['CONFIG', 'SET', 'maxmemory', '1 kb'], ['CONFIG', 'SET', 'maxmemory', '1tb'],
      ['CONFIG', 'SET', 'proto-max-bulk-len', '1000'], ['CONFIG', 'SET', 'client-query-buffer-limit', '1k'],
      ['CONFIG', 'SET', 'maxmemory-clients', '101%'], ['CONFIG', 'SET', 'maxmemory-clients', '-5'], ['CONFIG', 'SET', 'maxmemory-clients', 'x%'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'nope'], ['CONFIG', 'SET', 'loglevel', ''], ['CONFIG', 'SET', 'appendfsync', 'always no'],
      ['CONFIG', 'SET', 'appendonly', 'maybe'], ['CONFIG', 'SET', 'activerehashing', '1'], ['CONFIG', 'SET', 'activedefrag', 'yes'],
      ['CONFIG', 'SET', 'shutdown-on-sigint', 'save nosave'], ['CONFIG', 'SET', 'shutdown-on-sigint', ''], ['CONFIG', 'SET', 'shutdown-on-sigterm', 'now later'],
      ['CONFIG', 'SET', 'save', '100'], ['CONFIG', 'SET', 'save', '0 1'], ['CONFIG', 'SET', 'save', '10 -1'], ['CONFIG', 'SET', 'save', 'a b'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'master 1 1 1'], ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1 1'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal x 1 1'], ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1 1 -1'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'nobody 1 1 1'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'KEQ'], ['CONFIG', 'SET', 'oom-score-adj-values', '1 2'],
      ['CONFIG', 'SET', 'oom-score-adj-values', '1 2 3000'], ['CONFIG', 'SET', 'oom-score-adj-values', '1 2 x'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '101'], ['CONFIG', 'SET', 'latency-tracking-info-percentiles', 'abc'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 -1'], ['CONFIG', 'SET', 'bind', '1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17'],
      ['CONFIG', 'SET', 'proc-title-template', '{title} {nope}'], ['CONFIG', 'SET', 'proc-title-template', '{title'],
      ['CONFIG', 'SET', 'cluster-announce-hostname', 'bad host'],
      ['CONFIG', 'SET', 'hash-max-ziplist-entries', 'abc'], ['CONFIG', 'SET', 'slave-read-only', 'maybe'],
      ['CONFIG', 'SET', 'hz', '20', 'maxmemory-policy', 'nope'], ['CONFIG', 'GET', 'hz'],
    ]);
  });

  test('CONFIG SET values and what CONFIG GET reports back', async () => {
    const requests: string[][] = [];
    const setGet = (name: string, value: string) => requests.push(['CONFIG', 'SET', name, value], ['CONFIG', 'GET', name]);
    setGet('hz', '20');
    setGet('maxmemory', '1GB');
    setGet('maxmemory', '0100');
    setGet('maxmemory', '');
    setGet('maxmemory', '99999999999999999999999');
    setGet('maxmemory', '10k');
    setGet('maxmemory', '0');
    setGet('maxmemory-policy', 'ALLKEYS-LRU');
    setGet('maxmemory-policy', 'noeviction');
    setGet('maxmemory-clients', '10%');
    setGet('maxmemory-clients', '1mb');
    setGet('maxmemory-clients', '0');
    setGet('loglevel', 'WARNING');
    setGet('loglevel', 'notice');
    setGet('activerehashing', 'NO');
    setGet('activerehashing', 'yes');
    setGet('oom-score-adj', 'relative');
    setGet('oom-score-adj', 'no');
    setGet('shutdown-on-sigint', 'force now');
    setGet('shutdown-on-sigint', 'NOSAVE');
    setGet('shutdown-on-sigint', 'default');
    setGet('save', '3600 ');
    setGet('save', '+5 -0');
    setGet('save', '100 5 200 10');
    setGet('save', '');
    setGet('client-output-buffer-limit', 'pubsub 1mb 2k 3');
    setGet('client-output-buffer-limit', 'replica 1 2 3 normal 5gb 6 0');
    setGet('client-output-buffer-limit', '');
    setGet('client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
    setGet('notify-keyspace-events', 'KExg$n');
    setGet('notify-keyspace-events', 'AKE');
    setGet('notify-keyspace-events', 'Elm');
    setGet('notify-keyspace-events', '');
    setGet('latency-tracking-info-percentiles', '50 99.9 100 0 12.5');
    setGet('latency-tracking-info-percentiles', '');
    setGet('latency-tracking-info-percentiles', '50 99 99.9');
    setGet('oom-score-adj-values', '-10 200 2000');
    setGet('oom-score-adj-values', '0 200 800');
    setGet('list-max-ziplist-size', '-1');
    setGet('list-max-listpack-size', '-2');
    setGet('slowlog-log-slower-than', '-1');
    setGet('slowlog-log-slower-than', '10000');
    setGet('proc-title-template', 'abc');
    setGet('proc-title-template', '{title} {listen-addr} {server-mode}');
    setGet('requirepass', '');
    setGet('bind', '127.0.0.1');
    requests.push(['CONFIG', 'SET', 'slave-read-only', 'no', 'replica-read-only', 'yes'], ['CONFIG', 'GET', 'replica-read-only']);
    requests.push(['CONFIG', 'SET', 'hz', '5', 'maxmemory-samples', '7', 'lfu-log-factor', '3'], ['CONFIG', 'GET', 'hz'], ['CONFIG', 'GET', 'maxmemory-samples']);
    requests.push(['CONFIG', 'SET', 'hz', '10', 'maxmemory-samples', '5', 'lfu-log-factor', '10']);
    await pair.expectSame(requests);
  });

  test('CONFIG RESETSTAT, REWRITE, HELP and arity', async () => {
    await pair.expectSame([
      ['CONFIG', 'RESETSTAT'], ['CONFIG', 'RESETSTAT', 'x'], ['CONFIG', 'REWRITE'], ['CONFIG', 'REWRITE', 'x'],
      ['CONFIG', 'HELP', 'x'], ['CONFIG'], ['CONFIG', 'FOO'], ['CONFIG', 'GET'], ['config', 'get', 'HZ'],
    ]);
    const { real, local } = await pair.both(['CONFIG', 'HELP']);
    // The help text is the engine's own wording; the subcommands it lists are the same.
    const subcommands = (reply: string) => splitAggregate(reply).items.filter((l) => /^\+[A-Z]/.test(l)).map((l) => l.slice(1).split(' ')[0]);
    expect(subcommands(local)).toEqual(subcommands(real));
  });

  test('the statistics CONFIG RESETSTAT clears', async () => {
    await pair.expectSame([['SET', 'k', 'v'], ['GET', 'k'], ['GET', 'missing'], ['NOSUCH'], ['CONFIG', 'RESETSTAT']]);
    const stat = (info: string, field: string) => new RegExp(`${field}:(\\d+)`).exec(info)?.[1];
    const { real, local } = await pair.both(['INFO', 'stats']);
    for (const field of ['keyspace_hits', 'keyspace_misses', 'total_error_replies', 'expired_keys']) {
      expect({ field, value: stat(local, field) }).toEqual({ field, value: stat(real, field) });
    }
    const errors = await pair.both(['INFO', 'errorstats']);
    expect(errors.local).toBe(errors.real);
  });
});
