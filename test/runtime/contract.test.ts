import { CacheContractError, connectionFromEnv, contractToEnv } from '../../src/runtime';

const standalone = {
  CACHE_ENGINE: 'valkey',
  CACHE_MODE: 'standalone',
  CACHE_HOST: 'master.cache.abc123.use1.cache.amazonaws.com',
  CACHE_PORT: '6379',
  CACHE_READER_HOST: 'replica.cache.abc123.use1.cache.amazonaws.com',
  CACHE_READER_PORT: '6379',
  CACHE_TLS: 'true',
  CACHE_AUTH: 'token',
  CACHE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:cache-token-AbCdEf',
  CACHE_ID: 'cache',
};

describe('connectionFromEnv', () => {
  test('reads a standalone contract with a reader endpoint', () => {
    const info = connectionFromEnv('CACHE', standalone);
    expect(info).toEqual({
      prefix: 'CACHE',
      engine: 'valkey',
      mode: 'standalone',
      endpoint: { host: standalone.CACHE_HOST, port: 6379 },
      reader: { host: standalone.CACHE_READER_HOST, port: 6379 },
      tls: true,
      auth: 'token',
      secretArn: standalone.CACHE_SECRET_ARN,
      cacheId: 'cache',
    });
  });

  test('reads a contract under another prefix and ignores the default one', () => {
    const env = { ...standalone };
    const sessions = Object.fromEntries(Object.entries(env).map(([k, v]) => [k.replace(/^CACHE_/, 'SESSIONS_'), v]));
    const info = connectionFromEnv('SESSIONS', { ...sessions, CACHE_HOST: 'other' });
    expect(info.endpoint.host).toBe(standalone.CACHE_HOST);
    expect(info.prefix).toBe('SESSIONS');
  });

  test('a serverless reader port alone reuses the endpoint host', () => {
    const info = connectionFromEnv('CACHE', {
      CACHE_ENGINE: 'valkey',
      CACHE_MODE: 'serverless',
      CACHE_HOST: 'h',
      CACHE_PORT: '6379',
      CACHE_READER_PORT: '6380',
      CACHE_TLS: 'true',
      CACHE_AUTH: 'iam',
      CACHE_USER: 'app',
      CACHE_ID: 'sless',
    });
    expect(info.reader).toEqual({ host: 'h', port: 6380 });
    expect(info.user).toBe('app');
  });

  test('local-only variables are carried through', () => {
    const info = connectionFromEnv('CACHE', { ...standalone, CACHE_SECRET_ARN: '', CACHE_PASSWORD: 'p'.repeat(32), CACHE_TLS_CA: 'PEM' });
    expect(info.password).toBe('p'.repeat(32));
    expect(info.tlsCa).toBe('PEM');
    expect(info.secretArn).toBeUndefined();
  });

  test('round-trips through contractToEnv', () => {
    const info = connectionFromEnv('CACHE', standalone);
    expect(contractToEnv(info, 'CACHE')).toEqual(standalone);
  });

  test('an environment without any contract variable says how to get one', () => {
    expect(() => connectionFromEnv('CACHE', {})).toThrow(/No cache connection contract found.*Grant the consumer access/);
  });

  test.each([
    { testDescription: 'missing host and port', env: { ...standalone, CACHE_HOST: undefined, CACHE_PORT: undefined }, message: /CACHE_HOST is not set; CACHE_PORT is not set/ },
    { testDescription: 'unknown engine', env: { ...standalone, CACHE_ENGINE: 'dragonfly' }, message: /CACHE_ENGINE must be one of valkey, redis, memcached, got 'dragonfly'/ },
    { testDescription: 'unknown mode', env: { ...standalone, CACHE_MODE: 'sharded' }, message: /CACHE_MODE must be one of standalone, cluster, serverless, memcached, got 'sharded'/ },
    { testDescription: 'port out of range', env: { ...standalone, CACHE_PORT: '70000' }, message: /CACHE_PORT must be a port number between 1 and 65535, got '70000'/ },
    { testDescription: 'port not a number', env: { ...standalone, CACHE_PORT: '63a' }, message: /CACHE_PORT must be a port number/ },
    { testDescription: 'reader host without port', env: { ...standalone, CACHE_READER_PORT: undefined }, message: /CACHE_READER_PORT must be set when CACHE_READER_HOST is/ },
    { testDescription: 'TLS not a boolean', env: { ...standalone, CACHE_TLS: 'yes' }, message: /CACHE_TLS must be one of true, false, got 'yes'/ },
    { testDescription: 'token without secret', env: { ...standalone, CACHE_SECRET_ARN: undefined }, message: /CACHE_AUTH 'token' needs CACHE_SECRET_ARN/ },
    { testDescription: 'password without user', env: { ...standalone, CACHE_AUTH: 'password' }, message: /CACHE_AUTH 'password' needs CACHE_USER/ },
    { testDescription: 'iam without cache id', env: { ...standalone, CACHE_AUTH: 'iam', CACHE_USER: 'u', CACHE_ID: undefined }, message: /CACHE_AUTH 'iam' needs CACHE_ID/ },
    { testDescription: 'token with a user', env: { ...standalone, CACHE_USER: 'u' }, message: /'token' does not take CACHE_USER/ },
    { testDescription: 'credentials without TLS', env: { ...standalone, CACHE_TLS: 'false' }, message: /requires CACHE_TLS true/ },
    { testDescription: 'memcached engine in cluster mode', env: { ...standalone, CACHE_ENGINE: 'memcached', CACHE_MODE: 'cluster', CACHE_AUTH: 'none' }, message: /CACHE_MODE 'cluster' does not fit engine memcached/ },
    { testDescription: 'memcached mode on valkey', env: { ...standalone, CACHE_MODE: 'memcached' }, message: /CACHE_MODE memcached needs CACHE_ENGINE memcached/ },
  ])('rejects $testDescription', ({ env, message }) => {
    expect(() => connectionFromEnv('CACHE', env)).toThrow(CacheContractError);
    expect(() => connectionFromEnv('CACHE', env)).toThrow(message);
  });

  test('rejects a malformed prefix', () => {
    expect(() => connectionFromEnv('cache', standalone)).toThrow(/prefix must be upper-case/);
  });

  describe('pattern variables', () => {
    const dbCache = {
      ...standalone,
      CACHE_TTL: '300',
      CACHE_TTL_JITTER: '0.1',
      CACHE_INVALIDATION: 'versioned',
      CACHE_DB_HOST: 'db.cluster-abc.us-east-1.rds.amazonaws.com',
      CACHE_DB_PORT: '5432',
      CACHE_DB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
    };

    test('reads the database cache settings and the database', () => {
      expect(connectionFromEnv('CACHE', dbCache)).toMatchObject({
        ttlSeconds: 300,
        ttlJitter: 0.1,
        invalidation: 'versioned',
        database: { host: dbCache.CACHE_DB_HOST, port: 5432, secretArn: dbCache.CACHE_DB_SECRET_ARN },
      });
      expect(contractToEnv(connectionFromEnv('CACHE', dbCache), 'CACHE')).toEqual(dbCache);
    });

    test('reads the session TTL', () => {
      const info = connectionFromEnv('CACHE', { ...standalone, CACHE_SESSION_TTL: '1800' });
      expect(info.sessionTtlSeconds).toBe(1800);
      expect(info.database).toBeUndefined();
      expect(info.invalidation).toBeUndefined();
    });

    test.each([
      { testDescription: 'a fractional session TTL', env: { ...standalone, CACHE_SESSION_TTL: '1.5' }, message: /CACHE_SESSION_TTL must be a whole number of seconds, at least 1, got '1.5'/ },
      { testDescription: 'a zero TTL', env: { ...dbCache, CACHE_TTL: '0' }, message: /CACHE_TTL must be a whole number of seconds, at least 1, got '0'/ },
      { testDescription: 'jitter above 1', env: { ...dbCache, CACHE_TTL_JITTER: '1.2' }, message: /CACHE_TTL_JITTER must be a fraction between 0 and 1, got '1.2'/ },
      { testDescription: 'negative jitter', env: { ...dbCache, CACHE_TTL_JITTER: '-0.1' }, message: /CACHE_TTL_JITTER must be a fraction between 0 and 1, got '-0.1'/ },
      { testDescription: 'an unknown strategy', env: { ...dbCache, CACHE_INVALIDATION: 'lru' }, message: /CACHE_INVALIDATION must be one of ttl, write, versioned, got 'lru'/ },
      { testDescription: 'a database host without port', env: { ...dbCache, CACHE_DB_PORT: undefined }, message: /CACHE_DB_HOST and CACHE_DB_PORT must be set together/ },
      { testDescription: 'a database secret alone', env: { ...standalone, CACHE_DB_SECRET_ARN: 'arn' }, message: /CACHE_DB_HOST and CACHE_DB_PORT must be set together/ },
      { testDescription: 'a bad database port', env: { ...dbCache, CACHE_DB_PORT: 'pg' }, message: /CACHE_DB_PORT must be a port number between 1 and 65535, got 'pg'/ },
    ])('rejects $testDescription', ({ env, message }) => {
      expect(() => connectionFromEnv('CACHE', env)).toThrow(message);
    });
  });

  test('points at loadConnection when only the parameter variable is set', () => {
    expect(() => connectionFromEnv('CACHE', { CACHE_PARAMETER: 'arn:aws:ssm:us-east-1:123456789012:parameter/contract' })).toThrow(
      "The CACHE_* contract is in the SSM parameter arn:aws:ssm:us-east-1:123456789012:parameter/contract (CACHE_PARAMETER), not in the environment: read it with await loadConnection('CACHE')");
  });
});
