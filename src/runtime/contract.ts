/**
 * The connection contract: the environment variables a cache construct writes into each consumer
 * (Lambda function, container, instance) and that the local engine hands out for tests. This module
 * reads and writes them; it has no dependency on any client library.
 */

/** Engines a cache can run. */
export type CacheEngineName = 'valkey' | 'redis' | 'memcached';

/**
 * How the cache is reached:
 * - `standalone`: cluster mode disabled (primary endpoint, optional reader endpoint)
 * - `cluster`: cluster mode enabled (configuration endpoint, cluster protocol)
 * - `serverless`: ElastiCache Serverless (one endpoint, cluster protocol, optional reader port)
 * - `memcached`: a Memcached cluster (configuration endpoint with auto discovery)
 */
export type CacheMode = 'standalone' | 'cluster' | 'serverless' | 'memcached';

/** How a client authenticates. */
export type CacheAuthMode = 'none' | 'token' | 'password' | 'iam';

/**
 * How a database cache's entries are invalidated (`CACHE_INVALIDATION`):
 * - `ttl`: entries expire after the TTL; writes leave the cache alone
 * - `write`: writes delete the keys they affect
 * - `versioned`: writes increment the keys' versions, which are part of the entries' keys
 */
export type InvalidationMode = 'ttl' | 'write' | 'versioned';

/** The database behind a database cache (`CACHE_DB_*`). */
export interface DatabaseEndpoint {
  readonly host: string;
  readonly port: number;
  /** Secrets Manager secret with the database credentials. */
  readonly secretArn?: string;
}

export interface CacheEndpoint {
  readonly host: string;
  readonly port: number;
}

/** The parsed contract. */
export interface CacheConnectionInfo {
  /** The variable prefix the contract was read with, e.g. `CACHE`. */
  readonly prefix: string;
  readonly engine: CacheEngineName;
  readonly mode: CacheMode;
  /** Primary endpoint (standalone), configuration endpoint (cluster, memcached) or endpoint (serverless). */
  readonly endpoint: CacheEndpoint;
  /** Reader endpoint where the cache has one. */
  readonly reader?: CacheEndpoint;
  readonly tls: boolean;
  readonly auth: CacheAuthMode;
  /** RBAC or IAM user name. */
  readonly user?: string;
  /** Secrets Manager secret holding the AUTH token or the RBAC password. */
  readonly secretArn?: string;
  /** Replication group, cache cluster or serverless cache id. */
  readonly cacheId?: string;
  /** Local engine only: PEM of the CA that signed the local TLS certificates. */
  readonly tlsCa?: string;
  /** Local engine only: the token or password itself, standing in for the Secrets Manager lookup. */
  readonly password?: string;
  /** Session store: the default session TTL in seconds (`CACHE_SESSION_TTL`). */
  readonly sessionTtlSeconds?: number;
  /** Database cache: the entry TTL in seconds (`CACHE_TTL`). */
  readonly ttlSeconds?: number;
  /** Database cache: how much TTLs are spread either way, a fraction 0..1 (`CACHE_TTL_JITTER`). */
  readonly ttlJitter?: number;
  /** Database cache: the invalidation strategy (`CACHE_INVALIDATION`). */
  readonly invalidation?: InvalidationMode;
  /** Database cache: the database behind the cache (`CACHE_DB_HOST`, `CACHE_DB_PORT`, `CACHE_DB_SECRET_ARN`). */
  readonly database?: DatabaseEndpoint;
}

/** The contract's variable names, without prefix. */
export const CONTRACT_VARIABLES = [
  'ENGINE', 'MODE', 'HOST', 'PORT', 'READER_HOST', 'READER_PORT', 'TLS', 'AUTH',
  'USER', 'SECRET_ARN', 'ID', 'TLS_CA', 'PASSWORD',
  'SESSION_TTL', 'TTL', 'TTL_JITTER', 'INVALIDATION', 'DB_HOST', 'DB_PORT', 'DB_SECRET_ARN',
] as const;

export type ContractVariable = typeof CONTRACT_VARIABLES[number];

/** The default variable prefix. */
export const DEFAULT_CONTRACT_PREFIX = 'CACHE';

const ENGINES: readonly CacheEngineName[] = ['valkey', 'redis', 'memcached'];
const MODES: readonly CacheMode[] = ['standalone', 'cluster', 'serverless', 'memcached'];
const AUTH_MODES: readonly CacheAuthMode[] = ['none', 'token', 'password', 'iam'];
const INVALIDATION_MODES: readonly InvalidationMode[] = ['ttl', 'write', 'versioned'];
const PREFIX_PATTERN = /^[A-Z][A-Z0-9_]*$/;

