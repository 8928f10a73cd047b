import {
  Annotations, ArnFormat, Duration, IResource, RemovalPolicy, Resource, Stack, Token, Validations,
} from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnReplicationGroup } from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CacheAuth, CacheAuthType } from './auth';
import { RecommendedAlarmsOptions, ReplicationGroupAlarms } from './cache-alarms';
import { AddConsumerOptions, CacheConsumer } from './consumer';
import { Endpoint } from './endpoint';
import { CacheEngine, CacheEngineType } from './engine';
import { CacheMetricOptions, MetricAggregation } from './metrics';
import { NetworkType } from './network-type';
import { CacheNodeType } from './node-type';
import { CacheParameterGroup, ICacheParameterGroup } from './parameter-group';
import { addConsumerTo, ConsumerExtras } from './private/consumers';
import { DEFAULT_PREFIX, portText, prefixContract } from './private/contract';
import { combineNodes, hitRate, nodeMetric, nodeOptions, replicationGroupMemberIds } from './private/metrics';
import { cacheNetwork } from './private/network';
import { checkUserGroupEngine, userAccess } from './private/rbac';
import {
  checkIdentifier, checkIntegerRange, checkNotBoth, checkPort, checkSnapshotName, fail,
  parseMaintenanceWindow, parseSnapshotWindow, wholeDays, windowsOverlap,
} from './private/validation';
import { ICacheSubnetGroup } from './subnet-group';
import { IUserGroup } from './user-group';

/** The default Valkey/Redis OSS port. */
const DEFAULT_PORT = 6379;
/** Replicas per shard (node group): 0 to 5. */
const MAX_REPLICAS = 5;
/** Shards in a cluster-mode-enabled group. */
const MAX_SHARDS = 500;
/** ElastiCache's default quota of nodes per cluster; more needs a quota increase. */
const DEFAULT_NODE_QUOTA = 90;
/** Snapshot retention: 0 (off) to 35 days. */
const MAX_SNAPSHOT_RETENTION_DAYS = 35;
const DEFAULT_SNAPSHOT_RETENTION_DAYS = 15;
const DEFAULT_SNAPSHOT_WINDOW = '03:00-04:00';
const DEFAULT_MAINTENANCE_WINDOW = 'sun:05:00-sun:06:00';
const MAX_ID_LENGTH = 40;
const REPLICATION_GROUP_SYMBOL = Symbol.for('cdk-elasticache.ReplicationGroup');

/** Options for {@link ClusterMode.disabled}. */
export interface ClusterModeDisabledOptions {
  /**
   * Read replicas next to the primary: 0 to 5. With at least one replica the group gets Multi-AZ
   * and automatic failover.
   *
   * @default 1
   */
  readonly replicas?: number;
}

/** Options for {@link ClusterMode.enabled}. */
export interface ClusterModeEnabledOptions {
  /**
   * Shards (node groups): 1 to 500. Changes are applied by online resharding.
   *
   * @default 3
   */
  readonly shards?: number;

  /**
   * Replicas in each shard: 1 to 5 (cluster mode needs automatic failover, which needs a replica).
   *
   * @default 1
   */
  readonly replicasPerShard?: number;
}

/**
 * How a replication group spreads its data.
 *
 * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Replication.Redis-RedisCluster.html
 */
export class ClusterMode {
  /** One shard: a primary and 0 to 5 replicas, reached through the primary and reader endpoints. */
  public static disabled(options: ClusterModeDisabledOptions = {}): ClusterMode {
    return new ClusterMode(false, 1, options.replicas ?? 1);
  }

  /**
   * Data partitioned over 1 to 500 shards, reached through the configuration endpoint with a
   * cluster-aware client.
   */
  public static enabled(options: ClusterModeEnabledOptions = {}): ClusterMode {
    return new ClusterMode(true, options.shards ?? 3, options.replicasPerShard ?? 1);
  }

  /** Whether cluster mode is enabled. */
  public readonly clusterEnabled: boolean;
  /** The number of shards (1 with cluster mode disabled). */
  public readonly shards: number;
  /** The number of replicas in each shard. */
  public readonly replicasPerShard: number;

  private constructor(enabled: boolean, shards: number, replicasPerShard: number) {
    this.clusterEnabled = enabled;
    this.shards = shards;
    this.replicasPerShard = replicasPerShard;
  }

  /** The total number of nodes: shards × (replicas + 1). */
  public get nodes(): number {
    return this.shards * (this.replicasPerShard + 1);
  }
}

/** How strictly in-transit encryption is enforced. */
export enum TransitEncryptionMode {
  /** Clients may connect with or without TLS (a step when moving an existing group to TLS). */
  PREFERRED = 'preferred',
  /** Only TLS connections are accepted. */
  REQUIRED = 'required',
}

/** A Valkey or Redis OSS replication group. */
export interface IReplicationGroup extends IResource, ec2.IConnectable {
  /**
   * The replication group id.
   *
   * @attribute
   */
  readonly replicationGroupId: string;

  /**
   * The replication group ARN.
   *
   * @attribute
   */
  readonly replicationGroupArn: string;

  /** The primary endpoint (cluster mode disabled). */
  readonly primaryEndpoint: Endpoint;

  /** The reader endpoint, spread over the replicas (cluster mode disabled). */
  readonly readerEndpoint: Endpoint;

  /** The configuration endpoint (cluster mode enabled). */
  readonly configurationEndpoint: Endpoint;

