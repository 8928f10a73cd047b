import * as os from 'node:os';
import { Config } from '../config';
import { ResolveContext, resolveValue, tryResolve } from './intrinsics';
import { LocalMemcachedGroup } from './memcached-group';
import { RedisCacheSpec, TopologySpec, UserSpec, isRedisSpec, localId, readTopology } from './model';
import { nodeMemoryBytes } from './node-memory';
import { LocalEndpoint, LocalRedisGroup, NodeUser } from './redis-group';
import { generateSecretString, GenerateSecretString } from './secrets';
import { CfnResourceJson, LoadedTemplate, TemplateSource, loadTemplate } from './template';
import type { ListenerTls } from '../net/listener';
import { LocalCa } from '../tls/ca';

/** Options of {@link LocalElastiCache.start}. */
export interface LocalElastiCacheOptions {
  /** The stack to start from a cdk.out directory with several stacks. */
  readonly stack?: string;
  /** Address every node and endpoint binds to. @default '127.0.0.1' */
  readonly host?: string;
  /**
   * Delay in ms before a write reaches replicas (replication is asynchronous in ElastiCache);
   * 0 applies writes to replicas as soon as the primary's command completes. @default 0
   */
  readonly replicationDelayMs?: number;
  /**
   * Refuse the commands ElastiCache restricts (CONFIG, SAVE, DEBUG...), as AWS does.
   * @default true
   */
  readonly elasticacheMode?: boolean;
  /**
   * maxmemory of each node as a fraction of its node type's memory (after ElastiCache's 25%
   * reserved memory). `auto` scales every node down so the whole topology fits in a quarter of
   * this machine's memory. @default 'auto'
   */
  readonly memoryScale?: number | 'auto';
  /** Log sink for warnings and node logs. @default none */
  readonly log?: (line: string) => void;
}

/** A running cache of the topology. */
export interface LocalCache {
  readonly logicalId: string;
  /** Construct path of the cache's L1 resource, where known. */
  readonly path: string | undefined;
  /** Replication group id, cache cluster id or serverless cache name. */
  readonly id: string;
  readonly engine: 'valkey' | 'redis' | 'memcached';
  readonly mode: 'standalone' | 'cluster' | 'serverless' | 'memcached';
  readonly tls: boolean;
  /** Primary (standalone), configuration (cluster, memcached) or serverless endpoint. */
  readonly endpoint: LocalEndpoint;
  readonly readerEndpoint: LocalEndpoint | undefined;
  /** The AUTH token, when the cache uses one. */
  readonly authToken: string | undefined;
  /** The Valkey / Redis OSS nodes (undefined for Memcached). */
  readonly group: LocalRedisGroup | undefined;
  /** The Memcached nodes (undefined for Valkey / Redis OSS). */
  readonly memcached: LocalMemcachedGroup | undefined;
}

/** A consumer (Lambda function, container, instance) the template wires to caches. */
export interface LocalConsumer {
  readonly logicalId: string;
  readonly path: string | undefined;
  /** Its environment as the template gives it (unresolved). */
  readonly environment: Readonly<Record<string, unknown>>;
  /** Contract prefixes found in its environment. */
  readonly prefixes: readonly string[];
}

/**
 * The caches of a synthesized stack, running on this machine: same topology, auth, TLS and
 * parameters, and for each consumer the same connection contract the stack gives it in AWS,
 * pointing at the local endpoints.
 */
export class LocalElastiCache {
  /** Starts every cache of a stack, template object or file, or cdk.out directory. */
  public static async start(source: TemplateSource, options: LocalElastiCacheOptions = {}): Promise<LocalElastiCache> {
    const loaded = loadTemplate(source, { stack: options.stack });
    const local = new LocalElastiCache(loaded, options);
    try {
      await local.startCaches();
    } catch (e) {
      await local.stop();
      throw e;
    }
    return local;
  }