/** Thrown when the environment does not hold a valid connection contract. */
export class CacheContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CacheContractError';
  }
}

/**
 * Reads the connection contract from the environment.
 *
 * @param prefix the variable prefix the construct was given (default `CACHE`)
 * @param env the environment to read (default `process.env`)
 * @throws CacheContractError naming every missing or malformed variable
 */
export function connectionFromEnv(
  prefix: string = DEFAULT_CONTRACT_PREFIX,
  env: Record<string, string | undefined> = process.env,
): CacheConnectionInfo {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new CacheContractError(`The contract prefix must be upper-case letters, digits and underscores starting with a letter, got '${prefix}'`);
  }
  const problems: string[] = [];
  const name = (v: ContractVariable) => `${prefix}_${v}`;
  const read = (v: ContractVariable): string | undefined => {
    const value = env[name(v)];
    return value === undefined || value === '' ? undefined : value;
  };
  const required = (v: ContractVariable): string => {
    const value = read(v);
    if (value === undefined) problems.push(`${name(v)} is not set`);
    return value ?? '';
  };
  const oneOf = <T extends string>(v: ContractVariable, allowed: readonly T[]): T => {
    const value = required(v);
    if (value !== '' && !allowed.includes(value as T)) {
      problems.push(`${name(v)} must be one of ${allowed.join(', ')}, got '${value}'`);
    }
    return value as T;
  };
  const port = (v: ContractVariable, value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > 65535) {
      problems.push(`${name(v)} must be a port number between 1 and 65535, got '${value}'`);
    }
    return n;
  };

  const seconds = (v: ContractVariable): number | undefined => {
    const value = read(v);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value) || Number(value) < 1) {
      problems.push(`${name(v)} must be a whole number of seconds, at least 1, got '${value}'`);
    }
    return Number(value);
  };

  const noContract = CONTRACT_VARIABLES.every((v) => read(v) === undefined);
  if (noContract) {
    const parameter = env[`${prefix}_PARAMETER`];
    if (parameter !== undefined && parameter !== '') {
      throw new CacheContractError(
        `The ${prefix}_* contract is in the SSM parameter ${parameter} (${prefix}_PARAMETER), not in the environment: ` +
        `read it with await loadConnection('${prefix}')`,
      );
    }
    throw new CacheContractError(
      `No cache connection contract found: none of the ${prefix}_* variables is set. ` +
      'Grant the consumer access to the cache in your CDK app (it writes these variables), ' +
      'or start the local engine and pass its env() to your code.',
    );
  }

  const engine = oneOf('ENGINE', ENGINES);
  const mode = oneOf('MODE', MODES);
  const host = required('HOST');
  const portText = required('PORT');
  const endpoint = { host, port: portText === '' ? 0 : port('PORT', portText) };

  const readerHost = read('READER_HOST');
  const readerPortText = read('READER_PORT');
  let reader: CacheEndpoint | undefined;
  if (readerHost !== undefined || readerPortText !== undefined) {
    if (readerPortText === undefined) {
      problems.push(`${name('READER_PORT')} must be set when ${name('READER_HOST')} is`);
    } else {
      // Serverless caches expose the reader on another port of the same host.
      reader = { host: readerHost ?? host, port: port('READER_PORT', readerPortText) };
    }
  }

  const tlsText = oneOf('TLS', ['true', 'false'] as const);
  const auth = oneOf('AUTH', AUTH_MODES);
  const user = read('USER');
  const secretArn = read('SECRET_ARN');
  const cacheId = read('ID');
  const tlsCa = read('TLS_CA');
  const password = read('PASSWORD');

  if (engine === 'memcached' && (mode as string) !== '' && mode !== 'memcached' && mode !== 'serverless') {
    problems.push(`${name('MODE')} '${mode}' does not fit engine memcached: use memcached or serverless`);
  }
  if (engine !== 'memcached' && mode === 'memcached') {
    problems.push(`${name('MODE')} memcached needs ${name('ENGINE')} memcached, got '${engine}'`);
  }
  if ((auth === 'token' || auth === 'password') && secretArn === undefined && password === undefined) {
    problems.push(`${name('AUTH')} '${auth}' needs ${name('SECRET_ARN')} (or, locally, ${name('PASSWORD')})`);
  }
  if ((auth === 'password' || auth === 'iam') && user === undefined) {
    problems.push(`${name('AUTH')} '${auth}' needs ${name('USER')}`);
  }
  if (auth === 'iam' && cacheId === undefined) {
    problems.push(`${name('AUTH')} 'iam' needs ${name('ID')} (the cache id the token is signed for)`);
  }
  if (auth === 'token' && user !== undefined) {
    problems.push(`${name('AUTH')} 'token' does not take ${name('USER')}: use 'password' for RBAC users`);
  }
  if (auth !== 'none' && (auth as string) !== '' && tlsText === 'false' && mode !== 'memcached') {
    problems.push(`${name('AUTH')} '${auth}' requires ${name('TLS')} true: ElastiCache only accepts credentials over TLS`);
  }

  const sessionTtlSeconds = seconds('SESSION_TTL');
  const ttlSeconds = seconds('TTL');
  const jitterText = read('TTL_JITTER');
  let ttlJitter: number | undefined;
  if (jitterText !== undefined) {
    ttlJitter = Number(jitterText);
    if (!/^\d+(\.\d+)?$/.test(jitterText) || ttlJitter > 1) {
      problems.push(`${name('TTL_JITTER')} must be a fraction between 0 and 1, got '${jitterText}'`);
    }
  }
  const invalidation = read('INVALIDATION') as InvalidationMode | undefined;
  if (invalidation !== undefined && !INVALIDATION_MODES.includes(invalidation)) {
    problems.push(`${name('INVALIDATION')} must be one of ${INVALIDATION_MODES.join(', ')}, got '${invalidation}'`);
  }
  const dbHost = read('DB_HOST');
  const dbPortText = read('DB_PORT');
  const dbSecretArn = read('DB_SECRET_ARN');
  let database: DatabaseEndpoint | undefined;
  if (dbHost !== undefined || dbPortText !== undefined || dbSecretArn !== undefined) {
    if (dbHost === undefined || dbPortText === undefined) {
      problems.push(`${name('DB_HOST')} and ${name('DB_PORT')} must be set together (with ${name('DB_SECRET_ARN')} optionally)`);
    } else {
      database = { host: dbHost, port: port('DB_PORT', dbPortText), ...(dbSecretArn !== undefined ? { secretArn: dbSecretArn } : {}) };
    }
  }

  if (problems.length > 0) {
    throw new CacheContractError(`Invalid cache connection contract: ${problems.join('; ')}`);
  }
  return {
    prefix,
    engine,
    mode,
    endpoint,
    ...(reader ? { reader } : {}),
    tls: tlsText === 'true',
    auth,
    ...(user !== undefined ? { user } : {}),
    ...(secretArn !== undefined ? { secretArn } : {}),
    ...(cacheId !== undefined ? { cacheId } : {}),
    ...(tlsCa !== undefined ? { tlsCa } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(sessionTtlSeconds !== undefined ? { sessionTtlSeconds } : {}),
    ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
    ...(ttlJitter !== undefined ? { ttlJitter } : {}),
    ...(invalidation !== undefined ? { invalidation } : {}),
    ...(database !== undefined ? { database } : {}),
  };
}