  /**
   * The cache cluster ids of the group's nodes (the `CacheClusterId` dimension of their metrics).
   */
  readonly memberClusterIds: string[];

  /** Grants the given actions on this replication group. */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;

  /** Grants `elasticache:Connect` on this replication group (for IAM authentication). */
  grantConnect(grantee: iam.IGrantable): iam.Grant;

  /**
   * A metric of the whole group, combined from its nodes' metrics.
   *
   * @default the maximum over the nodes of each node's Average over 5 minutes
   */
  metric(metricName: string, props?: CacheMetricOptions): cloudwatch.IMetric;

  /**
   * A metric of one node (dimension `CacheClusterId`).
   *
   * @default Average over 5 minutes
   */
  metricForNode(metricName: string, memberClusterId: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** Attributes to import a replication group. */
export interface ReplicationGroupAttributes {
  /** The replication group id. */
  readonly replicationGroupId: string;

  /**
   * The engine, used for the default port.
   *
   * @default - unknown; the default port is 6379
   */
  readonly engine?: CacheEngine;

  /**
   * The port.
   *
   * @default 6379
   */
  readonly port?: number;

  /**
   * The group's security groups.
   *
   * @default - no security groups: `connections` cannot open ingress
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The primary endpoint address (cluster mode disabled).
   *
   * @default - `primaryEndpoint` throws
   */
  readonly primaryEndpointAddress?: string;

  /**
   * The reader endpoint address (cluster mode disabled).
   *
   * @default - `readerEndpoint` throws
   */
  readonly readerEndpointAddress?: string;

  /**
   * The configuration endpoint address (cluster mode enabled).
   *
   * @default - `configurationEndpoint` throws
   */
  readonly configurationEndpointAddress?: string;

  /**
   * The group's cluster mode and topology, which names its nodes for metrics.
   *
   * @default - unknown: `metricForNode` works, group-level metrics and `memberClusterIds` throw
   */
  readonly clusterMode?: ClusterMode;
}

/** Properties of a {@link ReplicationGroup}. */
export interface ReplicationGroupProps {
  /** The VPC to place the group in. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets for a new subnet group.
   *
   * @default - the VPC's private subnets with egress; if it has none, its isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * An existing subnet group. Changing it replaces the group.
   *
   * @default - a new subnet group in `vpcSubnets`
   */
  readonly subnetGroup?: ICacheSubnetGroup;

  /**
   * Security groups for the nodes.
   *
   * @default - a new security group with no ingress; use `connections` or `addConsumer` to let clients in
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The engine and version. Downgrades are not possible; a major upgrade changes the parameter
   * group family.
   *
   * @default CacheEngine.VALKEY_LATEST
   */
  readonly engine?: CacheEngine;

  /**
   * The node type.
   *
   * @default CacheNodeType.T4G_MICRO
   */
  readonly nodeType?: CacheNodeType;

  /**
   * Cluster mode and topology.
   *
   * @default ClusterMode.disabled({ replicas: 1 })
   */
  readonly clusterMode?: ClusterMode;

  /**
   * The port. Changing it replaces the group.
   *
   * @default 6379
   */
  readonly port?: number;

  /**
   * How clients authenticate: an AUTH token, or the users of a user group
   * (`CacheAuth.userGroup(group)`, role-based access control). Both require in-transit
   * encryption; adding a token to an existing group, or moving from a token to RBAC, replaces it.
   *
   * @default CacheAuth.token() - a token generated in Secrets Manager
   */
  readonly auth?: CacheAuth;

  /**
   * In-transit encryption (TLS).
   *
   * @default true
   */
  readonly transitEncryption?: boolean;

  /**
   * Whether TLS is required or only preferred. Moving an existing group to `REQUIRED` takes two
   * deployments: `PREFERRED` first.
   *
   * @default TransitEncryptionMode.REQUIRED when transitEncryption is on
   */
  readonly transitEncryptionMode?: TransitEncryptionMode;

  /**
   * Encryption at rest. Changing it replaces the group.
   *
   * @default true
   */
  readonly atRestEncryption?: boolean;

  /**
   * A customer managed key for encryption at rest (and for a generated AUTH token secret).
   * Changing it replaces the group.
   *
   * @default - the AWS managed key
   */
  readonly kmsKey?: kms.IKey;

  /**
   * How long automatic daily snapshots are kept: 0 to 35 days; 0 turns backups off.
   *
   * @default Duration.days(15)
   */
  readonly snapshotRetention?: Duration;

  /**
   * The daily snapshot window, `hh24:mi-hh24:mi` in UTC, at least 60 minutes.
   *
   * @default '03:00-04:00'
   */
  readonly snapshotWindow?: string;

  /**
   * The weekly maintenance window, `ddd:hh24:mi-ddd:hh24:mi` in UTC, at least 60 minutes.
   *
   * @default 'sun:05:00-sun:06:00'
   */
  readonly preferredMaintenanceWindow?: string;

  /**
   * What happens to the group when it leaves the stack or is replaced.
   *
   * @default RemovalPolicy.SNAPSHOT - a final snapshot is taken
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * A parameter group. With cluster mode enabled it must have `cluster-enabled` `yes`.
   *
   * @default - ElastiCache's default group for the engine (`default.valkey8`, or
   * `default.valkey8.cluster.on` with cluster mode enabled), or a new group when `parameters` is given
   */
  readonly parameterGroup?: ICacheParameterGroup;

  /**
   * Engine parameters for a new parameter group (`cluster-enabled` is set for you).
   *
   * @default - no new parameter group
   */
  readonly parameters?: Record<string, string>;

  /**
   * The replication group id: 1 to 40 lower-case letters, digits or hyphens, starting with a letter.
   * Changing it replaces the group, and a replacement fails while the old group holds the id.
   *
   * @default - an id generated by CloudFormation
   */
  readonly replicationGroupId?: string;

  /**
   * A description.
   *
   * @default - "Replication group <construct path>"
   */
  readonly description?: string;

  /**
   * Multi-AZ: replicas in other Availability Zones than their primary. Needs automatic failover.
   *
   * @default - true when every shard has a replica
   */
  readonly multiAz?: boolean;

  /**
   * Automatic failover to a replica when a primary fails. Needs a replica in every shard;
   * always on with cluster mode enabled.
   *
   * @default - true when every shard has a replica
   */
  readonly automaticFailover?: boolean;

  /**
   * Apply minor engine upgrades automatically in the maintenance window.
   *
   * @default true
   */
  readonly autoMinorVersionUpgrade?: boolean;

  /**
   * Data tiering (memory plus SSD). Required by, and only available on, r6gd node types.
   * Changing it replaces the group.
   *
   * @default - true for r6gd node types, false otherwise
   */
  readonly dataTiering?: boolean;

  /**
   * The network type. Changing it replaces the group.
   *
   * @default - not set: ElastiCache uses ipv4
   */
  readonly networkType?: NetworkType;

  /**
   * Availability Zones for the primary and replicas, primary first (cluster mode disabled only);
   * one per node.
   *
   * @default - ElastiCache chooses
   */
  readonly preferredCacheClusterAzs?: string[];

  /**
   * Restore from this ElastiCache snapshot. Changing it replaces the group.
   *
   * @default - no restore
   */
  readonly snapshotName?: string;

  /**
   * Restore from RDB files in S3 (their ARNs). Changing them replaces the group.
   *
   * @default - no restore
   */
  readonly snapshotArns?: string[];

  /**
   * An SNS topic for ElastiCache events (owned by the same account).
   *
   * @default - no notifications
   */
  readonly notificationTopic?: sns.ITopic;
}

/** Grants, metrics and ARN shared by new and imported replication groups. */
export abstract class ReplicationGroupBase extends Resource implements IReplicationGroup {
  public abstract readonly replicationGroupId: string;
  public abstract readonly connections: ec2.Connections;
  public abstract readonly primaryEndpoint: Endpoint;
  public abstract readonly readerEndpoint: Endpoint;
  public abstract readonly configurationEndpoint: Endpoint;

  /** @internal the topology, where known (new groups, and imports given clusterMode) */
  protected _topology?: ClusterMode;

  public get replicationGroupArn(): string {
    return Stack.of(this).formatArn({
      service: 'elasticache',
      resource: 'replicationgroup',
      resourceName: this.replicationGroupId,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.replicationGroupArn] });
  }

  /**
   * Grants `elasticache:Connect` on this replication group. With IAM authentication the
   * principal also needs it on the user.
   */
  public grantConnect(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'elasticache:Connect');
  }

