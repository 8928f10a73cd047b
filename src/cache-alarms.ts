import { Duration, Size, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { IMemcachedCluster } from './memcached-cluster';
import { MetricAggregation } from './metrics';
import { chunks, combineNodes, MAX_METRICS_PER_ALARM } from './private/metrics';
import { fail } from './private/validation';
import type { IReplicationGroup } from './replication-group';

/** ElastiCache's fixed per-node connection limit (`maxclients`). */
const MAX_CONNECTIONS_PER_NODE = 65_000;
/** Alarm at 90% of it unless told otherwise. */
const DEFAULT_CONNECTIONS_THRESHOLD = Math.floor(MAX_CONNECTIONS_PER_NODE * 0.9);
const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);
/** Gauges must breach for five consecutive one-minute periods, as CloudWatch's recommended alarms do. */
const SUSTAINED = 5;

/** Actions shared by every recommended alarm. */
export interface AlarmActionsOptions {
  /**
   * Actions when an alarm goes into ALARM (for example an `SnsAction`).
   *
   * @default - none
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];

  /**
   * Actions when an alarm returns to OK.
   *
   * @default - none
   */
  readonly okActions?: cloudwatch.IAlarmAction[];
}

/**
 * Thresholds of the recommended alarms for a Valkey or Redis OSS replication group. The defaults
 * follow AWS's guidance (ElastiCache "Which metrics should I monitor?" and CloudWatch's
 * recommended alarms) where it gives a number, and say why where it does not.
 */
export interface RecommendedAlarmsOptions extends AlarmActionsOptions {
  /**
   * Alarm when a node's `EngineCPUUtilization` (the engine thread) stays above this percentage
   * for 5 minutes. AWS recommends 90%: beyond it the single-threaded engine is saturated.
   *
   * @default 90
   */
  readonly engineCpuUtilizationThreshold?: number;

  /**
   * Alarm when a node's `DatabaseMemoryUsagePercentage` stays above this percentage for 5
   * minutes. At 100% the eviction policy starts removing keys (or writes fail with
   * `noeviction`); 80% leaves time to scale up or out first.
   *
   * @default 80
   */
  readonly memoryUsageThreshold?: number;

  /**
   * Alarm when more than this many keys are evicted over 5 minutes, summed over the nodes.
   * Evictions are normal for a cache at capacity under an LRU policy; a sustained rate means the
   * working set no longer fits. Use 0 when every eviction loses data (sessions).
   *
   * @default 1000
   */
  readonly evictionsThreshold?: number;

  /**
   * Alarm when a node's `CurrConnections` stays above this for 5 minutes. A node accepts at most
   * 65,000 connections; the default is 90% of that. Lower it to your expected peak to catch
   * connection leaks early.
   *
   * @default 58500
   */
  readonly connectionsThreshold?: number;

  /**
   * Alarm when a replica's `ReplicationLag` stays above this for 5 minutes (only with replicas):
   * reads from replicas are that stale, and a failover would lose that much of the latest writes.
   *
   * @default Duration.seconds(10)
   */
  readonly replicationLagThreshold?: Duration;
}

/** Properties of {@link ReplicationGroupAlarms}. */
export interface ReplicationGroupAlarmsProps extends RecommendedAlarmsOptions {
  /** The group to watch. An imported group needs `clusterMode` to name its nodes. */
  readonly replicationGroup: IReplicationGroup;
}

/**
 * The recommended CloudWatch alarms for a Valkey or Redis OSS replication group: engine CPU,
 * memory, evictions, connections and replication lag. Each alarm watches the highest (or, for
 * evictions, the total) value over the group's nodes; groups of more than 10 nodes get one alarm
 * per 10 nodes, as an alarm on a math expression may reference at most 10 metrics.
 */
