import { ResolveContext, UnresolvedError, resolveValue, tryResolve } from './intrinsics';
import type { LoadedTemplate } from './template';

/** A Valkey / Redis OSS cache read from a template. */
export interface RedisCacheSpec {
  readonly kind: 'replication-group' | 'serverless' | 'cache-cluster';
  readonly logicalId: string;
  readonly path: string | undefined;
  /** Replication group id, cache cluster id or serverless cache name (lower case). */
  readonly id: string;
  readonly engine: 'valkey' | 'redis';
  readonly version: string;
  readonly clusterMode: boolean;
  readonly shards: number;
  readonly replicasPerShard: number;
  readonly port: number;
  readonly tls: boolean;
  /** `required` or `preferred` (TLS and plaintext on one port). */
  readonly transitMode: 'required' | 'preferred';
  readonly authToken: string | undefined;
  /** Logical ids (or ids) of the user groups that hold the cache's RBAC users. */
  readonly userGroups: readonly string[];
  /** Parameters of the cache's parameter group, as the template gives them. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Parameter group name when it is not defined in the template (e.g. default.valkey8.cluster.on). */
  readonly parameterGroupName: string | undefined;
  readonly nodeType: string | undefined;
}

/** A Memcached cluster read from a template. */
export interface MemcachedCacheSpec {
  readonly kind: 'memcached' | 'serverless-memcached';
  readonly logicalId: string;
  readonly path: string | undefined;
  readonly id: string;
  readonly version: string;
  readonly nodes: number;
  readonly port: number;
  readonly tls: boolean;
  readonly nodeType: string | undefined;
}

export type CacheSpec = RedisCacheSpec | MemcachedCacheSpec;

/** Whether a cache runs Valkey or Redis OSS (not Memcached). */
export function isRedisSpec(spec: CacheSpec): spec is RedisCacheSpec {
  return spec.kind !== 'memcached' && spec.kind !== 'serverless-memcached';
}

/** An ElastiCache user (RBAC) read from a template. */
export interface UserSpec {
  readonly logicalId: string;
  readonly userId: string;
  readonly userName: string;
  readonly accessString: string;
  readonly authentication: 'password' | 'iam' | 'no-password-required';
  readonly passwords: readonly string[];
}

export interface UserGroupSpec {
  readonly logicalId: string;
  readonly userGroupId: string;
  /** User ids in the group. */
  readonly userIds: readonly string[];
}

/** Everything cache-related in a template. */
export interface TopologySpec {
  readonly caches: CacheSpec[];
  readonly users: UserSpec[];
  readonly userGroups: UserGroupSpec[];
  /** Things in the template the local engine cannot reproduce, said plainly. */
  readonly warnings: string[];
}

const DEFAULT_VERSIONS: Record<string, string> = { valkey: '8.1', redis: '7.1', memcached: '1.6.22' };