  /**
   * The cache cluster ids of the group's nodes, the `CacheClusterId` dimension of their metrics:
   * `<group id>-001`, `-002`, ... with cluster mode disabled, `<group id>-0001-001` (shard, node)
   * with cluster mode enabled. They follow the topology in the app; nodes added outside it (for
   * example by auto scaling) are not included.
   */
  public get memberClusterIds(): string[] {
    const mode = this._topology;
    if (mode === undefined) {
      throw new Error(`Cannot access the nodes of the imported replication group ${this.node.path} without clusterMode: ` +
        'pass clusterMode to fromReplicationGroupAttributes');
    }
    return replicationGroupMemberIds(this.replicationGroupId, mode.clusterEnabled, mode.shards, mode.replicasPerShard + 1);
  }

  /**
   * A metric of one node (namespace `AWS/ElastiCache`, dimension `CacheClusterId` = the node's
   * cache cluster id, one of `memberClusterIds`). ElastiCache publishes node-based metrics per node
   * only: there is no replication-group-level dimension.
   *
   * @default Average over 5 minutes
   */
  public metricForNode(metricName: string, memberClusterId: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return nodeMetric(metricName, { CacheClusterId: memberClusterId }, cloudwatch.Stats.AVERAGE, props).attachTo(this);
  }

  /**
   * A metric of the whole group: a math expression combining every node's metric (see
   * `memberClusterIds`) with `props.aggregation`.
   *
   * @default the maximum over the nodes of each node's Average over 5 minutes
   */
  public metric(metricName: string, props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.combined(metricName, cloudwatch.Stats.AVERAGE, MetricAggregation.MAXIMUM, props);
  }

  /**
   * Host CPU utilization, percent (for nodes with 2 vCPUs or fewer, where the engine thread
   * shares the CPU with the host).
   *
   * @default the maximum over the nodes of each node's Average over 5 minutes
   */
  public metricCPUUtilization(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.combined('CPUUtilization', cloudwatch.Stats.AVERAGE, MetricAggregation.MAXIMUM, props);
  }

  /**
   * CPU utilization of the engine thread, percent (the one to watch on nodes with 4+ vCPUs).
   *
   * @default the maximum over the nodes of each node's Average over 5 minutes
   */
  public metricEngineCPUUtilization(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.combined('EngineCPUUtilization', cloudwatch.Stats.AVERAGE, MetricAggregation.MAXIMUM, props);
  }

