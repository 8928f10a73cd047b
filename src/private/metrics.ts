import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CacheMetricOptions, MetricAggregation } from '../metrics';

/** The namespace of ElastiCache's metrics. */
export const NAMESPACE = 'AWS/ElastiCache';
/** The period of metrics unless the caller gives one. */
export const DEFAULT_PERIOD = Duration.minutes(5);
/** CloudWatch: "Alarms based on metric math expressions can reference a maximum of 10 metrics." */
export const MAX_METRICS_PER_ALARM = 10;

/** One node's metric. Statistic and period default as given; the caller's props win. */
export function nodeMetric(
  metricName: string,
  dimensionsMap: Record<string, string>,
  defaultStatistic: string,
  props: cloudwatch.MetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: NAMESPACE,
    metricName,
    dimensionsMap,
    period: DEFAULT_PERIOD,
    statistic: defaultStatistic,
    ...props,
  });
}

/** The node-level part of cache-level options: everything but label, color and aggregation. */
export function nodeOptions(props: CacheMetricOptions = {}): cloudwatch.MetricOptions {
  const { aggregation: _aggregation, label: _label, color: _color, ...rest } = props;
  return rest;
}

/**
 * Combines per-node metrics into one cache-level value: `MAX([n0, n1, ...])` (or SUM, AVG, MIN).
 * One node needs no expression: its metric is returned with the label.
 */
export function combineNodes(
  metrics: cloudwatch.Metric[],
  aggregation: MetricAggregation,
  label: string,
  props: CacheMetricOptions = {},
): cloudwatch.IMetric {
  if (metrics.length === 0) throw new Error('combineNodes needs at least one node metric');
  if (metrics.length === 1) {
    return metrics[0].with({ label: props.label ?? label, color: props.color });
  }
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  metrics.forEach((m, i) => { usingMetrics[`n${i}`] = m; });
  return new cloudwatch.MathExpression({
    expression: `${aggregation}([${Object.keys(usingMetrics).join(',')}])`,
    usingMetrics,
    label: props.label ?? label,
    color: props.color,
    period: props.period ?? DEFAULT_PERIOD,
  });
}

/** `100 * hits / (hits + misses)` over every node, as a percentage. */
export function hitRate(hits: cloudwatch.Metric[], misses: cloudwatch.Metric[], label: string, props: CacheMetricOptions = {}): cloudwatch.IMetric {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  hits.forEach((m, i) => { usingMetrics[`h${i}`] = m; });
  misses.forEach((m, i) => { usingMetrics[`m${i}`] = m; });
  const sum = (prefix: string, n: number) => `SUM([${Array.from({ length: n }, (_, i) => `${prefix}${i}`).join(',')}])`;
  return new cloudwatch.MathExpression({
    expression: `100 * ${sum('h', hits.length)} / (${sum('h', hits.length)} + ${sum('m', misses.length)})`,
    usingMetrics,
    label: props.label ?? label,
    color: props.color,
    period: props.period ?? DEFAULT_PERIOD,
  });
}

/** Splits a list into groups of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `n` as a zero-padded decimal of `width` digits. */
export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * The cache cluster ids of a replication group's nodes, as ElastiCache names them:
 * `<group>-001`, `<group>-002`, ... with cluster mode disabled, and `<group>-0001-001` (shard,
 * node) with cluster mode enabled.
 */
export function replicationGroupMemberIds(groupId: string, clusterEnabled: boolean, shards: number, nodesPerShard: number): string[] {
  if (Token.isUnresolved(shards) || Token.isUnresolved(nodesPerShard)) {
    throw new Error('The node ids of a replication group whose shard or replica count is a token are not known at synth');
  }
  const ids: string[] = [];
  if (!clusterEnabled) {
    for (let node = 1; node <= nodesPerShard; node++) ids.push(`${groupId}-${pad(node, 3)}`);
    return ids;
  }
  for (let shard = 1; shard <= shards; shard++) {
    for (let node = 1; node <= nodesPerShard; node++) ids.push(`${groupId}-${pad(shard, 4)}-${pad(node, 3)}`);
  }
  return ids;
}

/** The CacheNodeId of a Memcached cluster's nodes: `0001`, `0002`, ... */
export function memcachedNodeIds(nodes: number): string[] {
  if (Token.isUnresolved(nodes)) {
    throw new Error('The node ids of a Memcached cluster whose node count is a token are not known at synth');
  }
  return Array.from({ length: nodes }, (_, i) => pad(i + 1, 4));
}
