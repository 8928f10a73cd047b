import { Annotations, ArnFormat, IResource, RemovalPolicy, Resource, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnCacheCluster } from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { MemcachedAlarmsOptions, MemcachedClusterAlarms } from './cache-alarms';
import { AddConsumerOptions, CacheConsumer } from './consumer';
import { Endpoint } from './endpoint';
import { MemcachedVersion } from './engine';
import { CacheMetricOptions, MetricAggregation } from './metrics';
import { NetworkType } from './network-type';
import { CacheNodeType } from './node-type';
import { CacheParameterGroup, ICacheParameterGroup } from './parameter-group';
import { addConsumerTo } from './private/consumers';
import { DEFAULT_PREFIX, portText, prefixContract } from './private/contract';
import { combineNodes, memcachedNodeIds, nodeMetric, nodeOptions } from './private/metrics';
import { cacheNetwork } from './private/network';
import { checkIdentifier, checkIntegerRange, checkNotBoth, checkPort, fail, parseMaintenanceWindow } from './private/validation';
import { ICacheSubnetGroup } from './subnet-group';

/** The default Memcached port. */
const DEFAULT_PORT = 11211;
/** Nodes in a Memcached cluster: the user guide allows up to 60. */
const MAX_NODES = 60;
/** Above this many nodes a quota increase is needed (the API's 1..40). */
const DEFAULT_NODE_QUOTA = 40;
const MAX_NAME_LENGTH = 50;
const DEFAULT_MAINTENANCE_WINDOW = 'sun:05:00-sun:06:00';
const MEMCACHED_CLUSTER_SYMBOL = Symbol.for('cdk-elasticache.MemcachedCluster');

/**
 * Props that replication groups have and Memcached clusters do not, with the reason. They are not
 * in `MemcachedClusterProps`; the check catches them from untyped callers.
 */
const UNSUPPORTED_PROPS: Record<string, string> = {
  snapshotRetention: 'Memcached has no backups',
  snapshotWindow: 'Memcached has no backups',
  snapshotName: 'Memcached has no backups to restore from',
  snapshotArns: 'Memcached has no backups to restore from',
  auth: 'Memcached has no AUTH or RBAC; the security group controls access',
  clusterMode: 'Memcached has no cluster mode; data is spread over the nodes by the client',
  replicas: 'Memcached has no replication',
  multiAz: 'Memcached has no replication or failover (use azMode to spread nodes over AZs)',
  automaticFailover: 'Memcached has no replication or failover',
  atRestEncryption: 'node-based Memcached has no encryption at rest',
  kmsKey: 'node-based Memcached has no encryption at rest',
  dataTiering: 'data tiering is only for Valkey and Redis OSS replication groups',
  transitEncryptionMode: 'Memcached TLS has no preferred mode; use transitEncryption',
};

/** How a Memcached cluster's nodes are placed. */
export enum AzMode {
  /** All nodes in one Availability Zone. */
  SINGLE_AZ = 'single-az',
  /** Nodes spread over the subnet group's Availability Zones. */
  CROSS_AZ = 'cross-az',
}

/** A Memcached cluster. */
export interface IMemcachedCluster extends IResource, ec2.IConnectable {
  /**
   * The cache cluster id.
   *
   * @attribute
   */
  readonly cacheClusterId: string;

  /**
   * The cache cluster ARN.
   *
   * @attribute
   */
  readonly cacheClusterArn: string;

  /** The configuration endpoint (auto discovery). */
  readonly configurationEndpoint: Endpoint;

  /** The `CacheNodeId` of each node (`0001`, `0002`, ...). */
  readonly cacheNodeIds: string[];

  /** Grants the given actions on this cluster. */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;

  /**
   * A metric of the whole cluster, combined from its nodes' metrics.
   *
   * @default the maximum over the nodes of each node's Average over 5 minutes
   */
  metric(metricName: string, props?: CacheMetricOptions): cloudwatch.IMetric;