  /**
   * Memory used by data, as a percentage of `maxmemory`; at 100% the eviction policy applies.
   *
   * @default the maximum over the nodes of each node's Average over 5 minutes
   */
  public metricDatabaseMemoryUsagePercentage(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.combined('DatabaseMemoryUsagePercentage', cloudwatch.Stats.AVERAGE, MetricAggregation.MAXIMUM, props);
  }

  /**
   * Client connections (not counting replicas).
   *
   * @default the sum over the nodes of each node's Maximum over 5 minutes
   */
  public metricCurrConnections(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.combined('CurrConnections', cloudwatch.Stats.MAXIMUM, MetricAggregation.SUM, props);
  }

  /**
   * Hits as a percentage of key lookups over the whole group: 100 × hits / (hits + misses),
   * from every node's `CacheHits` and `CacheMisses` (so it references two metrics per node).
   *
   * @default Sums over 5 minutes
   */
  public metricCacheHitRate(props?: CacheMetricOptions): cloudwatch.IMetric {
    const ids = this.memberClusterIds;
    const options = { ...nodeOptions(props), statistic: cloudwatch.Stats.SUM };
    const hits = ids.map((id) => this.metricForNode('CacheHits', id, options));
    const misses = ids.map((id) => this.metricForNode('CacheMisses', id, options));
    return hitRate(hits, misses, 'CacheHitRate (%)', props);
  }

  /**
   * Keys evicted because of `maxmemory`.
   *
   * @default the sum over the nodes of each node's Sum over 5 minutes
   */
  public metricEvictions(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.combined('Evictions', cloudwatch.Stats.SUM, MetricAggregation.SUM, props);
  }

  /**
   * How far replicas are behind their primary, in seconds (only replicas publish it).
   *
   * @default the maximum over the nodes of each node's Maximum over 5 minutes
   */
  public metricReplicationLag(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.combined('ReplicationLag', cloudwatch.Stats.MAXIMUM, MetricAggregation.MAXIMUM, props);
  }

  private combined(metricName: string, statistic: string, aggregation: MetricAggregation, props?: CacheMetricOptions): cloudwatch.IMetric {
    const how = props?.aggregation ?? aggregation;
    const options = { statistic, ...nodeOptions(props) };
    const nodes = this.memberClusterIds.map((id) => this.metricForNode(metricName, id, options));
    return combineNodes(nodes, how, `${metricName} (${how.toLowerCase()} of ${nodes.length} node${nodes.length === 1 ? '' : 's'})`, props);
  }
}

/**
 * A Valkey or Redis OSS replication group with secure, highly available defaults: Valkey, one
 * replica in another Availability Zone with automatic failover, TLS required, encryption at rest,
 * an AUTH token in Secrets Manager, private subnets, a security group without ingress, 15 days
 * of daily snapshots and a final snapshot on deletion.
 *
 * @resource AWS::ElastiCache::ReplicationGroup
 */
export class ReplicationGroup extends ReplicationGroupBase {
  /** Imports an existing replication group. */
  public static fromReplicationGroupAttributes(scope: Construct, id: string, attrs: ReplicationGroupAttributes): IReplicationGroup {
    if (!Token.isUnresolved(attrs.replicationGroupId) && attrs.replicationGroupId.trim() === '') {
      fail('replicationGroupId must not be empty');
    }
    checkPort('port', attrs.port);
    const port = attrs.port ?? DEFAULT_PORT;
    const endpoint = (address: string | undefined, name: string): Endpoint => {
      if (address === undefined) {
        throw new Error(`Cannot access ${name} of an imported replication group without ${name}Address`);
      }
      return new Endpoint(address, port);
    };
    class Import extends ReplicationGroupBase {
      public readonly replicationGroupId = attrs.replicationGroupId;
      protected _topology = attrs.clusterMode;
      public readonly connections = new ec2.Connections({
        securityGroups: attrs.securityGroups,
        defaultPort: ec2.Port.tcp(port),
      });
      public get primaryEndpoint(): Endpoint {
        return endpoint(attrs.primaryEndpointAddress, 'primaryEndpoint');
      }
      public get readerEndpoint(): Endpoint {
        return endpoint(attrs.readerEndpointAddress, 'readerEndpoint');
      }
      public get configurationEndpoint(): Endpoint {
        return endpoint(attrs.configurationEndpointAddress, 'configurationEndpoint');
      }
    }
    return new Import(scope, id);
  }

  /** Imports an existing replication group by id. */
  public static fromReplicationGroupId(scope: Construct, id: string, replicationGroupId: string): IReplicationGroup {
    return ReplicationGroup.fromReplicationGroupAttributes(scope, id, { replicationGroupId });
  }

  /** Whether the given object is a ReplicationGroup. */
  public static isReplicationGroup(x: any): x is ReplicationGroup {
    return x !== null && typeof x === 'object' && REPLICATION_GROUP_SYMBOL in x;
  }

  public readonly replicationGroupId: string;
  public readonly connections: ec2.Connections;