  /** The caches, in template order. */
  public readonly caches: LocalCache[] = [];
  /** The consumers that receive a connection contract. */
  public readonly consumers: LocalConsumer[] = [];
  /** Things in the template that are not reproduced locally. */
  public readonly warnings: string[] = [];
  /** PEM of the CA that signed the local TLS certificates (when any cache uses TLS). */
  public caCertificate: string | undefined;

  private readonly secrets = new Map<string, string>();
  private readonly secretArns = new Map<string, string>();
  private readonly resources: Record<string, CfnResourceJson>;
  private readonly ctx: ResolveContext;
  private spec!: TopologySpec;

  private constructor(private readonly loaded: LoadedTemplate, private readonly options: LocalElastiCacheOptions) {
    this.resources = loaded.template.Resources ?? {};
    this.ctx = {
      account: loaded.account,
      region: loaded.region,
      ref: (id) => this.ref(id),
      getAtt: (id, attr) => this.getAtt(id, attr),
      secretValue: (secretId) => this.secrets.get(secretId) ?? this.secrets.get(this.secretArns.get(secretId) ?? ''),
    };
    this.createSecrets();
  }

  /** The stack name the template came from. */
  public get stackName(): string {
    return this.loaded.stackName;
  }

  /** A cache by logical id, construct path (of the L1 or its L2 parent), or cache id. */
  public cache(ref: string): LocalCache {
    const found = this.caches.find((c) => matches(ref, c.logicalId, c.path) || c.id === ref.toLowerCase());
    if (found === undefined) {
      throw new Error(`No cache '${ref}' in ${this.stackName}; caches: ${this.caches.map((c) => c.path ?? c.logicalId).join(', ')}`);
    }
    return found;
  }

  /**
   * The environment a consumer receives, resolved to the local endpoints: the connection
   * contract variables the construct wrote (with `<PREFIX>_PASSWORD` standing in for the Secrets
   * Manager lookup and `<PREFIX>_TLS_CA` for the local CA) plus its other variables that resolve.
   */
  public env(consumer: string): Record<string, string> {
    const found = this.consumers.find((c) => matches(consumer, c.logicalId, c.path));
    if (found === undefined) {
      throw new Error(`No consumer '${consumer}' in ${this.stackName}; consumers: ${this.consumers.map((c) => c.path ?? c.logicalId).join(', ') || 'none'}`);
    }
    const out: Record<string, string> = {};
    for (const [name, raw] of Object.entries(found.environment)) {
      const value = tryResolve(raw, this.ctx);
      if (value !== undefined) out[name] = String(value);
    }
    for (const prefix of found.prefixes) {
      const cache = this.cacheForConsumer(found, prefix);
      const arn = out[`${prefix}_SECRET_ARN`];
      if (arn !== undefined) {
        const secret = this.ctx.secretValue(arn);
        if (secret !== undefined) out[`${prefix}_PASSWORD`] = passwordFromSecret(secret);
      }
      if (out[`${prefix}_TLS`] === 'true' && this.caCertificate !== undefined) out[`${prefix}_TLS_CA`] = this.caCertificate;
      if (cache !== undefined && out[`${prefix}_HOST`] === undefined) out[`${prefix}_HOST`] = cache.endpoint.host;
    }
    return out;
  }

  /** Promotes a replica of a cache (of one shard in cluster mode) to primary. */
  public failover(cacheRef: string, options: { shard?: number; replica?: number } = {}): void {
    const group = this.redisGroup(cacheRef);
    group.failover(options.shard ?? 0, options.replica ?? 0);
  }

  /** Changes the number of shards of a cluster-mode cache, moving slots and keys online. */
  public async reshard(cacheRef: string, shards: number): Promise<void> {
    await this.redisGroup(cacheRef).reshard(shards);
  }

  /** Stops every node and endpoint. */
  public async stop(): Promise<void> {
    await Promise.all(this.caches.map((c) => c.group?.stop() ?? c.memcached?.stop()));
  }

  private redisGroup(cacheRef: string): LocalRedisGroup {
    const cache = this.cache(cacheRef);
    if (cache.group === undefined) throw new Error(`Cache ${cache.id} is not a Valkey / Redis OSS cache`);
    return cache.group;
  }

