import { Size, Token } from 'aws-cdk-lib';

/**
 * Node memory in GiB as ElastiCache's supported node types table lists it.
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html
 */
const MEMORY_GIB: Record<string, number> = {
  'cache.t1.micro': 0.213,
  'cache.t2.micro': 0.555,
  'cache.t2.small': 1.55,
  'cache.t2.medium': 3.22,
  'cache.t3.micro': 0.5,
  'cache.t3.small': 1.37,
  'cache.t3.medium': 3.09,
  'cache.t4g.micro': 0.5,
  'cache.t4g.small': 1.37,
  'cache.t4g.medium': 3.09,
  'cache.m6g.large': 6.38,
  'cache.m6g.xlarge': 12.93,
  'cache.m6g.2xlarge': 26.04,
  'cache.m6g.4xlarge': 52.26,
  'cache.m6g.8xlarge': 103.68,
  'cache.m6g.12xlarge': 157.12,
  'cache.m6g.16xlarge': 209.55,
  'cache.m7g.large': 6.38,
  'cache.m7g.xlarge': 12.93,
  'cache.m7g.2xlarge': 26.04,
  'cache.m7g.4xlarge': 52.26,
  'cache.m7g.8xlarge': 103.68,
  'cache.m7g.12xlarge': 157.12,
  'cache.m7g.16xlarge': 209.55,
  'cache.r6g.large': 13.07,
  'cache.r6g.xlarge': 26.32,
  'cache.r6g.2xlarge': 52.82,
  'cache.r6g.4xlarge': 105.81,
  'cache.r6g.8xlarge': 209.55,
  'cache.r6g.12xlarge': 317.77,
  'cache.r6g.16xlarge': 419.09,
  'cache.r7g.large': 13.07,
  'cache.r7g.xlarge': 26.32,
  'cache.r7g.2xlarge': 52.82,
  'cache.r7g.4xlarge': 105.81,
  'cache.r7g.8xlarge': 209.55,
  'cache.r7g.12xlarge': 317.77,
  'cache.r7g.16xlarge': 419.09,
  'cache.r6gd.xlarge': 26.32,
  'cache.r6gd.2xlarge': 52.82,
  'cache.r6gd.4xlarge': 105.81,
  'cache.r6gd.8xlarge': 209.55,
  'cache.r6gd.12xlarge': 317.77,
  'cache.r6gd.16xlarge': 419.09,
};

/** Node families that do not run on the Nitro system (no IPv6 network types). */
const NON_NITRO_FAMILIES = ['t1', 't2', 'm1', 'm2', 'm3', 'm4', 'c1', 'r3', 'r4'];

/**
 * An ElastiCache node type (instance class), with the facts the constructs need.
 *
 * The constants cover the current families; `CacheNodeType.of('cache.x.y')` names any other.
 * Memory is known for the node types in this library's table (`of()` with a listed name returns
 * the same facts); for other names `memory` is undefined and nothing that depends on it (such as
 * the local engine's `maxmemory`) is derived from it.
 */