export class ReplicationGroupAlarms extends Construct {
  /** The alarms created. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ReplicationGroupAlarmsProps) {
    super(scope, id);
    const group = props.replicationGroup;
    const nodes = group.memberClusterIds;
    const engineCpu = checkPercent('engineCpuUtilizationThreshold', props.engineCpuUtilizationThreshold ?? 90);
    const memory = checkPercent('memoryUsageThreshold', props.memoryUsageThreshold ?? 80);
    const evictions = checkCount('evictionsThreshold', props.evictionsThreshold ?? 1000);
    const connections = checkCount('connectionsThreshold', props.connectionsThreshold ?? DEFAULT_CONNECTIONS_THRESHOLD);
    const lag = props.replicationLagThreshold ?? Duration.seconds(10);

    const add = (spec: AlarmSpec) => this.alarms.push(...createAlarms(this, nodes, spec, props));
    add({
      id: 'EngineCPUUtilization',
      metric: (node) => group.metricForNode('EngineCPUUtilization', node, { statistic: cloudwatch.Stats.AVERAGE, period: ONE_MINUTE }),
      period: ONE_MINUTE,
      aggregation: MetricAggregation.MAXIMUM,
      threshold: engineCpu,
      description: `A node's engine thread is above ${engineCpu}% CPU: scale up, add shards or reduce expensive commands`,
    });
    add({
      id: 'DatabaseMemoryUsagePercentage',
      metric: (node) => group.metricForNode('DatabaseMemoryUsagePercentage', node, { statistic: cloudwatch.Stats.AVERAGE, period: ONE_MINUTE }),
      period: ONE_MINUTE,
      aggregation: MetricAggregation.MAXIMUM,
      threshold: memory,
      description: `A node uses more than ${memory}% of maxmemory: evictions follow at 100%`,
    });
    add({
      id: 'Evictions',
      metric: (node) => group.metricForNode('Evictions', node, { statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES }),
      period: FIVE_MINUTES,
      aggregation: MetricAggregation.SUM,
      threshold: evictions,
      evaluationPeriods: 1,
      description: `More than ${evictions} keys evicted in 5 minutes: the working set no longer fits in memory`,
    });
    add({
      id: 'CurrConnections',
      metric: (node) => group.metricForNode('CurrConnections', node, { statistic: cloudwatch.Stats.MAXIMUM, period: ONE_MINUTE }),
      period: ONE_MINUTE,
      aggregation: MetricAggregation.MAXIMUM,
      threshold: connections,
      description: `A node has more than ${connections} client connections (the limit is ${MAX_CONNECTIONS_PER_NODE})`,
    });
    if (nodes.length > 1) {
      const seconds = lag.toSeconds({ integral: false });
      add({
        id: 'ReplicationLag',
        metric: (node) => group.metricForNode('ReplicationLag', node, { statistic: cloudwatch.Stats.MAXIMUM, period: ONE_MINUTE }),
        period: ONE_MINUTE,
        aggregation: MetricAggregation.MAXIMUM,
        threshold: seconds,
        // Primaries publish no ReplicationLag: a group of nodes without replicas has no data.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        description: `A replica is more than ${seconds} seconds behind its primary`,
      });
    }
  }
}

/** Thresholds of the recommended alarms for a Memcached cluster. */
export interface MemcachedAlarmsOptions extends AlarmActionsOptions {
  /**
   * Alarm when a node's `CPUUtilization` stays above this percentage for 5 minutes. Memcached is
   * multi-threaded, so AWS suggests alarming at 90%.
   *
   * @default 90
   */
  readonly cpuUtilizationThreshold?: number;

  /**
   * Alarm when a node's `SwapUsage` stays above this for 5 minutes. AWS's guidance is that it
   * should not exceed 50 MB; more means the node needs more memory or a larger
   * `memcached_connections_overhead`.
   *
   * @default Size.mebibytes(50)
   */
  readonly swapUsageThreshold?: Size;

  /**
   * Alarm when more than this many items are evicted over 5 minutes, summed over the nodes.
   *
   * @default 1000
   */
  readonly evictionsThreshold?: number;