  // ------------------------------------------------------------------------------------------
  // Start-up

  private createSecrets(): void {
    for (const [id, r] of Object.entries(this.resources)) {
      if (r.Type !== 'AWS::SecretsManager::Secret') continue;
      const arn = `arn:aws:secretsmanager:${this.loaded.region}:${this.loaded.account}:secret:${id}-local`;
      this.secretArns.set(id, arn);
      const props = r.Properties ?? {};
      const literal = props.SecretString !== undefined ? tryResolve(props.SecretString, this.ctx) : undefined;
      const value = typeof literal === 'string'
        ? literal
        : generateSecretString((props.GenerateSecretString ?? {}) as GenerateSecretString);
      this.secrets.set(arn, value);
      const name = tryResolve(props.Name, this.ctx);
      if (typeof name === 'string') this.secrets.set(name, value);
    }
  }

  private async startCaches(): Promise<void> {
    this.spec = readTopology(this.loaded, this.ctx);
    this.warnings.push(...this.spec.warnings);
    const needsTls = this.spec.caches.some((c) => c.tls);
    let tls: ListenerTls | undefined;
    if (needsTls) {
      const ca = LocalCa.shared();
      this.caCertificate = ca.certPem;
      tls = ca.issue(['localhost', this.options.host ?? '127.0.0.1']);
    }
    const scale = this.memoryScale();
    for (const spec of this.spec.caches) {
      if (!isRedisSpec(spec)) {
        const memory = spec.nodeType ? nodeMemoryBytes(spec.nodeType) : undefined;
        const memcached = await LocalMemcachedGroup.start(spec, {
          host: this.options.host ?? '127.0.0.1',
          tls: spec.tls ? tls : undefined,
          memoryLimitMb: memory === undefined ? undefined : Math.max(1, Math.floor((memory * scale) / (1024 * 1024))),
        });
        this.caches.push({
          logicalId: spec.logicalId,
          path: spec.path,
          id: spec.id,
          engine: 'memcached',
          mode: spec.kind === 'serverless-memcached' ? 'serverless' : 'memcached',
          tls: spec.tls,
          endpoint: memcached.endpoint,
          readerEndpoint: undefined,
          authToken: undefined,
          group: undefined,
          memcached,
        });
        continue;
      }
      const group = await LocalRedisGroup.start(spec, {
        host: this.options.host ?? '127.0.0.1',
        tls: spec.tls && tls ? { ...tls, allowPlaintext: spec.transitMode === 'preferred' } : undefined,
        replicationDelayMs: this.options.replicationDelayMs ?? 0,
        users: this.aclUsers(spec),
        serverOptions: {
          engine: spec.engine,
          version: engineVersion(spec),
          elasticache: this.options.elasticacheMode ?? true,
          password: spec.authToken,
          log: this.options.log,
          config: this.nodeConfig(spec, scale),
        },
      });
      this.caches.push({
        logicalId: spec.logicalId,
        path: spec.path,
        id: spec.id,
        engine: spec.engine,
        mode: spec.kind === 'serverless' ? 'serverless' : spec.clusterMode ? 'cluster' : 'standalone',
        tls: spec.tls,
        endpoint: group.endpoint,
        readerEndpoint: group.readerEndpoint,
        authToken: spec.authToken,
        group,
        memcached: undefined,
      });
    }
    this.findConsumers();
    for (const w of this.warnings) this.options.log?.(`warning: ${w}`);
  }

  /** Configuration of each node: the parameter group's settings the engine knows, and maxmemory. */
  private nodeConfig(spec: RedisCacheSpec, scale: number): Record<string, string> {
    const known = new Config();
    const config: Record<string, string> = {};
    for (const [name, value] of Object.entries(spec.parameters)) {
      if (name === 'cluster-enabled') continue;
      if (known.param(name) === undefined) {
        this.warnings.push(`${spec.logicalId}: parameter '${name}' is not applied locally`);
        continue;
      }
      config[name] = value;
    }
    const memory = spec.nodeType ? nodeMemoryBytes(spec.nodeType) : undefined;
    if (memory !== undefined && config.maxmemory === undefined) {
      // ElastiCache reserves 25% of a node's memory by default (reserved-memory-percent).
      config.maxmemory = String(Math.floor(memory * 0.75 * scale));
    }
    return config;
  }

