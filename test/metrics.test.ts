import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { testStack, testVpc } from './util';
import { CacheAuth, ClusterMode, MemcachedCluster, MetricAggregation, ReplicationGroup } from '../src';

/**
 * ElastiCache publishes node-based metrics per node: `CacheClusterId` is the node's cache cluster
 * id (`<group>-001` or `<group>-0001-001`), plus `CacheNodeId` for Memcached. These tests pin the
 * exact dimensions, and the math expressions that combine nodes into group-level values.
 */
describe('cache metrics', () => {
  let stack: Stack;
  let vpc: ec2.Vpc;
  const group = 'Cache18F6EE16';
  const member = (suffix: string) => ({ 'Fn::Join': ['', [{ Ref: group }, suffix]] });

  beforeEach(() => {
    stack = testStack('TestStack', new App());
    vpc = testVpc(stack);
  });

  /** The rendered `Metrics` of an alarm on the metric (what CloudWatch receives). */
  const alarmMetrics = (metric: cloudwatch.IMetric): any[] => {
    new cloudwatch.Alarm(stack, 'Alarm', { metric, threshold: 1, evaluationPeriods: 1 });
    const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
    return Object.values(alarms)[0].Properties.Metrics;
  };

  describe('replication group', () => {
    test('node ids with cluster mode disabled are <group>-001, -002, ...', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.disabled({ replicas: 2 }) });
      expect(stack.resolve(cache.memberClusterIds)).toEqual([member('-001'), member('-002'), member('-003')]);
    });

    test('node ids with cluster mode enabled are <group>-<shard>-<node>', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.enabled({ shards: 2, replicasPerShard: 2 }) });
      expect(stack.resolve(cache.memberClusterIds)).toEqual([
        member('-0001-001'), member('-0001-002'), member('-0001-003'),
        member('-0002-001'), member('-0002-002'), member('-0002-003'),
      ]);
    });

    test('metricForNode uses only the CacheClusterId dimension', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc });
      const metric = cache.metricForNode('EngineCPUUtilization', cache.memberClusterIds[1], { statistic: 'Maximum' });
      expect(metric.namespace).toBe('AWS/ElastiCache');
      expect(metric.statistic).toBe('Maximum');
      expect(metric.period.toMinutes()).toBe(5);
      expect(stack.resolve(metric.dimensions)).toEqual({ CacheClusterId: member('-002') });
    });

    test('a group metric is MAX over the nodes of each node\'s statistic', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc });
      const metric = cache.metric('NetworkBytesIn', { statistic: 'Sum', period: Duration.minutes(1) }) as cloudwatch.MathExpression;
      expect(metric).toBeInstanceOf(cloudwatch.MathExpression);
      expect(metric.expression).toBe('MAX([n0,n1])');
      expect(metric.period.toMinutes()).toBe(1);
      const nodes = Object.values(metric.usingMetrics) as cloudwatch.Metric[];
      expect(nodes.map((m) => [m.metricName, m.statistic, m.period.toMinutes()])).toEqual([['NetworkBytesIn', 'Sum', 1], ['NetworkBytesIn', 'Sum', 1]]);
      expect(nodes.map((m) => stack.resolve(m.dimensions))).toEqual([{ CacheClusterId: member('-001') }, { CacheClusterId: member('-002') }]);
    });

    test.each([
      ['metricCPUUtilization', 'CPUUtilization', 'MAX', 'Average'],
      ['metricEngineCPUUtilization', 'EngineCPUUtilization', 'MAX', 'Average'],
      ['metricDatabaseMemoryUsagePercentage', 'DatabaseMemoryUsagePercentage', 'MAX', 'Average'],
      ['metricCurrConnections', 'CurrConnections', 'SUM', 'Maximum'],
      ['metricEvictions', 'Evictions', 'SUM', 'Sum'],
      ['metricReplicationLag', 'ReplicationLag', 'MAX', 'Maximum'],
    ] as const)('%s: %s combined with %s over each node\'s %s', (method, metricName, aggregation, statistic) => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.enabled({ shards: 2, replicasPerShard: 1 }) });
      const metric = cache[method]() as cloudwatch.MathExpression;
      expect(metric.expression).toBe(`${aggregation}([n0,n1,n2,n3])`);
      const nodes = Object.values(metric.usingMetrics) as cloudwatch.Metric[];
      expect(new Set(nodes.map((m) => `${m.metricName}/${m.statistic}`))).toEqual(new Set([`${metricName}/${statistic}`]));
      expect(nodes.map((m) => stack.resolve(m.dimensions).CacheClusterId)).toEqual([
        member('-0001-001'), member('-0001-002'), member('-0002-001'), member('-0002-002'),
      ]);
    });

    test('aggregation can be chosen', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc });
      expect((cache.metricEngineCPUUtilization({ aggregation: MetricAggregation.AVERAGE }) as cloudwatch.MathExpression).expression).toBe('AVG([n0,n1])');
      expect((cache.metricEvictions({ aggregation: MetricAggregation.MAXIMUM }) as cloudwatch.MathExpression).expression).toBe('MAX([n0,n1])');
    });

    test('the hit rate is computed from every node\'s hits and misses', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc });
      const metric = cache.metricCacheHitRate() as cloudwatch.MathExpression;
      expect(metric.expression).toBe('100 * SUM([h0,h1]) / (SUM([h0,h1]) + SUM([m0,m1]))');
      const using = metric.usingMetrics as Record<string, cloudwatch.Metric>;
      expect(Object.entries(using).map(([id, m]) => [id, m.metricName, m.statistic, stack.resolve(m.dimensions).CacheClusterId])).toEqual([
        ['h0', 'CacheHits', 'Sum', member('-001')],
        ['h1', 'CacheHits', 'Sum', member('-002')],
        ['m0', 'CacheMisses', 'Sum', member('-001')],
        ['m1', 'CacheMisses', 'Sum', member('-002')],
      ]);
    });

    test('an alarm on a group metric watches each node by CacheClusterId', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc });
      const metrics = alarmMetrics(cache.metricEngineCPUUtilization());
      expect(metrics).toEqual([
        { Expression: 'MAX([n0,n1])', Id: 'expr_1', Label: 'EngineCPUUtilization (max of 2 nodes)', ReturnData: true },
        {
          Id: 'n0',
          MetricStat: {
            Metric: { Dimensions: [{ Name: 'CacheClusterId', Value: member('-001') }], MetricName: 'EngineCPUUtilization', Namespace: 'AWS/ElastiCache' },
            Period: 300,
            Stat: 'Average',
          },
          ReturnData: false,
        },
        {
          Id: 'n1',
          MetricStat: {
            Metric: { Dimensions: [{ Name: 'CacheClusterId', Value: member('-002') }], MetricName: 'EngineCPUUtilization', Namespace: 'AWS/ElastiCache' },
            Period: 300,
            Stat: 'Average',
          },
          ReturnData: false,
        },
      ]);
    });

    test('a single-node group\'s metric is the node\'s metric', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.disabled({ replicas: 0 }), auth: CacheAuth.none() });
      const metric = cache.metricDatabaseMemoryUsagePercentage() as cloudwatch.Metric;
      expect(metric).toBeInstanceOf(cloudwatch.Metric);
      expect(stack.resolve(metric.dimensions)).toEqual({ CacheClusterId: member('-001') });
      expect(metric.label).toBe('DatabaseMemoryUsagePercentage (max of 1 node)');
    });

    test('above 10 nodes a group metric graphs but cannot be alarmed on (CloudWatch\'s limit)', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.enabled({ shards: 6, replicasPerShard: 1 }) });
      const metric = cache.metricEngineCPUUtilization() as cloudwatch.MathExpression;
      expect(Object.keys(metric.usingMetrics)).toHaveLength(12);
      new cloudwatch.Dashboard(stack, 'Dashboard', { widgets: [[new cloudwatch.GraphWidget({ left: [metric] })]] });
      expect(() => new cloudwatch.Alarm(stack, 'Alarm', { metric, threshold: 90, evaluationPeriods: 1 }))
        .toThrow('Alarms on math expressions cannot contain more than 10 individual metrics');
    });

    test('an imported group names its nodes from clusterMode', () => {
      const imported = ReplicationGroup.fromReplicationGroupAttributes(stack, 'Imported', {
        replicationGroupId: 'sessions',
        clusterMode: ClusterMode.enabled({ shards: 1, replicasPerShard: 1 }),
      });
      expect(imported.memberClusterIds).toEqual(['sessions-0001-001', 'sessions-0001-002']);
      const metric = imported.metric('CurrItems') as cloudwatch.MathExpression;
      expect(Object.values(metric.usingMetrics).map((m) => (m as cloudwatch.Metric).dimensions)).toEqual([
        { CacheClusterId: 'sessions-0001-001' }, { CacheClusterId: 'sessions-0001-002' },
      ]);
    });

    test('an imported group without clusterMode has node metrics only', () => {
      const imported = ReplicationGroup.fromReplicationGroupId(stack, 'Imported', 'sessions');
      expect(imported.metricForNode('CPUUtilization', 'sessions-002').dimensions).toEqual({ CacheClusterId: 'sessions-002' });
      expect(() => imported.metric('CPUUtilization')).toThrow(
        'Cannot access the nodes of the imported replication group TestStack/Imported without clusterMode: pass clusterMode to fromReplicationGroupAttributes');
    });
  });

  describe('Memcached cluster', () => {
    test('node metrics use CacheClusterId and CacheNodeId', () => {
      const mc = new MemcachedCluster(stack, 'Mc', { vpc, nodes: 3 });
      expect(mc.cacheNodeIds).toEqual(['0001', '0002', '0003']);
      const metric = mc.metricForNode('BytesUsedForCacheItems', '0002');
      expect(metric.statistic).toBe('Average');
      expect(stack.resolve(metric.dimensions)).toEqual({ CacheClusterId: { Ref: 'Mc1569AA16' }, CacheNodeId: '0002' });
    });

    test.each([
      ['metricCPUUtilization', 'CPUUtilization', 'MAX', 'Average'],
      ['metricCurrConnections', 'CurrConnections', 'SUM', 'Maximum'],
      ['metricEvictions', 'Evictions', 'SUM', 'Sum'],
      ['metricGetHits', 'GetHits', 'SUM', 'Sum'],
      ['metricGetMisses', 'GetMisses', 'SUM', 'Sum'],
      ['metricSwapUsage', 'SwapUsage', 'MAX', 'Maximum'],
    ] as const)('%s: %s combined with %s over each node\'s %s', (method, metricName, aggregation, statistic) => {
      const mc = new MemcachedCluster(stack, 'Mc', { vpc, nodes: 2 });
      const metric = mc[method]() as cloudwatch.MathExpression;
      expect(metric.expression).toBe(`${aggregation}([n0,n1])`);
      const nodes = Object.values(metric.usingMetrics) as cloudwatch.Metric[];
      expect(nodes.map((m) => [m.metricName, m.statistic, stack.resolve(m.dimensions)])).toEqual([
        [metricName, statistic, { CacheClusterId: { Ref: 'Mc1569AA16' }, CacheNodeId: '0001' }],
        [metricName, statistic, { CacheClusterId: { Ref: 'Mc1569AA16' }, CacheNodeId: '0002' }],
      ]);
    });

    test('an imported cluster names its nodes from nodes', () => {
      const imported = MemcachedCluster.fromMemcachedClusterAttributes(stack, 'Imported', { cacheClusterId: 'pages', nodes: 2 });
      expect(imported.cacheNodeIds).toEqual(['0001', '0002']);
      expect(() => MemcachedCluster.fromCacheClusterId(stack, 'Other', 'other').metric('CPUUtilization')).toThrow(
        'Cannot access the nodes of the imported Memcached cluster TestStack/Other without nodes: pass nodes to fromMemcachedClusterAttributes');
    });
  });
});