  /** The engine and version. */
  public readonly engine: CacheEngine;
  /** The node type. */
  public readonly nodeType: CacheNodeType;
  /** Cluster mode and topology. */
  public readonly clusterMode: ClusterMode;
  /** The port. */
  public readonly port: number;
  /** Whether in-transit encryption is on. */
  public readonly transitEncryption: boolean;
  /** How clients authenticate. */
  public readonly authType: CacheAuthType;
  /**
   * The secret holding the AUTH token, for grants.
   *
   * @default - no secret (no auth, or a token given as a SecretValue)
   */
  public readonly authSecret?: secretsmanager.ISecret;
  /**
   * The user group (role-based access control).
   *
   * @default - no user group
   */
  public readonly userGroup?: IUserGroup;
  /** The subnet group. */
  public readonly subnetGroup: ICacheSubnetGroup;
  /** The parameter group name the group uses. */
  public readonly parameterGroupName: string;
  /**
   * The parameter group created from `parameters`.
   *
   * @default - none created
   */
  public readonly parameterGroup?: CacheParameterGroup;

  private readonly resource: CfnReplicationGroup;

  constructor(scope: Construct, id: string, props: ReplicationGroupProps) {
    super(scope, id);
    Object.defineProperty(this, REPLICATION_GROUP_SYMBOL, { value: true });

    // Effective values: defaults applied once.
    this.engine = props.engine ?? CacheEngine.VALKEY_LATEST;
    this.nodeType = props.nodeType ?? CacheNodeType.T4G_MICRO;
    this.clusterMode = props.clusterMode ?? ClusterMode.disabled();
    this._topology = this.clusterMode;
    this.port = props.port ?? DEFAULT_PORT;
    this.transitEncryption = props.transitEncryption ?? true;
    const auth = props.auth ?? CacheAuth.token();
    this.authType = auth.type;
    const atRestEncryption = props.atRestEncryption ?? true;
    const hasReplicas = this.clusterMode.replicasPerShard >= 1;
    const automaticFailover = props.automaticFailover ?? hasReplicas;
    const multiAz = props.multiAz ?? hasReplicas;
    const dataTiering = props.dataTiering ?? this.nodeType.dataTiering;
    const retentionDays = props.snapshotRetention === undefined
      ? DEFAULT_SNAPSHOT_RETENTION_DAYS
      : wholeDays('snapshotRetention', props.snapshotRetention) ?? props.snapshotRetention.toDays();
    const snapshotWindow = props.snapshotWindow ?? DEFAULT_SNAPSHOT_WINDOW;
    const maintenanceWindow = props.preferredMaintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;

    // Validation: every rule names the prop, the allowed values and what was received.
    checkIdentifier('replicationGroupId', props.replicationGroupId, MAX_ID_LENGTH);
    checkPort('port', props.port);
    this.validateTopology(automaticFailover, multiAz, props);
    this.validateEncryption(auth, atRestEncryption, props);
    this.validateBackups(retentionDays, removalPolicy, props);
    this.validateNodeFeatures(dataTiering, props);
    const snapshot = parseSnapshotWindow('snapshotWindow', snapshotWindow);
    const maintenance = parseMaintenanceWindow('preferredMaintenanceWindow', maintenanceWindow);
    if (snapshot && maintenance && windowsOverlap(snapshot, maintenance)) {
      Annotations.of(this).addWarningV2('cdk-elasticache:windowsOverlap',
        `snapshotWindow '${snapshotWindow}' overlaps preferredMaintenanceWindow '${maintenanceWindow}': move one of them so backups and maintenance do not compete`);
    }
    if (this.clusterMode.clusterEnabled && this.clusterMode.nodes > DEFAULT_NODE_QUOTA) {
      Annotations.of(this).addWarningV2('cdk-elasticache:nodeQuota',
        `The group has ${this.clusterMode.nodes} nodes, above ElastiCache's default quota of ${DEFAULT_NODE_QUOTA} nodes per cluster: request a quota increase before deploying`);
    }

    // Network, parameters, auth.
    const network = cacheNetwork(this, {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      subnetGroup: props.subnetGroup,
      securityGroups: props.securityGroups,
      port: this.port,
      kind: 'ElastiCache replication group',
    });
    this.connections = network.connections;
    this.subnetGroup = network.subnetGroup;
    const parameterGroup = this.resolveParameterGroup(props);
    this.parameterGroup = props.parameters !== undefined ? parameterGroup as CacheParameterGroup : undefined;
    this.parameterGroupName = parameterGroup?.cacheParameterGroupName ?? this.engine.defaultParameterGroupName(this.clusterMode.clusterEnabled);
    const authConfig = auth.bind(this, {
      encryptionKey: props.kmsKey,
      removalPolicy: removalPolicy === RemovalPolicy.RETAIN || removalPolicy === RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE
        ? removalPolicy : RemovalPolicy.DESTROY,
    });
    this.authSecret = authConfig.secret;
    this.userGroup = authConfig.userGroup;
    if (this.userGroup !== undefined) {
      checkUserGroupEngine(this, this.userGroup, this.engine.engineType, this.engine.toString(), this.engine.supportsIamAuth);
    }

    this.resource = new CfnReplicationGroup(this, 'Resource', {
      replicationGroupId: props.replicationGroupId,
      replicationGroupDescription: props.description ?? `Replication group ${this.node.path}`,
      engine: this.engine.engineName,
      engineVersion: this.engine.version,
      cacheNodeType: this.nodeType.name,
      port: this.port,
      cacheSubnetGroupName: this.subnetGroup.cacheSubnetGroupName,
      securityGroupIds: network.securityGroups.map((sg) => sg.securityGroupId),
      cacheParameterGroupName: this.parameterGroupName,
      ...(this.clusterMode.clusterEnabled
        ? { numNodeGroups: this.clusterMode.shards, replicasPerNodeGroup: this.clusterMode.replicasPerShard }
        : { numCacheClusters: this.clusterMode.nodes }),
      preferredCacheClusterAZs: props.preferredCacheClusterAzs,
      automaticFailoverEnabled: automaticFailover,
      multiAzEnabled: multiAz,
      transitEncryptionEnabled: this.transitEncryption,
      transitEncryptionMode: this.transitEncryption
        ? (props.transitEncryptionMode ?? TransitEncryptionMode.REQUIRED)
        : undefined,
      atRestEncryptionEnabled: atRestEncryption,
      kmsKeyId: props.kmsKey?.keyArn,
      authToken: authConfig.authToken?.unsafeUnwrap(),
      userGroupIds: this.userGroup ? [this.userGroup.userGroupId] : undefined,
      snapshotRetentionLimit: retentionDays,
      snapshotWindow,
      preferredMaintenanceWindow: maintenanceWindow,
      autoMinorVersionUpgrade: props.autoMinorVersionUpgrade ?? true,
      // Only r6gd nodes tier data; leave the property out otherwise, as older engines predate it.
      dataTieringEnabled: dataTiering ? true : undefined,
      networkType: props.networkType,
      snapshotName: props.snapshotName,
      snapshotArns: props.snapshotArns,
      notificationTopicArn: props.notificationTopic?.topicArn,
    });
    // Ref alone orders creation only if the name is referenced; make the order explicit.
    this.resource.node.addDependency(this.subnetGroup);
    if (parameterGroup) this.resource.node.addDependency(parameterGroup);
    this.resource.applyRemovalPolicy(removalPolicy);
    if (this.clusterMode.clusterEnabled) {
      // Shard count changes are applied in place instead of replacing the group.
      this.resource.cfnOptions.updatePolicy = { useOnlineResharding: true };
    }
    this.replicationGroupId = this.resource.ref;

    if (this.engine.engineType === CacheEngineType.REDIS && this.port === DEFAULT_PORT) {
      Validations.of(this.resource).acknowledge({
        id: 'AwsSolutions-AEC5',
        reason: 'The default port is kept on purpose: a non-default port hides nothing from a scanner inside the VPC. ' +
          'Access is limited by the security group (no ingress unless granted), TLS and authentication.',
      });
    }
    if (this.userGroup !== undefined) {
      Validations.of(this.resource).acknowledge({
        id: 'AwsSolutions-AEC6',
        reason: 'The group authenticates clients with role-based access control (a user group of password or IAM users), ' +
          'which replaces the shared AUTH token and limits each user to its access string.',
      });
    }
  }