  private memoryScale(): number {
    const option = this.options.memoryScale ?? 'auto';
    if (option !== 'auto') return option;
    let total = 0;
    for (const c of this.spec.caches) {
      const memory = c.nodeType ? nodeMemoryBytes(c.nodeType) ?? 0 : 0;
      total += isRedisSpec(c) ? memory * 0.75 * c.shards * (1 + c.replicasPerShard) : memory * c.nodes;
    }
    if (total === 0) return 1;
    return Math.min(1, (os.totalmem() * 0.25) / total);
  }

  /** ACL SETUSER rules for the users of a cache's user groups (RBAC). */
  private aclUsers(spec: RedisCacheSpec): NodeUser[] {
    if (spec.userGroups.length === 0) return [];
    const groups = this.spec.userGroups.filter((g) => spec.userGroups.includes(g.userGroupId) || spec.userGroups.includes(g.logicalId));
    const users = groups
      .flatMap((g) => g.userIds.map((id) => this.spec.users.find((u) => u.userId === id)))
      .filter((u): u is UserSpec => u !== undefined);
    const rules: NodeUser[] = users.map((u) => ({ name: u.userName, rules: aclRules(u), iam: u.authentication === 'iam' }));
    // Without a user named 'default' in the group, the default user cannot be used.
    if (!users.some((u) => u.userName === 'default')) rules.push({ name: 'default', rules: 'default off resetpass -@all', iam: false });
    return rules;
  }