  /**
   * Alarm when a node's `CurrConnections` stays above this for 5 minutes (90% of 65,000 by
   * default).
   *
   * @default 58500
   */
  readonly connectionsThreshold?: number;
}

/** Properties of {@link MemcachedClusterAlarms}. */
export interface MemcachedClusterAlarmsProps extends MemcachedAlarmsOptions {
  /** The cluster to watch. An imported cluster needs `nodes`. */
  readonly memcachedCluster: IMemcachedCluster;
}

/**
 * The recommended CloudWatch alarms for a Memcached cluster: CPU, swap, evictions and
 * connections, over the cluster's nodes (one alarm per 10 nodes, as for replication groups).
 */
export class MemcachedClusterAlarms extends Construct {
  /** The alarms created. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MemcachedClusterAlarmsProps) {
    super(scope, id);
    const cluster = props.memcachedCluster;
    const nodes = cluster.cacheNodeIds;
    const cpu = checkPercent('cpuUtilizationThreshold', props.cpuUtilizationThreshold ?? 90);
    const swap = props.swapUsageThreshold ?? Size.mebibytes(50);
    const swapBytes = swap.toBytes();
    const evictions = checkCount('evictionsThreshold', props.evictionsThreshold ?? 1000);
    const connections = checkCount('connectionsThreshold', props.connectionsThreshold ?? DEFAULT_CONNECTIONS_THRESHOLD);

    const add = (spec: AlarmSpec) => this.alarms.push(...createAlarms(this, nodes, spec, props));
    add({
      id: 'CPUUtilization',
      metric: (node) => cluster.metricForNode('CPUUtilization', node, { statistic: cloudwatch.Stats.AVERAGE, period: ONE_MINUTE }),
      period: ONE_MINUTE,
      aggregation: MetricAggregation.MAXIMUM,
      threshold: cpu,
      description: `A node is above ${cpu}% CPU: scale up or add nodes`,
    });
    add({
      id: 'SwapUsage',
      metric: (node) => cluster.metricForNode('SwapUsage', node, { statistic: cloudwatch.Stats.MAXIMUM, period: ONE_MINUTE }),
      period: ONE_MINUTE,
      aggregation: MetricAggregation.MAXIMUM,
      threshold: swapBytes,
      description: `A node swaps more than ${swapBytes} bytes: it needs more memory`,
    });
    add({
      id: 'Evictions',
      metric: (node) => cluster.metricForNode('Evictions', node, { statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES }),
      period: FIVE_MINUTES,
      aggregation: MetricAggregation.SUM,
      threshold: evictions,
      evaluationPeriods: 1,
      description: `More than ${evictions} items evicted in 5 minutes: the working set no longer fits in memory`,
    });
    add({
      id: 'CurrConnections',
      metric: (node) => cluster.metricForNode('CurrConnections', node, { statistic: cloudwatch.Stats.MAXIMUM, period: ONE_MINUTE }),
      period: ONE_MINUTE,
      aggregation: MetricAggregation.MAXIMUM,
      threshold: connections,
      description: `A node has more than ${connections} client connections`,
    });
  }
}

interface AlarmSpec {
  readonly id: string;
  readonly metric: (node: string) => cloudwatch.Metric;
  readonly aggregation: MetricAggregation;
  readonly threshold: number;
  readonly description: string;
  readonly period: Duration;
  readonly evaluationPeriods?: number;
  readonly treatMissingData?: cloudwatch.TreatMissingData;
}

/** One alarm per group of at most 10 nodes, with the actions attached. */
function createAlarms(scope: Construct, nodes: string[], spec: AlarmSpec, actions: AlarmActionsOptions): cloudwatch.Alarm[] {
  const groups = chunks(nodes, MAX_METRICS_PER_ALARM);
  return groups.map((group, index) => {
    const first = index * MAX_METRICS_PER_ALARM + 1;
    const range = groups.length === 1 ? '' : `Nodes${first}To${first + group.length - 1}`;
    const label = `${spec.id} (${spec.aggregation.toLowerCase()} of ${group.length} node${group.length === 1 ? '' : 's'})`;
    const evaluationPeriods = spec.evaluationPeriods ?? SUSTAINED;
    const alarm = new cloudwatch.Alarm(scope, `${spec.id}${range}`, {
      metric: combineNodes(group.map(spec.metric), spec.aggregation, label, { period: spec.period }),
      threshold: spec.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      treatMissingData: spec.treatMissingData ?? cloudwatch.TreatMissingData.MISSING,
      alarmDescription: `${spec.description}${groups.length === 1 ? '' : ` (nodes ${first} to ${first + group.length - 1} of ${nodes.length})`}.`,
    });
    alarm.addAlarmAction(...(actions.alarmActions ?? []));
    alarm.addOkAction(...(actions.okActions ?? []));
    return alarm;
  });
}

function checkPercent(name: string, value: number): number {
  if (!Token.isUnresolved(value) && !(value > 0 && value <= 100)) {
    fail(`${name} must be a percentage greater than 0 and at most 100, got ${value}`);
  }
  return value;
}

function checkCount(name: string, value: number): number {
  if (!Token.isUnresolved(value) && !(Number.isInteger(value) && value >= 0)) {
    fail(`${name} must be a whole number of at least 0, got ${value}`);
  }
  return value;
}