  public get primaryEndpoint(): Endpoint {
    if (this.clusterMode.clusterEnabled) {
      throw new Error(`primaryEndpoint is not available with cluster mode enabled (${this.node.path}): use configurationEndpoint`);
    }
    return new Endpoint(this.resource.attrPrimaryEndPointAddress, Token.asNumber(this.resource.attrPrimaryEndPointPort));
  }

  public get readerEndpoint(): Endpoint {
    if (this.clusterMode.clusterEnabled) {
      throw new Error(`readerEndpoint is not available with cluster mode enabled (${this.node.path}): use configurationEndpoint (cluster clients read from replicas with READONLY)`);
    }
    return new Endpoint(this.resource.attrReaderEndPointAddress, Token.asNumber(this.resource.attrReaderEndPointPort));
  }

  public get configurationEndpoint(): Endpoint {
    if (!this.clusterMode.clusterEnabled) {
      throw new Error(`configurationEndpoint is only available with cluster mode enabled (${this.node.path}): use primaryEndpoint and readerEndpoint`);
    }
    return new Endpoint(this.resource.attrConfigurationEndPointAddress, Token.asNumber(this.resource.attrConfigurationEndPointPort));
  }

  /**
   * Gives a consumer access: opens the security group to it on the cache port (from its security
   * groups only), lets it read the AUTH token secret, and hands it the connection contract
   * (`CACHE_ENGINE`, `CACHE_MODE`, `CACHE_HOST`, `CACHE_PORT`, `CACHE_READER_HOST`,
   * `CACHE_READER_PORT`, `CACHE_TLS`, `CACHE_AUTH`, `CACHE_SECRET_ARN`, `CACHE_ID`, with the chosen
   * prefix): as environment variables for functions and containers, in an SSM parameter for
   * instances and auto scaling groups.
   *
   * With a user group (`CacheAuth.userGroup`) the consumer connects as `options.user`, which is
   * required: a password user gives `CACHE_AUTH=password`, `CACHE_USER` and the user's
   * `CACHE_SECRET_ARN` (readable by the consumer); an IAM user gives `CACHE_AUTH=iam` and
   * `CACHE_USER`, and `elasticache:Connect` on the group and the user.
   */
  public addConsumer(consumer: CacheConsumer, options: AddConsumerOptions = {}): void {
    this._addConsumer(consumer, options, {});
  }

  /**
   * Creates the recommended alarms for this group (engine CPU, memory, evictions, connections and,
   * with replicas, replication lag), with AWS's suggested thresholds unless overridden.
   */
  public addRecommendedAlarms(options: RecommendedAlarmsOptions = {}): ReplicationGroupAlarms {
    return new ReplicationGroupAlarms(this, 'RecommendedAlarms', { ...options, replicationGroup: this });
  }

