import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * How a cache-level metric combines its nodes' metrics. ElastiCache publishes node-based metrics
 * per node (dimension `CacheClusterId`, plus `CacheNodeId` for Memcached), so a value for the
 * whole cache is a CloudWatch math expression over its nodes.
 */
export enum MetricAggregation {
  /** The highest node's value: for utilization, memory and lag, where one hot node matters. */
  MAXIMUM = 'MAX',
  /** The total over all nodes: for counts such as evictions, hits and connections. */
  SUM = 'SUM',
  /** The mean over the nodes. */
  AVERAGE = 'AVG',
  /** The lowest node's value. */
  MINIMUM = 'MIN',
}

/**
 * Options for a cache-level metric: the statistic and period apply to each node's metric, the
 * label and color to the combined expression.
 *
 * A CloudWatch alarm on a math expression may reference at most 10 metrics. Cache-level metrics of
 * caches with more than 10 nodes still graph on dashboards, but an alarm on them fails at synth;
 * alarm per node (`metricForNode`) or use the recommended alarms, which split the nodes into
 * groups of 10.
 */
export interface CacheMetricOptions extends cloudwatch.MetricOptions {
  /**
   * How the nodes' values are combined.
   *
   * @default - the metric method's documented aggregation (MetricAggregation.MAXIMUM for `metric()`)
   */
  readonly aggregation?: MetricAggregation;
}
