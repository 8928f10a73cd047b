import { Redis } from 'ioredis';
import { isRedisClient, keyValue } from '../../src/runtime/kv';

/** Records what a memjs client is asked, answering as memcached would. */
function recordingMemjs() {
  const calls: Array<[string, string, unknown]> = [];
  const client = {
    servers: [],
    get: async (key: string) => { calls.push(['get', key, undefined]); return { value: key === 'present' ? Buffer.from('v') : null, flags: null }; },
    set: async (key: string, _value: unknown, options: unknown) => { calls.push(['set', key, options]); return true; },
    add: async (key: string, _value: unknown, options: unknown) => { calls.push(['add', key, options]); return key !== 'taken'; },
    touch: async (key: string, expires: number) => { calls.push(['touch', key, expires]); return key === 'present'; },
    delete: async (key: string) => { calls.push(['delete', key, undefined]); return true; },
  };
  return { client, calls };
}

describe('keyValue over memjs', () => {
  test('TTLs up to 30 days are relative; longer ones become Unix times, as memcached requires', async () => {
    const { client, calls } = recordingMemjs();
    const kv = keyValue(client as any);
    const before = Math.floor(Date.now() / 1000);
    await kv.set('a', 'x', 30 * 24 * 3600);
    await kv.set('b', 'x', 31 * 24 * 3600);
    await kv.set('c', 'x', 0);
    expect(calls[0]).toEqual(['set', 'a', { expires: 2592000 }]);
    const absolute = (calls[1][2] as { expires: number }).expires;
    expect(absolute).toBeGreaterThanOrEqual(before + 31 * 24 * 3600);
    expect(absolute).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 31 * 24 * 3600);
    expect(calls[2]).toEqual(['set', 'c', { expires: 0 }]);
  });

  test('locks use add with the TTL rounded up to whole seconds; touch and get map their replies', async () => {
    const { client, calls } = recordingMemjs();
    const kv = keyValue(client as any);
    expect(await kv.setIfAbsent('lock', 't', 1500)).toBe(true);
    expect(await kv.setIfAbsent('taken', 't', 10)).toBe(false);
    expect(calls.slice(0, 2)).toEqual([['add', 'lock', { expires: 2 }], ['add', 'taken', { expires: 1 }]]);
    expect(await kv.expire('present', 60)).toBe(true);
    expect(await kv.expire('absent', 60)).toBe(false);
    expect(await kv.get('present')).toEqual(Buffer.from('v'));
    expect(await kv.get('absent')).toBeUndefined();
    await kv.delete(['x', 'y']);
    expect(calls.filter(([op]) => op === 'delete').map(([, key]) => key)).toEqual(['x', 'y']);
  });

  test('ioredis clients and memjs clients are told apart', () => {
    const redis = new Redis({ lazyConnect: true });
    expect(isRedisClient(redis)).toBe(true);
    expect(isRedisClient(recordingMemjs().client as any)).toBe(false);
    redis.disconnect();
  });
});