  /**
   * `addConsumer` with more contract values and access, for patterns built on the group.
   *
   * @internal
   */
  public _addConsumer(consumer: CacheConsumer, options: AddConsumerOptions, extra: ConsumerExtras): void {
    if (this.authType === CacheAuthType.TOKEN && this.authSecret === undefined) {
      fail(`addConsumer needs the AUTH token of ${this.node.path} in Secrets Manager: use auth: CacheAuth.token() or CacheAuth.token({ secret }) instead of CacheAuth.tokenFromSecretValue()`);
    }
    const access = userAccess(this, this.replicationGroupArn, consumer.target, this.userGroup, options.user);
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    const main = this.clusterMode.clusterEnabled ? this.configurationEndpoint : this.primaryEndpoint;
    const reader = this.clusterMode.clusterEnabled ? undefined : this.readerEndpoint;
    const environment = prefixContract(prefix, {
      ENGINE: this.engine.engineName,
      MODE: this.clusterMode.clusterEnabled ? 'cluster' : 'standalone',
      HOST: main.hostname,
      PORT: portText(main.port),
      READER_HOST: reader?.hostname,
      READER_PORT: reader ? portText(reader.port) : undefined,
      TLS: String(this.transitEncryption),
      AUTH: this.authType,
      SECRET_ARN: this.authSecret?.secretArn,
      ID: this.replicationGroupId,
      ...access?.values,
      ...extra.values,
    });
    addConsumerTo(consumer, {
      cache: this,
      connections: this.connections,
      environment,
      prefix,
      secrets: [...(this.authSecret ? [this.authSecret] : []), ...(access?.secrets ?? []), ...(extra.secrets ?? [])],
      connectResourceArns: access?.connectResourceArns,
      additionalConnections: extra.additionalConnections,
    });
  }

  private validateTopology(automaticFailover: boolean, multiAz: boolean, props: ReplicationGroupProps): void {
    const mode = this.clusterMode;
    if (!mode.clusterEnabled) {
      checkIntegerRange('ClusterMode.disabled replicas', mode.replicasPerShard, 0, MAX_REPLICAS);
      if (mode.nodes > MAX_REPLICAS + 1) {
        fail(`numCacheClusters must be between 1 and ${MAX_REPLICAS + 1} (a primary and up to ${MAX_REPLICAS} replicas), got ${mode.nodes}: ` +
          `set replicas to ${MAX_REPLICAS} or fewer, or use ClusterMode.enabled() to add shards`);
      }
    } else {
      checkIntegerRange('ClusterMode.enabled shards', mode.shards, 1, MAX_SHARDS);
      if (mode.replicasPerShard === 0) {
        fail('ClusterMode.enabled replicasPerShard must be at least 1, got 0: cluster mode needs automatic failover, ' +
          'which needs a replica in every shard (set replicasPerShard: 1, or use ClusterMode.disabled({ replicas: 0 }) for a single node)');
      }
      checkIntegerRange('ClusterMode.enabled replicasPerShard', mode.replicasPerShard, 1, MAX_REPLICAS);
      if (mode.nodes > this.engine.maxClusterNodes) {
        fail(`cluster mode enabled allows at most ${this.engine.maxClusterNodes} nodes (shards × (replicasPerShard + 1)) on ${this.engine}, ` +
          `got ${mode.nodes} (${mode.shards} shards × ${mode.replicasPerShard + 1} nodes): use fewer shards or replicas`);
      }
      if (props.automaticFailover === false) {
        fail('automaticFailover must be true with cluster mode enabled, got false');
      }
      if (props.preferredCacheClusterAzs !== undefined) {
        fail('preferredCacheClusterAzs applies only to cluster mode disabled: remove it, ElastiCache places the shards\' nodes across the subnet group\'s AZs');
      }
    }
    if (automaticFailover && !hasReplica(mode)) {
      fail(`automaticFailover needs at least one replica (numCacheClusters at least 2), got ${mode.nodes} node: add a replica or set automaticFailover: false`);
    }
    if (multiAz && !automaticFailover) {
      fail(`multiAz requires automaticFailover${hasReplica(mode) ? '' : ' and at least one replica'}: ` +
        `${hasReplica(mode) ? 'set automaticFailover: true' : 'add a replica'} or set multiAz: false`);
    }
    if ((multiAz || automaticFailover) && !this.nodeType.supportsAutomaticFailover) {
      fail(`${this.nodeType.name} does not support Multi-AZ or automatic failover: set multiAz and automaticFailover to false, or choose a current node type`);
    }
    const azs = props.preferredCacheClusterAzs;
    if (azs !== undefined && !Token.isUnresolved(azs) && azs.length !== mode.nodes) {
      fail(`preferredCacheClusterAzs must list one Availability Zone per node (${mode.nodes}), got ${azs.length}`);
    }
  }

  private validateEncryption(auth: CacheAuth, atRestEncryption: boolean, props: ReplicationGroupProps): void {
    if (this.transitEncryption && !this.engine.supportsTls) {
      fail(`${this.engine} does not support in-transit encryption (Redis OSS 3.2.6 and 4.0.10 onward do): set transitEncryption: false or choose a newer engine`);
    }
    if (!this.transitEncryption && props.transitEncryptionMode !== undefined) {
      fail('transitEncryptionMode requires transitEncryption: remove transitEncryptionMode or set transitEncryption: true');
    }
    if (auth.type === CacheAuthType.TOKEN && !this.transitEncryption) {
      fail('An AUTH token requires in-transit encryption: set transitEncryption to true, or use auth: CacheAuth.none()');
    }
    if (auth.type === CacheAuthType.RBAC) {
      if (!this.engine.supportsRbac) {
        fail(`CacheAuth.userGroup (role-based access control) needs Valkey 7.2+ or Redis OSS 6.0+, got ${this.engine}: upgrade the engine or use CacheAuth.token()`);
      }
      if (!this.transitEncryption) {
        fail('CacheAuth.userGroup (role-based access control) requires in-transit encryption: set transitEncryption to true');
      }
    }
    if (props.kmsKey !== undefined && !atRestEncryption) {
      fail('kmsKey requires atRestEncryption: remove kmsKey or set atRestEncryption: true');
    }
  }

