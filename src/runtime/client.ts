/**
 * Ready clients from the connection contract: ioredis (or iovalkey) for Valkey and Redis OSS,
 * standalone or cluster as the mode says, and memjs with auto discovery for Memcached. TLS,
 * credentials from Secrets Manager and IAM auth tokens are handled here, so application code
 * holds no endpoint, port, certificate or password.
 */
import * as tls from 'node:tls';
import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import type * as memjs from 'memjs';
import { AwsOptions, resolveCredentials, resolveRegion } from './aws';
import { CacheConnectionInfo, CacheEndpoint, DEFAULT_CONTRACT_PREFIX } from './contract';
import { IamAuthTokenProvider } from './iam-token';
import { discoverMemcachedNodes, MemcachedNode } from './memcached-discovery';
import { loadIoredis, loadIovalkey, loadMemjs, nodeNetModule } from './modules';
import { LoadConnectionOptions, SsmLike, loadConnection } from './parameter';
import { SecretCache, credentialFromSecretString, defaultSecretCache } from './secrets';

/** A Valkey or Redis OSS client: ioredis's `Redis`, or its `Cluster` in cluster and serverless modes. */
export type RedisClient = Redis | Cluster;
/** A Memcached client (memjs). */
export type MemcachedClient = memjs.Client;
/** Either kind, as `createClient` returns it. */
export type CacheClient = RedisClient | MemcachedClient;

/** Options of {@link createClient}. */
export interface CreateClientOptions extends AwsOptions {
  /**
   * The contract's variable prefix.
   *
   * @default 'CACHE'
   */
  readonly prefix?: string;

  /**
   * The environment to read the contract from.
   *
   * @default process.env
   */
  readonly env?: Record<string, string | undefined>;

  /**
   * A contract already read (skips reading the environment).
   *
   * @default - read with `loadConnection(prefix)`
   */
  readonly connection?: CacheConnectionInfo;

  /**
   * Where reads go. `reader`: the reader endpoint with cluster mode disabled (a client that can
   * only read), replicas (`scaleReads: 'slave'`) with cluster mode enabled.
   *
   * @default 'primary'
   */
  readonly readFrom?: 'primary' | 'reader';

  /**
   * The Valkey/Redis client library. iovalkey is a fork of ioredis with the same API.
   *
   * @default 'ioredis'
   */
  readonly library?: 'ioredis' | 'iovalkey';

  /**
   * Where tokens and passwords are read and cached.
   *
   * @default the process-wide cache over Secrets Manager
   */
  readonly secrets?: SecretCache;

  /**
   * The SSM client for an instance's contract parameter.
   *
   * @default a new SSMClient
   */
  readonly ssm?: SsmLike;

  /**
   * More ioredis options (applied to each node's connection in cluster mode).
   *
   * @default - none
   */
  readonly redisOptions?: RedisOptions;

  /**
   * More ioredis `Cluster` options.
   *
   * @default - none
   */
  readonly clusterOptions?: ClusterOptions;

  /**
   * memjs options (timeouts, retries, default expiry).
   *
   * @default - memjs's defaults, with a 2 second operation timeout
   */
  readonly memcachedOptions?: memjs.ClientOptions & memjs.ServerOptions;

  /**
   * How often a Memcached client asks the configuration endpoint for the current nodes; 0 turns
   * it off. Nodes found at creation are always used.
   *
   * @default 60000
   */
  readonly memcachedRediscoverMs?: number;

  /**
   * How often an IAM auth token is re-signed in the background (tokens last 15 minutes; a token
   * is also re-signed before a reconnect when it is older than 10 minutes).
   *
   * @default 600000
   */
  readonly iamTokenRefreshMs?: number;

  /**
   * The clock, in milliseconds (tests).
   *
   * @default Date.now
   */
  readonly now?: () => number;
}

/**
 * A connected client for the cache in the contract: `Redis` or `Cluster` (ioredis) for Valkey and
 * Redis OSS, a memjs `Client` for Memcached. Use {@link createRedisClient} or
 * {@link createMemcachedClient} when the code needs one kind.
 */
export async function createClient(options: CreateClientOptions = {}): Promise<CacheClient> {
  const info = await connectionOf(options);
  return info.engine === 'memcached'
    ? createMemcachedClient({ ...options, connection: info })
    : createRedisClient({ ...options, connection: info });
}