/** Reads the caches, users and user groups of a template. */
export function readTopology(loaded: LoadedTemplate, ctx: ResolveContext): TopologySpec {
  const resources = loaded.template.Resources ?? {};
  const warnings: string[] = [];
  const caches: CacheSpec[] = [];
  const users: UserSpec[] = [];
  const userGroups: UserGroupSpec[] = [];
  const prop = (id: string, name: string): unknown => {
    const raw = resources[id].Properties?.[name];
    if (raw === undefined) return undefined;
    try {
      return resolveValue(raw, ctx);
    } catch (e) {
      if (e instanceof UnresolvedError) throw new Error(`${id}.${name} cannot be resolved locally: it depends on ${e.message}`);
      throw e;
    }
  };
  const parameterGroup = (id: string): { parameters: Record<string, string>; name: string | undefined } => {
    const raw = resources[id].Properties?.CacheParameterGroupName;
    if (raw === undefined) return { parameters: {}, name: undefined };
    const refId = typeof raw === 'object' && raw !== null && 'Ref' in raw ? String((raw as { Ref: unknown }).Ref) : undefined;
    if (refId !== undefined && resources[refId]?.Type === 'AWS::ElastiCache::ParameterGroup') {
      const params = (tryResolve(resources[refId].Properties?.Properties ?? {}, ctx) ?? {}) as Record<string, unknown>;
      return { parameters: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])), name: undefined };
    }
    const name = tryResolve(raw, ctx);
    return { parameters: {}, name: typeof name === 'string' ? name : undefined };
  };

  for (const [id, resource] of Object.entries(resources)) {
    const path = loaded.paths.get(id);
    switch (resource.Type) {
      case 'AWS::ElastiCache::ReplicationGroup': {
        const engine = String(prop(id, 'Engine') ?? 'redis').toLowerCase() as 'valkey' | 'redis';
        const { parameters, name } = parameterGroup(id);
        const numNodeGroups = prop(id, 'NumNodeGroups') as number | undefined;
        const clusterMode = parameters['cluster-enabled'] === 'yes' || (name?.endsWith('.cluster.on') ?? false) || Number(numNodeGroups ?? 1) > 1;
        const numCacheClusters = prop(id, 'NumCacheClusters') as number | undefined;
        const replicasPerNodeGroup = prop(id, 'ReplicasPerNodeGroup') as number | undefined;
        const replicas = replicasPerNodeGroup !== undefined ? Number(replicasPerNodeGroup) : Math.max(0, Number(numCacheClusters ?? 1) - 1);
        const transit = prop(id, 'TransitEncryptionEnabled');
        caches.push({
          kind: 'replication-group',
          logicalId: id,
          path,
          id: String(prop(id, 'ReplicationGroupId') ?? localId(id)).toLowerCase(),
          engine,
          version: String(prop(id, 'EngineVersion') ?? DEFAULT_VERSIONS[engine]),
          clusterMode,
          shards: clusterMode ? Number(numNodeGroups ?? 1) : 1,
          replicasPerShard: replicas,
          port: Number(prop(id, 'Port') ?? 6379),
          tls: transit === true || transit === 'true',
          transitMode: prop(id, 'TransitEncryptionMode') === 'preferred' ? 'preferred' : 'required',
          authToken: prop(id, 'AuthToken') as string | undefined,
          userGroups: ((prop(id, 'UserGroupIds') as unknown[] | undefined) ?? []).map(String),
          parameters,
          parameterGroupName: name,
          nodeType: prop(id, 'CacheNodeType') as string | undefined,
        });
        break;
      }
      case 'AWS::ElastiCache::CacheCluster': {
        const engine = String(prop(id, 'Engine') ?? 'memcached').toLowerCase();
        const transit = prop(id, 'TransitEncryptionEnabled');
        const tls = transit === true || transit === 'true';
        if (engine === 'memcached') {
          caches.push({
            kind: 'memcached',
            logicalId: id,
            path,
            id: String(prop(id, 'ClusterName') ?? localId(id)).toLowerCase(),
            version: String(prop(id, 'EngineVersion') ?? DEFAULT_VERSIONS.memcached),
            nodes: Number(prop(id, 'NumCacheNodes') ?? 1),
            port: Number(prop(id, 'Port') ?? 11211),
            tls,
            nodeType: prop(id, 'CacheNodeType') as string | undefined,
          });
        } else {
          const { parameters, name } = parameterGroup(id);
          caches.push({
            kind: 'cache-cluster',
            logicalId: id,
            path,
            id: String(prop(id, 'ClusterName') ?? localId(id)).toLowerCase(),
            engine: engine as 'valkey' | 'redis',
            version: String(prop(id, 'EngineVersion') ?? DEFAULT_VERSIONS[engine] ?? '7.1'),
            clusterMode: false,
            shards: 1,
            replicasPerShard: 0,
            port: Number(prop(id, 'Port') ?? 6379),
            tls,
            transitMode: 'required',
            authToken: undefined,
            userGroups: [],
            parameters,
            parameterGroupName: name,
            nodeType: prop(id, 'CacheNodeType') as string | undefined,
          });
        }
        break;
      }
      case 'AWS::ElastiCache::ServerlessCache': {
        const engine = String(prop(id, 'Engine') ?? 'valkey').toLowerCase();
        const name = String(prop(id, 'ServerlessCacheName') ?? localId(id)).toLowerCase();
        const major = prop(id, 'MajorEngineVersion');
        if (engine === 'memcached') {
          caches.push({
            kind: 'serverless-memcached',
            logicalId: id,
            path,
            id: name,
            version: String(major ?? '1.6'),
            nodes: 1,
            port: 11211,
            tls: true,
            nodeType: undefined,
          });
        } else {
          const userGroup = prop(id, 'UserGroupId');
          caches.push({
            kind: 'serverless',
            logicalId: id,
            path,
            id: name,
            engine: engine as 'valkey' | 'redis',
            version: String(major ?? (engine === 'valkey' ? '8' : '7')),
            clusterMode: true,
            shards: 1,
            replicasPerShard: 1,
            port: 6379,
            tls: true,
            transitMode: 'required',
            authToken: undefined,
            userGroups: userGroup === undefined ? [] : [String(userGroup)],
            parameters: {},
            parameterGroupName: undefined,
            nodeType: undefined,
          });
        }
        break;
      }
      case 'AWS::ElastiCache::User': {
        const mode = prop(id, 'AuthenticationMode') as { Type?: string; Passwords?: unknown[] } | undefined;
        const noPassword = prop(id, 'NoPasswordRequired') === true || prop(id, 'NoPasswordRequired') === 'true';
        const passwords = ((mode?.Passwords ?? (prop(id, 'Passwords') as unknown[] | undefined)) ?? []).map(String);
        const type = mode?.Type ?? (noPassword ? 'no-password-required' : 'password');
        users.push({
          logicalId: id,
          userId: String(prop(id, 'UserId')),
          userName: String(prop(id, 'UserName')),
          accessString: String(prop(id, 'AccessString') ?? 'off'),
          authentication: type === 'iam' ? 'iam' : type === 'no-password-required' ? 'no-password-required' : 'password',
          passwords,
        });
        break;
      }
      case 'AWS::ElastiCache::UserGroup':
        userGroups.push({
          logicalId: id,
          userGroupId: String(prop(id, 'UserGroupId')),
          userIds: ((prop(id, 'UserIds') as unknown[] | undefined) ?? []).map(String),
        });
        break;
      case 'AWS::ElastiCache::GlobalReplicationGroup':
        warnings.push(`${id}: global datastores are not reproduced locally; their member groups are`);
        break;
      default:
        break;
    }
  }
  return { caches, users, userGroups, warnings };
}

/** The id CloudFormation would generate for a cache without an explicit one: lower case, ≤ 40 chars. */
export function localId(logicalId: string): string {
  const id = logicalId.toLowerCase().replace(/[^a-z0-9-]/g, '');
  return (/^[a-z]/.test(id) ? id : `c${id}`).slice(0, 40).replace(/-+$/, '');
}
