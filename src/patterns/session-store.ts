import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { RecommendedAlarmsOptions, ReplicationGroupAlarms } from '../cache-alarms';
import { AddConsumerOptions, CacheConsumer } from '../consumer';
import { fail } from '../private/validation';
import { ClusterMode, ReplicationGroup } from '../replication-group';
import { PatternCacheProps } from './pattern-cache';

/** Sessions are evicted only among keys with a TTL, least recently used first. */
const SESSION_EVICTION_POLICY = 'volatile-lru';
const DEFAULT_SESSION_TTL = Duration.minutes(30);

/** Properties of a {@link SessionStore}. */
export interface SessionStoreProps extends PatternCacheProps {
  /**
   * How long a session lives without activity. Written into each consumer's contract as
   * `CACHE_SESSION_TTL` (seconds); the runtime's session store uses it as its default TTL and
   * `touch` extends a session by it.
   *
   * @default Duration.minutes(30)
   */
  readonly sessionTtl?: Duration;

  /**
   * Read replicas next to the primary, 0 to 5. With at least one the store is Multi-AZ with
   * automatic failover, so sessions survive the loss of a node or an Availability Zone.
   *
   * @default 1
   */
  readonly replicas?: number;

  /**
   * More engine parameters. `maxmemory-policy` defaults to `volatile-lru`: when memory is full
   * the least recently used sessions are evicted, and keys without a TTL (configuration, counters)
   * never are.
   *
   * @default { 'maxmemory-policy': 'volatile-lru' }
   */
  readonly parameters?: Record<string, string>;

}

/**
 * Sessions for a stateless application: a Valkey or Redis OSS replication group with cluster mode
 * disabled (session keys need no cross-slot care and the reader endpoint serves reads), Multi-AZ
 * with a replica, TLS and an AUTH token, the `volatile-lru` eviction policy, and a default
 * session TTL that each consumer receives in its contract (`CACHE_SESSION_TTL`).
 *
 * Application code uses `sessionStore()` from `cdk-elasticache/runtime`; Express applications
 * pass `createClient()`'s client to connect-redis.
 */
export class SessionStore extends Construct implements ec2.IConnectable {
  /** The replication group holding the sessions. */
  public readonly cache: ReplicationGroup;
  /** The default session TTL. */
  public readonly sessionTtl: Duration;
  /** The store's network connections. */
  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: SessionStoreProps) {
    super(scope, id);
    this.sessionTtl = props.sessionTtl ?? DEFAULT_SESSION_TTL;
    sessionTtlSeconds(this.sessionTtl);
    const replicas = props.replicas ?? 1;
    if (!Token.isUnresolved(replicas) && replicas === 0) {
      Annotations.of(this).addWarningV2('cdk-elasticache:sessionStoreNoReplica',
        'The session store has no replica: a node failure loses every session and there is no Multi-AZ failover. Use replicas: 1 or more in production');
    }
    const policy = props.parameters?.['maxmemory-policy'];
    if (policy !== undefined && !Token.isUnresolved(policy) && !policy.startsWith('volatile-')) {
      Annotations.of(this).addWarningV2('cdk-elasticache:sessionStoreEvictionPolicy',
        `maxmemory-policy '${policy}' is not a volatile-* policy: keys without a TTL may be evicted (allkeys-*) or writes fail when memory is full (noeviction)`);
    }
    this.cache = new ReplicationGroup(this, 'Cache', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      subnetGroup: props.subnetGroup,
      securityGroups: props.securityGroups,
      engine: props.engine,
      nodeType: props.nodeType,
      clusterMode: ClusterMode.disabled({ replicas }),
      auth: props.auth,
      kmsKey: props.kmsKey,
      removalPolicy: props.removalPolicy,
      replicationGroupId: props.replicationGroupId,
      description: `Sessions ${this.node.path}`,
      parameters: { 'maxmemory-policy': SESSION_EVICTION_POLICY, ...props.parameters },
    });
    this.connections = this.cache.connections;
  }

  /**
   * Gives a consumer access to the sessions, as `ReplicationGroup.addConsumer` does, and adds
   * `CACHE_SESSION_TTL` (the default TTL in seconds) to its contract.
   */
  public addConsumer(consumer: CacheConsumer, options: AddConsumerOptions = {}): void {
    this.cache._addConsumer(consumer, options, {
      values: { SESSION_TTL: String(sessionTtlSeconds(this.sessionTtl)) },
    });
  }

  /**
   * The replication group's recommended alarms, with the evictions alarm at 0: an evicted session
   * is a user logged out.
   */
  public addRecommendedAlarms(options: RecommendedAlarmsOptions = {}): ReplicationGroupAlarms {
    return this.cache.addRecommendedAlarms({ evictionsThreshold: 0, ...options });
  }
}

function sessionTtlSeconds(ttl: Duration): number {
  if (ttl.isUnresolved()) fail('sessionTtl must be known at synth: it is written into each consumer\'s contract');
  const seconds = ttl.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 1) {
    fail(`sessionTtl must be a whole number of seconds, at least 1, got ${ttl.toHumanString()}`);
  }
  return seconds;
}
