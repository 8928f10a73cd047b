import { Duration, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { RecommendedAlarmsOptions, ReplicationGroupAlarms } from '../cache-alarms';
import { AddConsumerOptions, CacheConsumer } from '../consumer';
import { portText } from '../private/contract';
import { fail } from '../private/validation';
import { ClusterMode, ReplicationGroup } from '../replication-group';
import { PatternCacheProps } from './pattern-cache';

/** A cache of derived data may lose any key: evict the least recently used, TTL or not. */
const DATABASE_CACHE_EVICTION_POLICY = 'allkeys-lru';
const DEFAULT_TTL = Duration.minutes(5);
const DEFAULT_JITTER = 0.1;

/** Options of an {@link InvalidationStrategy}. */
export interface InvalidationOptions {
  /**
   * Spread each entry's TTL randomly by up to this fraction either way (0 to 1), so entries
   * written together do not expire together and send a burst of loads to the database.
   *
   * @default 0.1
   */
  readonly jitter?: number;
}

/**
 * How cached entries stop being served once the database changes. Written into each consumer's
 * contract as `CACHE_INVALIDATION` (`ttl`, `write` or `versioned`) with `CACHE_TTL_JITTER`; the
 * runtime's `databaseCache()` applies it.
 */
export class InvalidationStrategy {
  /**
   * Entries expire after the TTL (with jitter) and writes leave the cache alone: reads may be up to
   * one TTL stale. The simplest choice for data that tolerates that.
   */
  public static ttl(options: InvalidationOptions = {}): InvalidationStrategy {
    return new InvalidationStrategy('ttl', options);
  }

  /**
   * Writes made through the runtime's `write(keys, fn)` delete the keys they affect after the
   * database write; the TTL remains a safety net for writes made elsewhere.
   */
  public static onWrite(options: InvalidationOptions = {}): InvalidationStrategy {
    return new InvalidationStrategy('write', options);
  }

  /**
   * Each key has a version in the cache that is part of the entry's key; writes increment it.
   * A reader that loaded before a write stores its result under the old version, where no one
   * reads it: no stale entry can be written back after an invalidation. Old versions expire by TTL.
   */
  public static versionedKeys(options: InvalidationOptions = {}): InvalidationStrategy {
    return new InvalidationStrategy('versioned', options);
  }

  /** The contract value: `ttl`, `write` or `versioned`. */
  public readonly name: string;
  /** The TTL jitter, 0 to 1. */
  public readonly jitter: number;

  private constructor(name: string, options: InvalidationOptions) {
    this.name = name;
    this.jitter = options.jitter ?? DEFAULT_JITTER;
    if (!Token.isUnresolved(this.jitter) && !(this.jitter >= 0 && this.jitter <= 1)) {
      fail(`InvalidationStrategy jitter must be between 0 and 1 (a fraction of the TTL), got ${this.jitter}`);
    }
  }
}

/** Options of {@link CachedDatabase}. */
export interface CachedDatabaseOptions {
  /**
   * The secret with the database credentials, which consumers may read.
   *
   * @default - the instance's or cluster's generated secret, if it has one
   */
  readonly secret?: secretsmanager.ISecret;
}

/** The database behind a {@link DatabaseCache}: an RDS instance or an Aurora cluster. */
export abstract class CachedDatabase {
  /** An RDS DB instance (the writer endpoint). */
  public static fromInstance(instance: rds.IDatabaseInstance, options: CachedDatabaseOptions = {}): CachedDatabase {
    return new Database(instance, instance.instanceEndpoint, options.secret ?? generatedSecret(instance));
  }

  /** An Aurora DB cluster (the cluster's writer endpoint). */
  public static fromCluster(cluster: rds.IDatabaseCluster, options: CachedDatabaseOptions = {}): CachedDatabase {
    return new Database(cluster, cluster.clusterEndpoint, options.secret ?? generatedSecret(cluster));
  }

  /** What consumers connect to. */
  public abstract readonly connectable: ec2.IConnectable;
  /** The endpoint consumers use. */
  public abstract readonly endpoint: rds.Endpoint;
  /**
   * The credentials secret.
   *
   * @default - none: consumers get no secret grant and no `CACHE_DB_SECRET_ARN`
   */
  public abstract readonly secret?: secretsmanager.ISecret;
}

class Database extends CachedDatabase {
  constructor(
    public readonly connectable: ec2.IConnectable,
    public readonly endpoint: rds.Endpoint,
    public readonly secret?: secretsmanager.ISecret,
  ) {
    super();
  }
}

function generatedSecret(database: object): secretsmanager.ISecret | undefined {
  const secret = (database as { secret?: secretsmanager.ISecret }).secret;
  return secret !== undefined && typeof secret === 'object' && 'secretArn' in secret ? secret : undefined;
}

/** Properties of a {@link DatabaseCache}. */
export interface DatabaseCacheProps extends PatternCacheProps {
  /** The database the cache sits in front of. */
  readonly database: CachedDatabase;

  /**
   * How long entries live. Written into each consumer's contract as `CACHE_TTL` (seconds).
   *
   * @default Duration.minutes(5)
   */
  readonly ttl?: Duration;

  /**
   * How entries are invalidated when the database changes.
   *
   * @default InvalidationStrategy.ttl() - expiry after the TTL, with 10% jitter
   */
  readonly invalidation?: InvalidationStrategy;

  /**
   * Cluster mode and topology.
   *
   * @default ClusterMode.disabled({ replicas: 1 })
   */
  readonly clusterMode?: ClusterMode;

  /**
   * More engine parameters. `maxmemory-policy` defaults to `allkeys-lru`: everything in the cache
   * can be loaded again from the database, so the least recently used entries make room.
   *
   * @default { 'maxmemory-policy': 'allkeys-lru' }
   */
  readonly parameters?: Record<string, string>;

}

/**
 * A cache in front of an RDS instance or Aurora cluster for the cache-aside pattern: a
 * replication group (`allkeys-lru`), and consumers wired to both the cache and the database
 * (security group ingress on both ports, read access to both secrets). Each consumer's contract
 * carries the entry TTL, the invalidation strategy and the database endpoint and secret
 * (`CACHE_TTL`, `CACHE_TTL_JITTER`, `CACHE_INVALIDATION`, `CACHE_DB_HOST`, `CACHE_DB_PORT`,
 * `CACHE_DB_SECRET_ARN`), which `databaseCache()` from `cdk-elasticache/runtime` applies.
 */
export class DatabaseCache extends Construct implements ec2.IConnectable {
  /** The replication group. */
  public readonly cache: ReplicationGroup;
  /** The database behind the cache. */
  public readonly database: CachedDatabase;
  /** The entry TTL. */
  public readonly ttl: Duration;
  /** The invalidation strategy. */
  public readonly invalidation: InvalidationStrategy;
  /** The cache's network connections. */
  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: DatabaseCacheProps) {
    super(scope, id);
    this.database = props.database;
    this.ttl = props.ttl ?? DEFAULT_TTL;
    this.invalidation = props.invalidation ?? InvalidationStrategy.ttl();
    ttlSeconds(this.ttl);
    this.cache = new ReplicationGroup(this, 'Cache', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      subnetGroup: props.subnetGroup,
      securityGroups: props.securityGroups,
      engine: props.engine,
      nodeType: props.nodeType,
      clusterMode: props.clusterMode,
      auth: props.auth,
      kmsKey: props.kmsKey,
      removalPolicy: props.removalPolicy,
      replicationGroupId: props.replicationGroupId,
      description: `Database cache ${this.node.path}`,
      parameters: { 'maxmemory-policy': DATABASE_CACHE_EVICTION_POLICY, ...props.parameters },
    });
    this.connections = this.cache.connections;
  }

  /**
   * Gives a consumer access to the cache and the database: ingress on the cache port and the
   * database port from the consumer's security groups, read access to the AUTH token and the
   * database secret, and the contract with the caching settings and the database endpoint.
   */
  public addConsumer(consumer: CacheConsumer, options: AddConsumerOptions = {}): void {
    const endpoint = this.database.endpoint;
    this.cache._addConsumer(consumer, options, {
      values: {
        TTL: String(ttlSeconds(this.ttl)),
        TTL_JITTER: String(this.invalidation.jitter),
        INVALIDATION: this.invalidation.name,
        DB_HOST: endpoint.hostname,
        DB_PORT: portText(endpoint.port),
        DB_SECRET_ARN: this.database.secret?.secretArn,
      },
      secrets: this.database.secret ? [this.database.secret] : [],
      additionalConnections: [this.database.connectable],
    });
  }

  /** The replication group's recommended alarms. */
  public addRecommendedAlarms(options: RecommendedAlarmsOptions = {}): ReplicationGroupAlarms {
    return this.cache.addRecommendedAlarms(options);
  }
}

function ttlSeconds(ttl: Duration): number {
  if (ttl.isUnresolved()) fail('ttl must be known at synth: it is written into each consumer\'s contract');
  const seconds = ttl.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 1) {
    fail(`ttl must be a whole number of seconds, at least 1, got ${ttl.toHumanString()}`);
  }
  return seconds;
}