  /**
   * A metric of one node (dimensions `CacheClusterId` and `CacheNodeId`).
   *
   * @default Average over 5 minutes
   */
  metricForNode(metricName: string, cacheNodeId: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** Attributes to import a Memcached cluster. */
export interface MemcachedClusterAttributes {
  /** The cache cluster id. */
  readonly cacheClusterId: string;

  /**
   * The port.
   *
   * @default 11211
   */
  readonly port?: number;

  /**
   * The cluster's security groups.
   *
   * @default - no security groups: `connections` cannot open ingress
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The configuration endpoint address.
   *
   * @default - `configurationEndpoint` throws
   */
  readonly configurationEndpointAddress?: string;

  /**
   * The number of nodes, which names them for metrics.
   *
   * @default - unknown: `metricForNode` works, cluster-level metrics and `cacheNodeIds` throw
   */
  readonly nodes?: number;
}

/** Properties of a {@link MemcachedCluster}. */
export interface MemcachedClusterProps {
  /** The VPC to place the cluster in. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets for a new subnet group.
   *
   * @default - the VPC's private subnets with egress; if it has none, its isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * An existing subnet group. Changing it replaces the cluster.
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
   * The Memcached version.
   *
   * @default MemcachedVersion.LATEST
   */
  readonly engineVersion?: MemcachedVersion;

  /**
   * The node type.
   *
   * @default CacheNodeType.T4G_MICRO
   */
  readonly nodeType?: CacheNodeType;

  /**
   * The number of nodes: 1 to 60 (above 40 needs a quota increase).
   *
   * @default 2
   */
  readonly nodes?: number;

  /**
   * Whether nodes are spread over Availability Zones.
   *
   * @default - AzMode.CROSS_AZ with more than one node, else AzMode.SINGLE_AZ
   */
  readonly azMode?: AzMode;

  /**
   * Availability Zones for the nodes, one per node.
   *
   * @default - ElastiCache chooses
   */
  readonly preferredAvailabilityZones?: string[];

  /**
   * The port. Changing it replaces the cluster.
   *
   * @default 11211
   */
  readonly port?: number;

  /**
   * In-transit encryption (TLS), Memcached 1.6.12 onward. Changing it replaces the cluster.
   *
   * @default - true when the version supports it
   */
  readonly transitEncryption?: boolean;

  /**
   * A parameter group for the Memcached family.
   *
   * @default - ElastiCache's default group (`default.memcached1.6`), or a new group when `parameters` is given
   */
  readonly parameterGroup?: ICacheParameterGroup;

  /**
   * Engine parameters for a new parameter group.
   *
   * @default - no new parameter group
   */
  readonly parameters?: Record<string, string>;

  /**
   * The cluster id: 1 to 50 lower-case letters, digits or hyphens, starting with a letter.
   * Changing it replaces the cluster.
   *
   * @default - an id generated by CloudFormation
   */
  readonly clusterName?: string;

  /**
   * The weekly maintenance window, `ddd:hh24:mi-ddd:hh24:mi` in UTC, at least 60 minutes.
   *
   * @default 'sun:05:00-sun:06:00'
   */
  readonly preferredMaintenanceWindow?: string;

  /**
   * Apply minor engine upgrades automatically in the maintenance window.
   *
   * @default true
   */
  readonly autoMinorVersionUpgrade?: boolean;

  /**
   * The network type. Changing it replaces the cluster.
   *
   * @default - not set: ElastiCache uses ipv4
   */
  readonly networkType?: NetworkType;

  /**
   * What happens to the cluster when it leaves the stack. Memcached has no snapshots, so
   * `RemovalPolicy.SNAPSHOT` is rejected.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * An SNS topic for ElastiCache events (owned by the same account).
   *
   * @default - no notifications
   */
  readonly notificationTopic?: sns.ITopic;
}

/** Grants, metrics and ARN shared by new and imported Memcached clusters. */
export abstract class MemcachedClusterBase extends Resource implements IMemcachedCluster {
  public abstract readonly cacheClusterId: string;
  public abstract readonly connections: ec2.Connections;
  public abstract readonly configurationEndpoint: Endpoint;

  /** @internal the node count, where known (new clusters, and imports given nodes) */
  protected _nodeCount?: number;

  public get cacheClusterArn(): string {
    return Stack.of(this).formatArn({
      service: 'elasticache',
      resource: 'cluster',
      resourceName: this.cacheClusterId,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.cacheClusterArn] });
  }

  /**
   * The `CacheNodeId` of each node: `0001`, `0002`, ... up to the cluster's node count.
   */
  public get cacheNodeIds(): string[] {
    const nodes = this._nodeCount;
    if (nodes === undefined) {
      throw new Error(`Cannot access the nodes of the imported Memcached cluster ${this.node.path} without nodes: ` +
        'pass nodes to fromMemcachedClusterAttributes');
    }
    return memcachedNodeIds(nodes);
  }

  /**
   * A metric of one node (namespace `AWS/ElastiCache`, dimensions `CacheClusterId` and
   * `CacheNodeId`, e.g. `0001`). ElastiCache publishes Memcached metrics per node.
   *
   * @default Average over 5 minutes
   */
  public metricForNode(metricName: string, cacheNodeId: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return nodeMetric(metricName, { CacheClusterId: this.cacheClusterId, CacheNodeId: cacheNodeId }, cloudwatch.Stats.AVERAGE, props)
      .attachTo(this);
  }

  /**
   * A metric of the whole cluster: a math expression combining every node's metric with
   * `props.aggregation`.
   *
   * @default the maximum over the nodes of each node's Average over 5 minutes
   */
  public metric(metricName: string, props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.combined(metricName, cloudwatch.Stats.AVERAGE, MetricAggregation.MAXIMUM, props);
  }

  /**
   * Host CPU utilization, percent (Memcached is multi-threaded, so this is the one to watch).
   *
   * @default the maximum over the nodes of each node's Average over 5 minutes
   */
  public metricCPUUtilization(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.combined('CPUUtilization', cloudwatch.Stats.AVERAGE, MetricAggregation.MAXIMUM, props);
  }

  /**
   * Client connections.
   *
   * @default the sum over the nodes of each node's Maximum over 5 minutes
   */
  public metricCurrConnections(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.combined('CurrConnections', cloudwatch.Stats.MAXIMUM, MetricAggregation.SUM, props);
  }

  /**
   * Items evicted to make room for new writes.
   *
   * @default the sum over the nodes of each node's Sum over 5 minutes
   */
  public metricEvictions(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.combined('Evictions', cloudwatch.Stats.SUM, MetricAggregation.SUM, props);
  }

  /**
   * Get requests that found the key.
   *
   * @default the sum over the nodes of each node's Sum over 5 minutes
   */
  public metricGetHits(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.combined('GetHits', cloudwatch.Stats.SUM, MetricAggregation.SUM, props);
  }

  /**
   * Get requests that did not find the key.
   *
   * @default the sum over the nodes of each node's Sum over 5 minutes
   */
  public metricGetMisses(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.combined('GetMisses', cloudwatch.Stats.SUM, MetricAggregation.SUM, props);
  }

  /**
   * Swap used on the host, in bytes.
   *
   * @default the maximum over the nodes of each node's Maximum over 5 minutes
   */
  public metricSwapUsage(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.combined('SwapUsage', cloudwatch.Stats.MAXIMUM, MetricAggregation.MAXIMUM, props);
  }

  private combined(metricName: string, statistic: string, aggregation: MetricAggregation, props?: CacheMetricOptions): cloudwatch.IMetric {
    const how = props?.aggregation ?? aggregation;
    const options = { statistic, ...nodeOptions(props) };
    const nodes = this.cacheNodeIds.map((id) => this.metricForNode(metricName, id, options));
    return combineNodes(nodes, how, `${metricName} (${how.toLowerCase()} of ${nodes.length} node${nodes.length === 1 ? '' : 's'})`, props);
  }
}

/**
 * A Memcached cluster: 1 to 60 nodes spread over Availability Zones, TLS on where the version
 * supports it, private subnets and a security group without ingress. Memcached has no
 * authentication, replication or backups.
 *
 * @resource AWS::ElastiCache::CacheCluster
 */
export class MemcachedCluster extends MemcachedClusterBase {
  /** Imports an existing Memcached cluster. */
  public static fromMemcachedClusterAttributes(scope: Construct, id: string, attrs: MemcachedClusterAttributes): IMemcachedCluster {
    if (!Token.isUnresolved(attrs.cacheClusterId) && attrs.cacheClusterId.trim() === '') {
      fail('cacheClusterId must not be empty');
    }
    checkPort('port', attrs.port);
    const port = attrs.port ?? DEFAULT_PORT;
    class Import extends MemcachedClusterBase {
      public readonly cacheClusterId = attrs.cacheClusterId;
      protected _nodeCount = attrs.nodes;
      public readonly connections = new ec2.Connections({
        securityGroups: attrs.securityGroups,
        defaultPort: ec2.Port.tcp(port),
      });
      public get configurationEndpoint(): Endpoint {
        if (attrs.configurationEndpointAddress === undefined) {
          throw new Error('Cannot access configurationEndpoint of an imported Memcached cluster without configurationEndpointAddress');
        }
        return new Endpoint(attrs.configurationEndpointAddress, port);
      }
    }
    return new Import(scope, id);
  }