/** A Valkey or Redis OSS client for the contract's cache. */
export async function createRedisClient(options: CreateClientOptions = {}): Promise<RedisClient> {
  const info = await connectionOf(options);
  if (info.engine === 'memcached') {
    throw new Error(`The ${info.prefix}_* contract is for a Memcached cache: use createMemcachedClient()`);
  }
  const credentials = credentialSource(info, options);
  const password = await credentials.current();
  const tlsOptions = tlsFor(info);
  const lib = options.library === 'iovalkey' ? loadIovalkey() : loadIoredis();
  const connection: RedisOptions = {
    ...(credentials.username !== undefined ? { username: credentials.username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(tlsOptions ? { tls: tlsOptions } : {}),
    ...options.redisOptions,
  };
  const reader = options.readFrom === 'reader';
  let client: RedisClient;
  if (info.mode === 'cluster' || info.mode === 'serverless') {
    if (reader && info.mode === 'serverless') {
      throw new Error('readFrom \'reader\' is not supported for serverless caches: reads go through the endpoint');
    }
    client = new lib.Cluster([{ host: info.endpoint.host, port: info.endpoint.port }], {
      // ElastiCache's certificates name the nodes' host names: connect by name, not by resolved IP.
      dnsLookup: (address, callback) => callback(null, address),
      scaleReads: reader ? 'slave' : 'master',
      redisOptions: connection,
      ...options.clusterOptions,
    });
  } else {
    const endpoint: CacheEndpoint = reader ? readerOf(info) : info.endpoint;
    client = new lib.Redis({ host: endpoint.host, port: endpoint.port, ...connection });
  }
  keepCredentialsFresh(client, credentials, info);
  return client;
}

/** A Memcached client for the contract's cache, over every node that auto discovery reports. */
export async function createMemcachedClient(options: CreateClientOptions = {}): Promise<MemcachedClient> {
  const info = await connectionOf(options);
  if (info.engine !== 'memcached') {
    throw new Error(`The ${info.prefix}_* contract is for a ${info.engine} cache: use createRedisClient()`);
  }
  const tlsOptions = tlsFor(info);
  const memjsModule = loadMemjs();
  const serverOptions = { timeout: 2, ...options.memcachedOptions };
  // A serverless Memcached cache has one endpoint; a node-based cluster lists its nodes.
  const discover = () => info.mode === 'memcached'
    ? discoverMemcachedNodes(info.endpoint, tlsOptions)
    : Promise.resolve({ version: 0, nodes: [{ host: info.endpoint.host, port: info.endpoint.port }] });
  const found = await discover();
  const makeServer = (node: MemcachedNode) => memcachedServer(memjsModule, node, serverOptions, tlsOptions);
  const client = new memjsModule.Client(found.nodes.map(makeServer), serverOptions);
  const every = options.memcachedRediscoverMs ?? 60_000;
  if (info.mode === 'memcached' && every > 0) {
    let version = found.version;
    const timer = setInterval(() => {
      discover().then((next) => {
        if (next.version === version) return;
        version = next.version;
        replaceServers(client, next.nodes, makeServer);
      }, () => undefined);
    }, every);
    timer.unref();
    for (const method of ['close', 'quit'] as const) {
      const original = client[method].bind(client);
      client[method] = () => {
        clearInterval(timer);
        original();
      };
    }
  }
  return client;
}

async function connectionOf(options: CreateClientOptions): Promise<CacheConnectionInfo> {
  if (options.connection) return options.connection;
  const loadOptions: LoadConnectionOptions = { env: options.env, ssm: options.ssm, region: options.region, credentials: options.credentials };
  return loadConnection(options.prefix ?? DEFAULT_CONTRACT_PREFIX, loadOptions);
}

function readerOf(info: CacheConnectionInfo): CacheEndpoint {
  if (!info.reader) {
    throw new Error(`readFrom 'reader' needs a reader endpoint, and the ${info.prefix}_* contract has none (${info.prefix}_READER_HOST)`);
  }
  return info.reader;
}

/** TLS options: public CAs in AWS; the local engine's CA when the contract carries one. */
function tlsFor(info: CacheConnectionInfo): tls.ConnectionOptions | undefined {
  if (!info.tls) return undefined;
  return info.tlsCa !== undefined ? { ca: info.tlsCa } : {};
}

/** Where a client's password comes from, and how it is renewed. */
interface CredentialSource {
  readonly username?: string;
  /** Background renewal interval, if the value expires. */
  readonly renewEveryMs?: number;
  current(): Promise<string | undefined>;
  /** A fresh value after an authentication failure (or a renewal). */
  renew(): Promise<string | undefined>;
  /** Whether the value should be renewed before the next connection. */
  stale(): boolean;
}

function credentialSource(info: CacheConnectionInfo, options: CreateClientOptions): CredentialSource {
  const never = () => false;
  if (info.auth === 'none') {
    return { current: async () => undefined, renew: async () => undefined, stale: never };
  }
  // Locally the contract carries the token or password itself.
  if (info.password !== undefined) {
    const password = info.password;
    return { username: info.user, current: async () => password, renew: async () => password, stale: never };
  }
  if (info.auth === 'iam') {
    const provider = new IamAuthTokenProvider({
      cacheId: info.cacheId!,
      user: info.user!,
      region: resolveRegion(options, options.env),
      credentials: resolveCredentials(options),
      serverless: info.mode === 'serverless',
      now: options.now,
    });
    return {
      username: info.user,
      current: () => provider.token(),
      renew: () => provider.refresh(),
      stale: () => provider.stale,
      renewEveryMs: options.iamTokenRefreshMs ?? 600_000,
    };
  }
  const secrets = options.secrets ?? defaultSecretCache();
  const arn = info.secretArn!;
  // An RBAC user authenticates as the contract's user (the contract requires one); an AUTH token
  // authenticates the default user. A JSON secret's own username is not used.
  const username = info.auth === 'password' ? info.user : undefined;
  const read = async (fresh: boolean) =>
    credentialFromSecretString(fresh ? await secrets.refresh(arn) : await secrets.get(arn)).password;
  return {
    username,
    current: () => read(false),
    renew: () => read(true),
    stale: never,
  };
}

/** Errors that mean the credential was refused (rotated token, expired IAM token). */
export function isAuthError(error: unknown): boolean {
  const message = (error as { message?: string })?.message ?? '';
  return /WRONGPASS|NOAUTH|invalid password|invalid username-password pair|user is disabled/i.test(message);
}

/**
 * Puts a renewed password where ioredis reads it when it (re)connects: the client's options, and
 * in cluster mode also the options of every node connection and of the pool that creates them.
 */
function setPassword(client: RedisClient, password: string | undefined, cluster: boolean): void {
  if (password === undefined) return;
  if (!cluster) {
    (client as Redis).options.password = password;
    return;
  }
  const c = client as Cluster;
  c.options.redisOptions = { ...c.options.redisOptions, password };
  // The pool that creates node connections keeps its own copy of redisOptions.
  const pool = (client as unknown as { connectionPool?: { redisOptions?: RedisOptions } }).connectionPool;
  if (pool?.redisOptions) pool.redisOptions.password = password;
  for (const node of c.nodes('all')) node.options.password = password;
}

function keepCredentialsFresh(client: RedisClient, credentials: CredentialSource, info: CacheConnectionInfo): void {
  const cluster = info.mode === 'cluster' || info.mode === 'serverless';
  let renewing: Promise<void> | undefined;
  const renew = () => {
    renewing ??= credentials.renew()
      .then((password) => setPassword(client, password, cluster), () => undefined)
      .finally(() => { renewing = undefined; });
    return renewing;
  };
  const onError = (error: unknown) => {
    if (isAuthError(error)) void renew();
  };
  client.on('error', onError);
  if (cluster) client.on('node error', onError);
  client.on('reconnecting', () => {
    if (credentials.stale()) void renew();
  });
  if (credentials.renewEveryMs !== undefined && credentials.renewEveryMs > 0) {
    const timer = setInterval(() => void renew(), credentials.renewEveryMs);
    timer.unref();
    client.once('end', () => clearInterval(timer));
  }
}

/** A memjs server, speaking TLS when the cache requires it. */
function memcachedServer(
  memjsModule: typeof memjs,
  node: MemcachedNode,
  serverOptions: memjs.ServerOptions,
  tlsOptions: tls.ConnectionOptions | undefined,
): memjs.Server {
  const server = new memjsModule.Server(node.host, node.port, undefined, undefined, serverOptions);
  if (tlsOptions === undefined) return server;
  // memjs opens plain sockets with net.connect inside Server#sock and has no TLS option. For the
  // duration of that synchronous call, net.connect opens a TLS socket instead (same arguments,
  // callback on secureConnect); every other use of net.connect is unaffected.
  const sock = (server as unknown as { sock: (sasl: boolean, go: unknown) => void }).sock;
  const net = nodeNetModule();
  (server as unknown as { sock: (sasl: boolean, go: unknown) => void }).sock = function patchedSock(this: unknown, sasl, go) {
    const original = net.connect;
    (net as { connect: unknown }).connect = (port: number, host: string, onConnect: () => void) =>
      tls.connect({ ...tlsOptions, port, host, servername: isIpAddress(host) ? undefined : host }, onConnect);
    try {
      sock.call(this, sasl, go);
    } finally {
      (net as { connect: unknown }).connect = original;
    }
  };
  return server;
}

function isIpAddress(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':');
}

/** Swaps a memjs client's servers for the newly discovered ones, keeping those that remain. */
function replaceServers(client: MemcachedClient, nodes: readonly MemcachedNode[], makeServer: (node: MemcachedNode) => memjs.Server): void {
  const current = client.servers as Array<memjs.Server & { host: string; port: number }>;
  const byAddress = new Map(current.map((s) => [`${s.host}:${s.port}`, s]));
  const next = nodes.map((n) => byAddress.get(`${n.host}:${n.port}`) ?? makeServer(n));
  for (const server of current) {
    if (!next.includes(server)) server.close();
  }
  (client as unknown as { servers: memjs.Server[] }).servers = next;
}
