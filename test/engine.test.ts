import { CacheEngine, CacheEngineType, MemcachedVersion } from '../src';

describe('CacheEngine', () => {
  test.each([
    { engine: CacheEngine.VALKEY_7_2, name: 'valkey', version: '7.2', family: 'valkey7' },
    { engine: CacheEngine.VALKEY_8_0, name: 'valkey', version: '8.0', family: 'valkey8' },
    { engine: CacheEngine.VALKEY_8_1, name: 'valkey', version: '8.1', family: 'valkey8' },
    { engine: CacheEngine.valkey('9.0'), name: 'valkey', version: '9.0', family: 'valkey9' },
    { engine: CacheEngine.REDIS_6_2, name: 'redis', version: '6.2', family: 'redis6.x' },
    { engine: CacheEngine.REDIS_7_0, name: 'redis', version: '7.0', family: 'redis7' },
    { engine: CacheEngine.REDIS_7_1, name: 'redis', version: '7.1', family: 'redis7' },
    { engine: CacheEngine.redis('5.0.6'), name: 'redis', version: '5.0.6', family: 'redis5.0' },
    { engine: CacheEngine.redis('4.0.10'), name: 'redis', version: '4.0.10', family: 'redis4.0' },
    { engine: CacheEngine.redis('3.2.6'), name: 'redis', version: '3.2.6', family: 'redis3.2' },
    { engine: CacheEngine.redis('2.8.24'), name: 'redis', version: '2.8.24', family: 'redis2.8' },
  ])('$name $version is in family $family', ({ engine, name, version, family }) => {
    expect(engine.engineName).toBe(name);
    expect(engine.version).toBe(version);
    expect(engine.parameterGroupFamily).toBe(family);
    expect(engine.defaultParameterGroupName(false)).toBe(`default.${family}`);
    expect(engine.defaultParameterGroupName(true)).toBe(`default.${family}.cluster.on`);
  });

  test('latest versions', () => {
    expect(CacheEngine.VALKEY_LATEST).toBe(CacheEngine.VALKEY_8_1);
    expect(CacheEngine.REDIS_LATEST).toBe(CacheEngine.REDIS_7_1);
    expect(CacheEngine.VALKEY_LATEST.engineType).toBe(CacheEngineType.VALKEY);
    expect(CacheEngine.VALKEY_LATEST.toString()).toBe('valkey 8.1');
  });

  test.each([
    // version, tls, rbac, iam, ipv6, dataTiering, maxClusterNodes
    ['valkey 7.2', CacheEngine.VALKEY_7_2, [true, true, true, true, true, 500]],
    ['redis 7.0', CacheEngine.REDIS_7_0, [true, true, true, true, true, 500]],
    ['redis 6.2', CacheEngine.REDIS_6_2, [true, true, false, true, true, 500]],
    ['redis 6.0', CacheEngine.redis('6.0'), [true, true, false, false, false, 500]],
    ['redis 5.0.5', CacheEngine.redis('5.0.5'), [true, false, false, false, false, 250]],
    ['redis 4.0.9', CacheEngine.redis('4.0.9'), [false, false, false, false, false, 250]],
    ['redis 3.2.6', CacheEngine.redis('3.2.6'), [true, false, false, false, false, 250]],
    ['redis 3.2.4', CacheEngine.redis('3.2.4'), [false, false, false, false, false, 250]],
  ] as const)('%s capabilities', (_name, engine, expected) => {
    expect([engine.supportsTls, engine.supportsRbac, engine.supportsIamAuth, engine.supportsIpv6, engine.supportsDataTiering, engine.maxClusterNodes])
      .toEqual(expected);
  });

  test.each([
    [() => CacheEngine.valkey('7.0'), "Valkey versions start at 7.2, got '7.0'"],
    [() => CacheEngine.valkey('latest'), "Valkey version must look like 'major.minor' or 'major.minor.patch', got 'latest'"],
    [() => CacheEngine.redis('3.0'), "Redis OSS version '3.0' has no ElastiCache parameter group family: use 2.6, 2.8, 3.2, 4.0, 5.0, 6.x or 7.x"],
    [() => CacheEngine.redis('7'), "Redis OSS version must look like 'major.minor' or 'major.minor.patch', got '7'"],
  ])('rejects bad versions (%#)', (make, message) => {
    expect(make).toThrow(message);
  });
});

describe('MemcachedVersion', () => {
  test.each([
    { v: MemcachedVersion.V1_5_16, family: 'memcached1.5', tls: false, ipv6: false },
    { v: MemcachedVersion.V1_6_6, family: 'memcached1.6', tls: false, ipv6: true },
    { v: MemcachedVersion.V1_6_12, family: 'memcached1.6', tls: true, ipv6: true },
    { v: MemcachedVersion.V1_6_17, family: 'memcached1.6', tls: true, ipv6: true },
    { v: MemcachedVersion.LATEST, family: 'memcached1.6', tls: true, ipv6: true },
    { v: MemcachedVersion.of('1.4.34'), family: 'memcached1.4', tls: false, ipv6: false },
  ])('$v.version: family $family, TLS $tls, IPv6 $ipv6', ({ v, family, tls, ipv6 }) => {
    expect(v.engineName).toBe('memcached');
    expect(v.parameterGroupFamily).toBe(family);
    expect(v.defaultParameterGroupName()).toBe(`default.${family}`);
    expect(v.supportsTls).toBe(tls);
    expect(v.supportsIpv6).toBe(ipv6);
  });

  test('latest is 1.6.22 and unknown majors are rejected', () => {
    expect(MemcachedVersion.LATEST.version).toBe('1.6.22');
    expect(() => MemcachedVersion.of('2.0.1')).toThrow("Memcached version '2.0.1' has no ElastiCache parameter group family: use 1.4.x, 1.5.x or 1.6.x");
  });
});