  /** Imports an existing Memcached cluster by id. */
  public static fromCacheClusterId(scope: Construct, id: string, cacheClusterId: string): IMemcachedCluster {
    return MemcachedCluster.fromMemcachedClusterAttributes(scope, id, { cacheClusterId });
  }

  /** Whether the given object is a MemcachedCluster. */
  public static isMemcachedCluster(x: any): x is MemcachedCluster {
    return x !== null && typeof x === 'object' && MEMCACHED_CLUSTER_SYMBOL in x;
  }

  public readonly cacheClusterId: string;
  public readonly connections: ec2.Connections;
  public readonly configurationEndpoint: Endpoint;

  /** The Memcached version. */
  public readonly engineVersion: MemcachedVersion;
  /** The node type. */
  public readonly nodeType: CacheNodeType;
  /** The number of nodes. */
  public readonly nodes: number;
  /** The port. */
  public readonly port: number;
  /** Whether in-transit encryption is on. */
  public readonly transitEncryption: boolean;
  /** The subnet group. */
  public readonly subnetGroup: ICacheSubnetGroup;
  /** The parameter group name the cluster uses. */
  public readonly parameterGroupName: string;

  constructor(scope: Construct, id: string, props: MemcachedClusterProps) {
    super(scope, id);
    Object.defineProperty(this, MEMCACHED_CLUSTER_SYMBOL, { value: true });
    rejectUnsupportedProps(props);

    this.engineVersion = props.engineVersion ?? MemcachedVersion.LATEST;
    this.nodeType = props.nodeType ?? CacheNodeType.T4G_MICRO;
    this.nodes = props.nodes ?? 2;
    this._nodeCount = this.nodes;
    this.port = props.port ?? DEFAULT_PORT;
    this.transitEncryption = props.transitEncryption ?? this.engineVersion.supportsTls;
    const azMode = props.azMode ?? (this.nodes > 1 ? AzMode.CROSS_AZ : AzMode.SINGLE_AZ);
    const maintenanceWindow = props.preferredMaintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;

    checkIdentifier('clusterName', props.clusterName, MAX_NAME_LENGTH);
    checkPort('port', props.port);
    checkIntegerRange('nodes', this.nodes, 1, MAX_NODES);
    if (!Token.isUnresolved(this.nodes) && this.nodes > DEFAULT_NODE_QUOTA) {
      Annotations.of(this).addWarningV2('cdk-elasticache:memcachedNodeQuota',
        `The cluster has ${this.nodes} nodes, above ElastiCache's default of ${DEFAULT_NODE_QUOTA} nodes per Memcached cluster: request a quota increase before deploying`);
    }
    if (azMode === AzMode.CROSS_AZ && !Token.isUnresolved(this.nodes) && this.nodes < 2) {
      fail(`azMode cross-az needs at least 2 nodes, got ${this.nodes}: add nodes or use AzMode.SINGLE_AZ`);
    }
    const azs = props.preferredAvailabilityZones;
    if (azs !== undefined && !Token.isUnresolved(azs) && !Token.isUnresolved(this.nodes) && azs.length !== this.nodes) {
      fail(`preferredAvailabilityZones must list one Availability Zone per node (${this.nodes}), got ${azs.length}`);
    }
    if (this.transitEncryption && !this.engineVersion.supportsTls) {
      fail(`transitEncryption needs Memcached 1.6.12 or later, got ${this.engineVersion.version}: set transitEncryption: false or use MemcachedVersion.LATEST`);
    }
    if (this.nodeType.dataTiering) {
      fail(`${this.nodeType.name} uses data tiering, which only Valkey and Redis OSS replication groups support: choose another node type`);
    }
    if (props.networkType !== undefined && props.networkType !== NetworkType.IPV4) {
      if (!this.engineVersion.supportsIpv6) {
        fail(`networkType ${props.networkType} needs Memcached 1.6.6 or later, got ${this.engineVersion.version}`);
      }
      if (!this.nodeType.nitro) {
        fail(`networkType ${props.networkType} needs a Nitro node type, got ${this.nodeType.name}`);
      }
    }
    if (removalPolicy === RemovalPolicy.SNAPSHOT) {
      fail('removalPolicy cannot be SNAPSHOT: Memcached has no backups. Use RemovalPolicy.DESTROY or RETAIN');
    }
    parseMaintenanceWindow('preferredMaintenanceWindow', maintenanceWindow);

    const network = cacheNetwork(this, {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      subnetGroup: props.subnetGroup,
      securityGroups: props.securityGroups,
      port: this.port,
      kind: 'ElastiCache Memcached cluster',
    });
    this.connections = network.connections;
    this.subnetGroup = network.subnetGroup;
    const parameterGroup = this.resolveParameterGroup(props);
    this.parameterGroupName = parameterGroup?.cacheParameterGroupName ?? this.engineVersion.defaultParameterGroupName();

    const resource = new CfnCacheCluster(this, 'Resource', {
      engine: this.engineVersion.engineName,
      engineVersion: this.engineVersion.version,
      clusterName: props.clusterName,
      cacheNodeType: this.nodeType.name,
      numCacheNodes: this.nodes,
      azMode,
      preferredAvailabilityZones: azs,
      port: this.port,
      cacheSubnetGroupName: this.subnetGroup.cacheSubnetGroupName,
      vpcSecurityGroupIds: network.securityGroups.map((sg) => sg.securityGroupId),
      cacheParameterGroupName: this.parameterGroupName,
      transitEncryptionEnabled: this.transitEncryption,
      preferredMaintenanceWindow: maintenanceWindow,
      autoMinorVersionUpgrade: props.autoMinorVersionUpgrade ?? true,
      networkType: props.networkType,
      notificationTopicArn: props.notificationTopic?.topicArn,
    });
    resource.node.addDependency(this.subnetGroup);
    if (parameterGroup) resource.node.addDependency(parameterGroup);
    resource.applyRemovalPolicy(removalPolicy);
    this.cacheClusterId = resource.ref;
    this.configurationEndpoint = new Endpoint(resource.attrConfigurationEndpointAddress, Token.asNumber(resource.attrConfigurationEndpointPort));

    if (this.port === DEFAULT_PORT) {
      Validations.of(resource).acknowledge({
        id: 'AwsSolutions-AEC5',
        reason: 'The default port is kept on purpose: a non-default port hides nothing from a scanner inside the VPC. ' +
          'Access is limited by the security group (no ingress unless granted) and TLS.',
      });
    }
  }