  private validateBackups(retentionDays: number, removalPolicy: RemovalPolicy, props: ReplicationGroupProps): void {
    if (!Token.isUnresolved(retentionDays) && retentionDays > MAX_SNAPSHOT_RETENTION_DAYS) {
      fail(`snapshotRetention must be between 0 and ${MAX_SNAPSHOT_RETENTION_DAYS} days, got ${retentionDays} days`);
    }
    if (!this.nodeType.supportsBackups) {
      if (!Token.isUnresolved(retentionDays) && retentionDays > 0) {
        fail(`${this.nodeType.name} does not support backups: set snapshotRetention to Duration.days(0), or choose a current node type`);
      }
      if (removalPolicy === RemovalPolicy.SNAPSHOT) {
        fail(`${this.nodeType.name} does not support backups, so removalPolicy cannot be SNAPSHOT: use RemovalPolicy.DESTROY or RETAIN`);
      }
    }
    checkNotBoth('snapshotName', props.snapshotName, 'snapshotArns', props.snapshotArns);
    checkSnapshotName('snapshotName', props.snapshotName);
    for (const arn of props.snapshotArns ?? []) {
      if (!Token.isUnresolved(arn) && !/^arn:[a-z-]+:s3:::.+/.test(arn)) {
        fail(`snapshotArns must be S3 object ARNs (arn:aws:s3:::bucket/key.rdb), got '${arn}'`);
      }
    }
  }

  private validateNodeFeatures(dataTiering: boolean, props: ReplicationGroupProps): void {
    if (dataTiering && !this.nodeType.dataTiering) {
      fail(`dataTiering is only available on r6gd node types, got ${this.nodeType.name}: choose e.g. CacheNodeType.R6GD_XLARGE or set dataTiering: false`);
    }
    if (!dataTiering && this.nodeType.dataTiering) {
      fail(`dataTiering must be true on ${this.nodeType.name} (r6gd nodes always tier data to SSD): remove dataTiering: false or choose another node type`);
    }
    if (dataTiering && !this.engine.supportsDataTiering) {
      fail(`dataTiering needs Valkey 7.2+ or Redis OSS 6.2+, got ${this.engine}`);
    }
    const networkType = props.networkType;
    if (networkType !== undefined && networkType !== NetworkType.IPV4) {
      if (!this.engine.supportsIpv6) {
        fail(`networkType ${networkType} needs Valkey 7.2+ or Redis OSS 6.2+, got ${this.engine}`);
      }
      if (!this.nodeType.nitro) {
        fail(`networkType ${networkType} needs a Nitro node type, got ${this.nodeType.name}`);
      }
    }
  }

  /** The parameter group to use: the user's, a new one from `parameters`, or none (the default group). */
  private resolveParameterGroup(props: ReplicationGroupProps): ICacheParameterGroup | undefined {
    checkNotBoth('parameterGroup', props.parameterGroup, 'parameters', props.parameters);
    const clusterOn = this.clusterMode.clusterEnabled;
    const params = props.parameters;
    const givenGroup = props.parameterGroup instanceof CacheParameterGroup ? props.parameterGroup : undefined;
    const appendOnly = params?.appendonly ?? givenGroup?.parameters.appendonly;
    if (appendOnly === 'yes' && !this.nodeType.supportsAof) {
      fail(`${this.nodeType.name} does not support append-only files: remove appendonly 'yes' or choose a current node type`);
    }
    if (params !== undefined) {
      const setting = params['cluster-enabled'];
      if (setting !== undefined && !Token.isUnresolved(setting) && setting !== (clusterOn ? 'yes' : 'no')) {
        fail(`parameters 'cluster-enabled' must be '${clusterOn ? 'yes' : 'no'}' with cluster mode ${clusterOn ? 'enabled' : 'disabled'}, got '${setting}': remove it, it is set for you`);
      }
      return new CacheParameterGroup(this, 'Parameters', {
        engine: this.engine,
        parameters: clusterOn ? { ...params, 'cluster-enabled': 'yes' } : params,
        description: `Parameters for ${this.node.path}`,
      });
    }
    const group = props.parameterGroup;
    if (group !== undefined) {
      if (group.family !== undefined && group.family !== this.engine.parameterGroupFamily) {
        fail(`parameterGroup is for the ${group.family} family but ${this.engine} needs ${this.engine.parameterGroupFamily}`);
      }
      if (group.clusterEnabled !== undefined && group.clusterEnabled !== clusterOn) {
        fail(clusterOn
          ? `parameterGroup must have cluster-enabled 'yes' with cluster mode enabled: use ${this.engine.defaultParameterGroupName(true)} or set parameters instead`
          : `parameterGroup has cluster-enabled 'yes', which needs ClusterMode.enabled(): use ${this.engine.defaultParameterGroupName(false)} or enable cluster mode`);
      }
    }
    return group;
  }
}

function hasReplica(mode: ClusterMode): boolean {
  return mode.replicasPerShard >= 1;
}
