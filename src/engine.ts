import { Token } from 'aws-cdk-lib';

/**
 * The engine and version of a cache, as a parameter group sees it. Implemented by
 * {@link CacheEngine} (Valkey, Redis OSS) and {@link MemcachedVersion}.
 */
export interface ICacheEngineVersion {
  /** The CloudFormation engine name: `valkey`, `redis` or `memcached`. */
  readonly engineName: string;
  /** The engine version, e.g. `8.1` or `1.6.22`. */
  readonly version: string;
  /** The parameter group family, e.g. `valkey8`, `redis7`, `redis6.x`, `memcached1.6`. */
  readonly parameterGroupFamily: string;
}

/** The engines a replication group can run. */
export enum CacheEngineType {
  /** Valkey, the open-source successor of Redis OSS (the recommended engine). */
  VALKEY = 'valkey',
  /** Redis OSS. */
  REDIS = 'redis',
}

/** Parses `major.minor[.patch]` into numbers; throws naming the prop otherwise. */
function parseVersion(what: string, version: string): number[] {
  if (Token.isUnresolved(version)) {
    throw new Error(`${what} version must be a literal such as '8.1': the parameter group family is derived from it at synth time`);
  }
  if (!/^\d+\.\d+(\.\d+)?$/.test(version)) {
    throw new Error(`${what} version must look like 'major.minor' or 'major.minor.patch', got '${version}'`);
  }
  return version.split('.').map(Number);
}