export class CacheNodeType {
  /** cache.t4g.micro: 0.5 GiB, burstable Graviton2. */
  public static readonly T4G_MICRO = CacheNodeType.of('cache.t4g.micro');
  /** cache.t4g.small: 1.37 GiB. */
  public static readonly T4G_SMALL = CacheNodeType.of('cache.t4g.small');
  /** cache.t4g.medium: 3.09 GiB. */
  public static readonly T4G_MEDIUM = CacheNodeType.of('cache.t4g.medium');
  /** cache.t3.micro: 0.5 GiB. */
  public static readonly T3_MICRO = CacheNodeType.of('cache.t3.micro');
  /** cache.t3.small: 1.37 GiB. */
  public static readonly T3_SMALL = CacheNodeType.of('cache.t3.small');
  /** cache.t3.medium: 3.09 GiB. */
  public static readonly T3_MEDIUM = CacheNodeType.of('cache.t3.medium');
  /** cache.t2.micro: 0.555 GiB (previous generation; no AOF). */
  public static readonly T2_MICRO = CacheNodeType.of('cache.t2.micro');
  /** cache.t2.small: 1.55 GiB (previous generation; no AOF). */
  public static readonly T2_SMALL = CacheNodeType.of('cache.t2.small');
  /** cache.t2.medium: 3.22 GiB (previous generation; no AOF). */
  public static readonly T2_MEDIUM = CacheNodeType.of('cache.t2.medium');
  /** cache.t1.micro: 0.213 GiB (previous generation; no Multi-AZ, automatic failover, backups or AOF). */
  public static readonly T1_MICRO = CacheNodeType.of('cache.t1.micro');
  /** cache.m6g.large: 6.38 GiB. */
  public static readonly M6G_LARGE = CacheNodeType.of('cache.m6g.large');
  /** cache.m6g.xlarge: 12.93 GiB. */
  public static readonly M6G_XLARGE = CacheNodeType.of('cache.m6g.xlarge');
  /** cache.m6g.2xlarge: 26.04 GiB. */
  public static readonly M6G_2XLARGE = CacheNodeType.of('cache.m6g.2xlarge');
  /** cache.m6g.4xlarge: 52.26 GiB. */
  public static readonly M6G_4XLARGE = CacheNodeType.of('cache.m6g.4xlarge');
  /** cache.m7g.large: 6.38 GiB. */
  public static readonly M7G_LARGE = CacheNodeType.of('cache.m7g.large');
  /** cache.m7g.xlarge: 12.93 GiB. */
  public static readonly M7G_XLARGE = CacheNodeType.of('cache.m7g.xlarge');
  /** cache.m7g.2xlarge: 26.04 GiB. */
  public static readonly M7G_2XLARGE = CacheNodeType.of('cache.m7g.2xlarge');
  /** cache.m7g.4xlarge: 52.26 GiB. */
  public static readonly M7G_4XLARGE = CacheNodeType.of('cache.m7g.4xlarge');
  /** cache.r6g.large: 13.07 GiB. */
  public static readonly R6G_LARGE = CacheNodeType.of('cache.r6g.large');
  /** cache.r6g.xlarge: 26.32 GiB. */
  public static readonly R6G_XLARGE = CacheNodeType.of('cache.r6g.xlarge');
  /** cache.r6g.2xlarge: 52.82 GiB. */
  public static readonly R6G_2XLARGE = CacheNodeType.of('cache.r6g.2xlarge');
  /** cache.r6g.4xlarge: 105.81 GiB. */
  public static readonly R6G_4XLARGE = CacheNodeType.of('cache.r6g.4xlarge');
  /** cache.r7g.large: 13.07 GiB. */
  public static readonly R7G_LARGE = CacheNodeType.of('cache.r7g.large');
  /** cache.r7g.xlarge: 26.32 GiB. */
  public static readonly R7G_XLARGE = CacheNodeType.of('cache.r7g.xlarge');
  /** cache.r7g.2xlarge: 52.82 GiB. */
  public static readonly R7G_2XLARGE = CacheNodeType.of('cache.r7g.2xlarge');
  /** cache.r7g.4xlarge: 105.81 GiB. */
  public static readonly R7G_4XLARGE = CacheNodeType.of('cache.r7g.4xlarge');
  /** cache.r6gd.xlarge: 26.32 GiB memory plus SSD (data tiering). */
  public static readonly R6GD_XLARGE = CacheNodeType.of('cache.r6gd.xlarge');
  /** cache.r6gd.2xlarge: 52.82 GiB memory plus SSD (data tiering). */
  public static readonly R6GD_2XLARGE = CacheNodeType.of('cache.r6gd.2xlarge');
  /** cache.r6gd.4xlarge: 105.81 GiB memory plus SSD (data tiering). */
  public static readonly R6GD_4XLARGE = CacheNodeType.of('cache.r6gd.4xlarge');
  /** cache.r6gd.8xlarge: 209.55 GiB memory plus SSD (data tiering). */
  public static readonly R6GD_8XLARGE = CacheNodeType.of('cache.r6gd.8xlarge');

  /**
   * Any node type, e.g. `CacheNodeType.of('cache.c7gn.large')`. The name must have the form
   * `cache.<family>.<size>`. Names in this library's table get their memory; others have
   * `memory` undefined.
   */
  public static of(name: string): CacheNodeType {
    return new CacheNodeType(name);
  }

  /** The node type name, e.g. `cache.r7g.large`. */
  public readonly name: string;
  /** The family, e.g. `r7g`, or undefined when the name is a token. */
  public readonly family?: string;
  /**
   * Node memory from ElastiCache's node type table, rounded to whole MiB.
   *
   * @default - undefined for node types not in this library's table
   */
  public readonly memory?: Size;
  /** Whether this node type uses data tiering (memory plus SSD): the r6gd family. */
  public readonly dataTiering: boolean;
  /** Whether Multi-AZ with automatic failover is supported (not on T1). */
  public readonly supportsAutomaticFailover: boolean;
  /** Whether automatic and manual backups are supported (not on T1). */
  public readonly supportsBackups: boolean;
  /** Whether append-only files (`appendonly yes`) are supported (not on T1 and T2). */
  public readonly supportsAof: boolean;
  /** Whether the node runs on the Nitro system (needed for IPv6 and dual-stack network types). */
  public readonly nitro: boolean;

  private constructor(name: string) {
    this.name = name;
    if (Token.isUnresolved(name)) {
      this.dataTiering = false;
      this.supportsAutomaticFailover = true;
      this.supportsBackups = true;
      this.supportsAof = true;
      this.nitro = true;
      return;
    }
    const m = /^cache\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(name);
    if (!m) {
      throw new Error(`nodeType must have the form cache.<family>.<size>, e.g. 'cache.r7g.large', got '${name}'`);
    }
    this.family = m[1];
    const gib = MEMORY_GIB[name];
    this.memory = gib === undefined ? undefined : Size.mebibytes(Math.round(gib * 1024));
    this.dataTiering = this.family === 'r6gd';
    this.supportsAutomaticFailover = this.family !== 't1';
    this.supportsBackups = this.family !== 't1';
    this.supportsAof = this.family !== 't1' && this.family !== 't2';
    this.nitro = !NON_NITRO_FAMILIES.includes(this.family);
  }

  /** The node type name. */
  public toString(): string {
    return this.name;
  }
}
