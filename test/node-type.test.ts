import { CacheNodeType } from '../src';

describe('CacheNodeType', () => {
  test.each([
    { t: CacheNodeType.T4G_MICRO, name: 'cache.t4g.micro', mib: 512 },
    { t: CacheNodeType.T3_SMALL, name: 'cache.t3.small', mib: 1403 },
    { t: CacheNodeType.T1_MICRO, name: 'cache.t1.micro', mib: 218 },
    { t: CacheNodeType.M7G_LARGE, name: 'cache.m7g.large', mib: 6533 },
    { t: CacheNodeType.R7G_LARGE, name: 'cache.r7g.large', mib: 13384 },
    { t: CacheNodeType.R6GD_XLARGE, name: 'cache.r6gd.xlarge', mib: 26952 },
    { t: CacheNodeType.of('cache.r6g.16xlarge'), name: 'cache.r6g.16xlarge', mib: 429148 },
  ])('$name has $mib MiB', ({ t, name, mib }) => {
    expect(t.name).toBe(name);
    expect(t.toString()).toBe(name);
    expect(t.memory?.toMebibytes()).toBe(mib);
  });

  test('node types outside the table have unknown memory', () => {
    const t = CacheNodeType.of('cache.c7gn.large');
    expect(t.family).toBe('c7gn');
    expect(t.memory).toBeUndefined();
    expect(t.supportsAutomaticFailover).toBe(true);
  });

  test.each([
    // name, dataTiering, failover, backups, aof, nitro
    ['cache.t1.micro', false, false, false, false, false],
    ['cache.t2.small', false, true, true, false, false],
    ['cache.t4g.micro', false, true, true, true, true],
    ['cache.r6gd.2xlarge', true, true, true, true, true],
    ['cache.m4.large', false, true, true, true, false],
  ])('%s: tiering %s, failover %s, backups %s, AOF %s, Nitro %s', (name, tiering, failover, backups, aof, nitro) => {
    const t = CacheNodeType.of(name);
    expect([t.dataTiering, t.supportsAutomaticFailover, t.supportsBackups, t.supportsAof, t.nitro]).toEqual([tiering, failover, backups, aof, nitro]);
  });

  test('rejects names that are not node types', () => {
    expect(() => CacheNodeType.of('r7g.large')).toThrow("nodeType must have the form cache.<family>.<size>, e.g. 'cache.r7g.large', got 'r7g.large'");
  });
});