  private findConsumers(): void {
    for (const [id, r] of Object.entries(this.resources)) {
      let environment: Record<string, unknown> | undefined;
      if (r.Type === 'AWS::Lambda::Function') {
        environment = ((r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables) ?? {};
      } else if (r.Type === 'AWS::ECS::TaskDefinition') {
        environment = {};
        const containers = (r.Properties?.ContainerDefinitions ?? []) as Array<{ Environment?: Array<{ Name: string; Value: unknown }> }>;
        for (const container of containers) {
          for (const e of container.Environment ?? []) environment[e.Name] = e.Value;
        }
      } else if (r.Type === 'AWS::SSM::Parameter') {
        const value = tryResolve(r.Properties?.Value, this.ctx);
        if (typeof value === 'string' && value.startsWith('{')) {
          try {
            const parsed = JSON.parse(value) as Record<string, unknown>;
            if (Object.keys(parsed).some((k) => k.endsWith('_ENGINE'))) environment = parsed;
          } catch {
            environment = undefined;
          }
        }
      }
      if (environment === undefined) continue;
      const prefixes = Object.keys(environment)
        .filter((k) => k.endsWith('_ENGINE') && Object.keys(environment!).includes(k.replace(/_ENGINE$/, '_HOST')))
        .map((k) => k.replace(/_ENGINE$/, ''));
      if (prefixes.length === 0) continue;
      this.consumers.push({ logicalId: id, path: this.loaded.paths.get(id), environment, prefixes });
    }
  }

  private cacheForConsumer(consumer: LocalConsumer, prefix: string): LocalCache | undefined {
    const id = tryResolve(consumer.environment[`${prefix}_ID`], this.ctx);
    return this.caches.find((c) => c.id === id);
  }

  // ------------------------------------------------------------------------------------------
  // Intrinsics

  private ref(id: string): string | undefined {
    const r = this.resources[id];
    if (r === undefined) return undefined;
    const p = (name: string): unknown => (r.Properties?.[name] === undefined ? undefined : resolveValue(r.Properties[name], this.ctx));
    switch (r.Type) {
      case 'AWS::SecretsManager::Secret': return this.secretArns.get(id);
      case 'AWS::ElastiCache::ReplicationGroup': return String(p('ReplicationGroupId') ?? localId(id)).toLowerCase();
      case 'AWS::ElastiCache::CacheCluster': return String(p('ClusterName') ?? localId(id)).toLowerCase();
      case 'AWS::ElastiCache::ServerlessCache': return String(p('ServerlessCacheName') ?? localId(id)).toLowerCase();
      case 'AWS::ElastiCache::User': return String(p('UserId'));
      case 'AWS::ElastiCache::UserGroup': return String(p('UserGroupId'));
      case 'AWS::ElastiCache::ParameterGroup': return localId(id);
      case 'AWS::ElastiCache::SubnetGroup': return String(p('CacheSubnetGroupName') ?? localId(id)).toLowerCase();
      default: return undefined;
    }
  }

  private getAtt(id: string, attribute: string): string | undefined {
    const r = this.resources[id];
    if (r === undefined) return undefined;
    if (r.Type === 'AWS::SecretsManager::Secret' && attribute === 'Id') return this.secretArns.get(id);
    if (r.Type === 'AWS::ElastiCache::User' && attribute === 'Arn') return `arn:aws:elasticache:${this.loaded.region}:${this.loaded.account}:user:${this.ref(id)}`;
    if (r.Type === 'AWS::ElastiCache::UserGroup' && attribute === 'Arn') return `arn:aws:elasticache:${this.loaded.region}:${this.loaded.account}:usergroup:${this.ref(id)}`;
    const cache = this.caches.find((c) => c.logicalId === id);
    if (cache === undefined) return undefined;
    const [endpointName, field] = attribute.split('.');
    let endpoint: LocalEndpoint | undefined;
    switch (endpointName) {
      case 'PrimaryEndPoint': case 'ConfigurationEndPoint': case 'ConfigurationEndpoint': case 'RedisEndpoint': case 'Endpoint':
        endpoint = cache.endpoint;
        break;
      case 'ReaderEndPoint': case 'ReaderEndpoint':
        endpoint = cache.readerEndpoint;
        break;
      case 'ARN': case 'Arn':
        return `arn:aws:elasticache:${this.loaded.region}:${this.loaded.account}:${cache.mode === 'serverless' ? 'serverlesscache' : 'replicationgroup'}:${cache.id}`;
      default:
        return undefined;
    }
    if (endpoint === undefined) return undefined;
    return field === 'Port' ? String(endpoint.port) : endpoint.host;
  }
}

function matches(ref: string, logicalId: string, path: string | undefined): boolean {
  if (ref === logicalId) return true;
  if (path === undefined) return false;
  const trimmed = path.replace(/\/(Resource|Default)$/, '');
  if (ref === path || ref === trimmed) return true;
  // A path without the stack name ("Cache" for "MyStack/Cache").
  const withoutStack = trimmed.slice(trimmed.indexOf('/') + 1);
  return ref === withoutStack;
}

/** Version string a node reports for the template's engine version. */
function engineVersion(spec: RedisCacheSpec): string {
  const v = spec.version;
  if (spec.engine === 'valkey') return v.split('.').length >= 3 ? v : v.startsWith('7') ? '7.2.4' : v.startsWith('8.0') || v === '8' ? '8.0.2' : `${v}.0`;
  return v.split('.').length >= 3 ? v : v.startsWith('6') ? '6.2.6' : v.startsWith('7.0') ? '7.0.7' : '7.1.0';
}

/** ACL SETUSER rule words for an ElastiCache user. */
function aclRules(user: UserSpec): string {
  const rules = [user.userName, 'reset'];
  rules.push(...user.accessString.split(/\s+/).filter((w) => w.length > 0));
  if (user.authentication === 'no-password-required') rules.push('nopass');
  for (const p of user.passwords) rules.push(`>${p}`);
  return rules.join(' ');
}

/** The password in a secret: the whole value, or its `password` field when it is JSON. */
function passwordFromSecret(secret: string): string {
  if (secret.startsWith('{')) {
    try {
      const parsed = JSON.parse(secret) as { password?: unknown };
      if (typeof parsed.password === 'string') return parsed.password;
    } catch {
      return secret;
    }
  }
  return secret;
}