/**
 * Writes a contract as environment variables (the inverse of {@link connectionFromEnv}).
 * Optional fields that are absent produce no variable.
 */
export function contractToEnv(info: Omit<CacheConnectionInfo, 'prefix'>, prefix: string = DEFAULT_CONTRACT_PREFIX): Record<string, string> {
  const env: Record<string, string> = {
    [`${prefix}_ENGINE`]: info.engine,
    [`${prefix}_MODE`]: info.mode,
    [`${prefix}_HOST`]: info.endpoint.host,
    [`${prefix}_PORT`]: String(info.endpoint.port),
    [`${prefix}_TLS`]: String(info.tls),
    [`${prefix}_AUTH`]: info.auth,
  };
  if (info.reader) {
    env[`${prefix}_READER_HOST`] = info.reader.host;
    env[`${prefix}_READER_PORT`] = String(info.reader.port);
  }
  const optional: Array<[ContractVariable, string | undefined]> = [
    ['USER', info.user], ['SECRET_ARN', info.secretArn], ['ID', info.cacheId], ['TLS_CA', info.tlsCa], ['PASSWORD', info.password],
    ['SESSION_TTL', text(info.sessionTtlSeconds)], ['TTL', text(info.ttlSeconds)], ['TTL_JITTER', text(info.ttlJitter)],
    ['INVALIDATION', info.invalidation],
    ['DB_HOST', info.database?.host], ['DB_PORT', text(info.database?.port)], ['DB_SECRET_ARN', info.database?.secretArn],
  ];
  for (const [v, value] of optional) {
    if (value !== undefined) env[`${prefix}_${v}`] = value;
  }
  return env;
}

function text(value: number | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}