/** a >= b for version arrays (missing parts count as 0). */
function atLeast(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/**
 * A Valkey or Redis OSS engine version for a {@link ReplicationGroup}.
 *
 * Use the constants for the versions this library knows (`CacheEngine.VALKEY_8_1`), or
 * `CacheEngine.valkey('9.0')` / `CacheEngine.redis('7.1')` for any other. The parameter group family
 * and the capabilities are derived from the version.
 */
export class CacheEngine implements ICacheEngineVersion {
  /** Valkey 7.2 (parameter group family `valkey7`). */
  public static readonly VALKEY_7_2 = new CacheEngine(CacheEngineType.VALKEY, '7.2');
  /** Valkey 8.0 (parameter group family `valkey8`). */
  public static readonly VALKEY_8_0 = new CacheEngine(CacheEngineType.VALKEY, '8.0');
  /** Valkey 8.1 (parameter group family `valkey8`). */
  public static readonly VALKEY_8_1 = new CacheEngine(CacheEngineType.VALKEY, '8.1');
  /** The latest Valkey version this library knows: 8.1. */
  public static readonly VALKEY_LATEST = CacheEngine.VALKEY_8_1;
  /** Redis OSS 6.2 (parameter group family `redis6.x`). */
  public static readonly REDIS_6_2 = new CacheEngine(CacheEngineType.REDIS, '6.2');
  /** Redis OSS 7.0 (parameter group family `redis7`). */
  public static readonly REDIS_7_0 = new CacheEngine(CacheEngineType.REDIS, '7.0');
  /** Redis OSS 7.1 (parameter group family `redis7`). */
  public static readonly REDIS_7_1 = new CacheEngine(CacheEngineType.REDIS, '7.1');
  /** The latest Redis OSS version this library knows: 7.1. */
  public static readonly REDIS_LATEST = CacheEngine.REDIS_7_1;

  /**
   * Any Valkey version, e.g. `CacheEngine.valkey('9.0')`. The parameter group family is
   * `valkey<major>`.
   */
  public static valkey(version: string): CacheEngine {
    return new CacheEngine(CacheEngineType.VALKEY, version);
  }

  /**
   * Any Redis OSS version, e.g. `CacheEngine.redis('7.1')`. The parameter group family follows
   * ElastiCache's naming: `redis7`, `redis6.x`, `redis5.0`, `redis4.0`, `redis3.2`, `redis2.8`.
   */
  public static redis(version: string): CacheEngine {
    return new CacheEngine(CacheEngineType.REDIS, version);
  }

  /** Valkey or Redis OSS. */
  public readonly engineType: CacheEngineType;
  /** The CloudFormation `Engine` value: `valkey` or `redis`. */
  public readonly engineName: string;
  /** The CloudFormation `EngineVersion` value. */
  public readonly version: string;
  /** The parameter group family, e.g. `valkey8`, `redis7`, `redis6.x`. */
  public readonly parameterGroupFamily: string;
  /** Whether in-transit encryption (TLS) is supported: Valkey, Redis OSS 3.2.6 and 4.0.10 onward. */
  public readonly supportsTls: boolean;
  /** Whether role-based access control (RBAC users and user groups) is supported: Valkey 7.2+, Redis OSS 6.0+. */
  public readonly supportsRbac: boolean;
  /** Whether IAM authentication is supported: Valkey 7.2+, Redis OSS 7.0+. */
  public readonly supportsIamAuth: boolean;
  /** Whether the `ipv6` and `dual_stack` network types are supported: Valkey 7.2+, Redis OSS 6.2+. */
  public readonly supportsIpv6: boolean;
  /** Whether data tiering (r6gd nodes) is supported: Valkey 7.2+, Redis OSS 6.2+. */
  public readonly supportsDataTiering: boolean;
  /**
   * The most nodes a cluster-mode-enabled replication group may have: 500 for Valkey and
   * Redis OSS 5.0.6 onward, 250 before.
   */
  public readonly maxClusterNodes: number;

  private constructor(engineType: CacheEngineType, version: string) {
    const what = engineType === CacheEngineType.VALKEY ? 'Valkey' : 'Redis OSS';
    const v = parseVersion(what, version);
    this.engineType = engineType;
    this.engineName = engineType;
    this.version = version;
    if (engineType === CacheEngineType.VALKEY) {
      if (!atLeast(v, [7, 2])) {
        throw new Error(`Valkey versions start at 7.2, got '${version}'`);
      }
      this.parameterGroupFamily = `valkey${v[0]}`;
      this.supportsTls = true;
      this.supportsRbac = true;
      this.supportsIamAuth = true;
      this.supportsIpv6 = true;
      this.supportsDataTiering = true;
      this.maxClusterNodes = 500;
    } else {
      this.parameterGroupFamily = redisFamily(v, version);
      this.supportsTls = atLeast(v, [4, 0, 10]) || (v[0] === 3 && v[1] === 2 && atLeast(v, [3, 2, 6]));
      this.supportsRbac = atLeast(v, [6, 0]);
      this.supportsIamAuth = atLeast(v, [7, 0]);
      this.supportsIpv6 = atLeast(v, [6, 2]);
      this.supportsDataTiering = atLeast(v, [6, 2]);
      this.maxClusterNodes = atLeast(v, [5, 0, 6]) ? 500 : 250;
    }
  }

  /**
   * The name of ElastiCache's default parameter group for this version:
   * `default.<family>` or, for cluster mode enabled, `default.<family>.cluster.on`.
   */
  public defaultParameterGroupName(clusterModeEnabled: boolean): string {
    return `default.${this.parameterGroupFamily}${clusterModeEnabled ? '.cluster.on' : ''}`;
  }

  /** A readable description, e.g. `valkey 8.1`. */
  public toString(): string {
    return `${this.engineName} ${this.version}`;
  }
}

function redisFamily(v: number[], version: string): string {
  const [major, minor] = v;
  if (major >= 7) return `redis${major}`;
  if (major === 6) return 'redis6.x';
  if (major >= 4) return `redis${major}.0`;
  if (major === 3 && minor === 2) return 'redis3.2';
  if (major === 2 && (minor === 6 || minor === 8)) return `redis2.${minor}`;
  throw new Error(`Redis OSS version '${version}' has no ElastiCache parameter group family: use 2.6, 2.8, 3.2, 4.0, 5.0, 6.x or 7.x`);
}

/**
 * A Memcached engine version for a {@link MemcachedCluster}.
 *
 * Use the constants, or `MemcachedVersion.of('1.6.x')` for any other version.
 */
export class MemcachedVersion implements ICacheEngineVersion {
  /** Memcached 1.5.16. */
  public static readonly V1_5_16 = new MemcachedVersion('1.5.16');
  /** Memcached 1.6.6 (IPv6 and dual-stack network types). */
  public static readonly V1_6_6 = new MemcachedVersion('1.6.6');
  /** Memcached 1.6.12 (the first with in-transit encryption). */
  public static readonly V1_6_12 = new MemcachedVersion('1.6.12');
  /** Memcached 1.6.17. */
  public static readonly V1_6_17 = new MemcachedVersion('1.6.17');
  /** Memcached 1.6.22. */
  public static readonly V1_6_22 = new MemcachedVersion('1.6.22');
  /** The latest Memcached version this library knows: 1.6.22. */
  public static readonly LATEST = MemcachedVersion.V1_6_22;

  /** Any Memcached version, e.g. `MemcachedVersion.of('1.6.19')`. */
  public static of(version: string): MemcachedVersion {
    return new MemcachedVersion(version);
  }

  /** Always `memcached`. */
  public readonly engineName: string = 'memcached';
  /** The CloudFormation `EngineVersion` value. */
  public readonly version: string;
  /** The parameter group family, e.g. `memcached1.6`. */
  public readonly parameterGroupFamily: string;
  /** Whether in-transit encryption (TLS) is supported: 1.6.12 onward. */
  public readonly supportsTls: boolean;
  /** Whether the `ipv6` and `dual_stack` network types are supported: 1.6.6 onward. */
  public readonly supportsIpv6: boolean;

  private constructor(version: string) {
    const v = parseVersion('Memcached', version);
    if (!(v[0] === 1 && v[1] >= 4 && v[1] <= 6)) {
      throw new Error(`Memcached version '${version}' has no ElastiCache parameter group family: use 1.4.x, 1.5.x or 1.6.x`);
    }
    this.version = version;
    this.parameterGroupFamily = `memcached${v[0]}.${v[1]}`;
    this.supportsTls = atLeast(v, [1, 6, 12]);
    this.supportsIpv6 = atLeast(v, [1, 6, 6]);
  }

  /** The name of ElastiCache's default parameter group for this version: `default.memcached1.6`. */
  public defaultParameterGroupName(): string {
    return `default.${this.parameterGroupFamily}`;
  }

  /** A readable description, e.g. `memcached 1.6.22`. */
  public toString(): string {
    return `memcached ${this.version}`;
  }
}