  /**
   * Gives a consumer access: opens the security group to it on the cache port (from its security
   * groups only) and hands it the connection contract (`CACHE_ENGINE=memcached`,
   * `CACHE_MODE=memcached`, `CACHE_HOST` and `CACHE_PORT` of the configuration endpoint,
   * `CACHE_TLS`, `CACHE_AUTH=none`, `CACHE_ID`, with the chosen prefix): as environment variables
   * for functions and containers, in an SSM parameter for instances and auto scaling groups.
   */
  public addConsumer(consumer: CacheConsumer, options: AddConsumerOptions = {}): void {
    if (options.user !== undefined) {
      fail(`addConsumer: Memcached has no users, so user cannot be given for ${this.node.path}: remove user`);
    }
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    const environment = prefixContract(prefix, {
      ENGINE: this.engineVersion.engineName,
      MODE: 'memcached',
      HOST: this.configurationEndpoint.hostname,
      PORT: portText(this.configurationEndpoint.port),
      TLS: String(this.transitEncryption),
      AUTH: 'none',
      ID: this.cacheClusterId,
    });
    addConsumerTo(consumer, { cache: this, connections: this.connections, environment, prefix });
  }

  /**
   * Creates the recommended alarms for this cluster (CPU, swap, evictions and connections), with
   * AWS's suggested thresholds unless overridden.
   */
  public addRecommendedAlarms(options: MemcachedAlarmsOptions = {}): MemcachedClusterAlarms {
    return new MemcachedClusterAlarms(this, 'RecommendedAlarms', { ...options, memcachedCluster: this });
  }

  private resolveParameterGroup(props: MemcachedClusterProps): ICacheParameterGroup | undefined {
    checkNotBoth('parameterGroup', props.parameterGroup, 'parameters', props.parameters);
    if (props.parameters !== undefined) {
      return new CacheParameterGroup(this, 'Parameters', { engine: this.engineVersion, parameters: props.parameters });
    }
    const group = props.parameterGroup;
    if (group?.family !== undefined && group.family !== this.engineVersion.parameterGroupFamily) {
      fail(`parameterGroup is for the ${group.family} family but Memcached ${this.engineVersion.version} needs ${this.engineVersion.parameterGroupFamily}`);
    }
    if (group?.clusterEnabled === true) {
      fail('parameterGroup has cluster-enabled \'yes\', which only cluster-mode-enabled replication groups may use');
    }
    return group;
  }
}

function rejectUnsupportedProps(props: MemcachedClusterProps): void {
  const given = props as unknown as Record<string, unknown>;
  for (const [name, reason] of Object.entries(UNSUPPORTED_PROPS)) {
    if (given[name] !== undefined) {
      fail(`MemcachedCluster does not support ${name}: ${reason}. Remove it, or use a ReplicationGroup (Valkey or Redis OSS)`);
    }
  }
}
