import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { testStack, testVpc } from './util';
import { CacheAuth, ClusterMode, MemcachedCluster, MemcachedClusterAlarms, ReplicationGroup, ReplicationGroupAlarms } from '../src';

describe('recommended alarms', () => {
  let stack: Stack;
  let vpc: ec2.Vpc;
  const member = (suffix: string) => ({ 'Fn::Join': ['', [{ Ref: 'Cache18F6EE16' }, suffix]] });

  beforeEach(() => {
    stack = testStack('TestStack', new App());
    vpc = testVpc(stack);
  });

  /** Alarms by the metric they watch: threshold, periods, expression and each node's dimensions. */
  const alarmsByMetric = (template: Template) => {
    const out: Record<string, any> = {};
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[]) {
      const p = alarm.Properties;
      const stats = p.Metrics.filter((m: any) => m.MetricStat);
      const name = stats[0].MetricStat.Metric.MetricName;
      (out[name] ??= []).push({
        threshold: p.Threshold,
        operator: p.ComparisonOperator,
        evaluationPeriods: p.EvaluationPeriods,
        datapointsToAlarm: p.DatapointsToAlarm,
        treatMissingData: p.TreatMissingData,
        expression: p.Metrics.find((m: any) => m.Expression)?.Expression,
        stat: stats[0].MetricStat.Stat,
        period: stats[0].MetricStat.Period,
        dimensions: stats.map((m: any) => m.MetricStat.Metric.Dimensions),
        actions: p.AlarmActions,
        okActions: p.OKActions,
      });
    }
    return out;
  };

  test('a replication group gets engine CPU, memory, evictions, connections and lag alarms over its nodes', () => {
    // GIVEN
    const cache = new ReplicationGroup(stack, 'Cache', { vpc });
    const topic = new sns.Topic(stack, 'Topic');

    // WHEN
    const alarms = cache.addRecommendedAlarms({ alarmActions: [new actions.SnsAction(topic)] });

    // THEN
    expect(alarms).toBeInstanceOf(ReplicationGroupAlarms);
    expect(alarms.alarms).toHaveLength(5);
    const byMetric = alarmsByMetric(Template.fromStack(stack));
    const nodes = [[{ Name: 'CacheClusterId', Value: member('-001') }], [{ Name: 'CacheClusterId', Value: member('-002') }]];
    const sustained = { operator: 'GreaterThanThreshold', evaluationPeriods: 5, datapointsToAlarm: 5, period: 60, dimensions: nodes };
    expect(byMetric.EngineCPUUtilization).toEqual([expect.objectContaining({ ...sustained, threshold: 90, expression: 'MAX([n0,n1])', stat: 'Average', treatMissingData: 'missing' })]);
    expect(byMetric.DatabaseMemoryUsagePercentage).toEqual([expect.objectContaining({ ...sustained, threshold: 80, expression: 'MAX([n0,n1])', stat: 'Average' })]);
    expect(byMetric.CurrConnections).toEqual([expect.objectContaining({ ...sustained, threshold: 58500, expression: 'MAX([n0,n1])', stat: 'Maximum' })]);
    expect(byMetric.ReplicationLag).toEqual([expect.objectContaining({ ...sustained, threshold: 10, expression: 'MAX([n0,n1])', stat: 'Maximum', treatMissingData: 'notBreaching' })]);
    expect(byMetric.Evictions).toEqual([expect.objectContaining({
      threshold: 1000, operator: 'GreaterThanThreshold', evaluationPeriods: 1, datapointsToAlarm: 1, expression: 'SUM([n0,n1])', stat: 'Sum', period: 300, dimensions: nodes,
    })]);
    for (const [alarm] of Object.values(byMetric)) {
      expect(alarm.actions).toEqual([{ Ref: 'TopicBFC7AF6E' }]);
      expect(alarm.okActions).toBeUndefined();
    }
  });

  test('thresholds can be changed', () => {
    const cache = new ReplicationGroup(stack, 'Cache', { vpc });
    cache.addRecommendedAlarms({
      engineCpuUtilizationThreshold: 75,
      memoryUsageThreshold: 60,
      evictionsThreshold: 0,
      connectionsThreshold: 2000,
      replicationLagThreshold: Duration.millis(1500),
    });
    const byMetric = alarmsByMetric(Template.fromStack(stack));
    expect(Object.fromEntries(Object.entries(byMetric).map(([k, [v]]) => [k, v.threshold]))).toEqual({
      EngineCPUUtilization: 75, DatabaseMemoryUsagePercentage: 60, Evictions: 0, CurrConnections: 2000, ReplicationLag: 1.5,
    });
  });

  test('a group without replicas has no replication lag alarm', () => {
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.disabled({ replicas: 0 }), auth: CacheAuth.none() });
    const alarms = cache.addRecommendedAlarms();
    expect(alarms.alarms.map((a) => a.node.id)).toEqual(['EngineCPUUtilization', 'DatabaseMemoryUsagePercentage', 'Evictions', 'CurrConnections']);
    const byMetric = alarmsByMetric(Template.fromStack(stack));
    // One node: the alarm watches the metric directly.
    expect(byMetric.EngineCPUUtilization[0]).toMatchObject({ expression: undefined, dimensions: [[{ Name: 'CacheClusterId', Value: member('-001') }]] });
  });

  test('a group of more than 10 nodes gets one alarm per 10 nodes', () => {
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.enabled({ shards: 4, replicasPerShard: 2 }) });
    const alarms = cache.addRecommendedAlarms();
    const cpu = alarms.alarms.filter((a) => a.node.id.startsWith('EngineCPUUtilization'));
    expect(cpu.map((a) => a.node.id)).toEqual(['EngineCPUUtilizationNodes1To10', 'EngineCPUUtilizationNodes11To12']);
    const byMetric = alarmsByMetric(Template.fromStack(stack));
    expect(byMetric.EngineCPUUtilization.map((a: any) => a.dimensions.map((d: any) => d[0].Value['Fn::Join'][1][1]))).toEqual([
      ['-0001-001', '-0001-002', '-0001-003', '-0002-001', '-0002-002', '-0002-003', '-0003-001', '-0003-002', '-0003-003', '-0004-001'],
      ['-0004-002', '-0004-003'],
    ]);
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('\\(nodes 11 to 12 of 12\\)\\.$'),
    });
  });

  test('an imported group with clusterMode can be watched with the construct', () => {
    const imported = ReplicationGroup.fromReplicationGroupAttributes(stack, 'Imported', {
      replicationGroupId: 'sessions', clusterMode: ClusterMode.disabled({ replicas: 1 }),
    });
    const alarms = new ReplicationGroupAlarms(stack, 'Alarms', { replicationGroup: imported });
    expect(alarms.alarms).toHaveLength(5);
    expect(alarmsByMetric(Template.fromStack(stack)).EngineCPUUtilization[0].dimensions).toEqual([
      [{ Name: 'CacheClusterId', Value: 'sessions-001' }], [{ Name: 'CacheClusterId', Value: 'sessions-002' }],
    ]);
  });

  test('a Memcached cluster gets CPU, swap, evictions and connections alarms with CacheNodeId', () => {
    const mc = new MemcachedCluster(stack, 'Mc', { vpc, nodes: 2 });
    const topic = new sns.Topic(stack, 'Topic');
    const alarms = mc.addRecommendedAlarms({ okActions: [new actions.SnsAction(topic)], swapUsageThreshold: Size.mebibytes(100) });
    expect(alarms).toBeInstanceOf(MemcachedClusterAlarms);
    const byMetric = alarmsByMetric(Template.fromStack(stack));
    const nodes = ['0001', '0002'].map((n) => [{ Name: 'CacheClusterId', Value: { Ref: 'Mc1569AA16' } }, { Name: 'CacheNodeId', Value: n }]);
    expect(Object.fromEntries(Object.entries(byMetric).map(([k, [v]]) => [k, [v.threshold, v.expression, v.stat, v.period]]))).toEqual({
      CPUUtilization: [90, 'MAX([n0,n1])', 'Average', 60],
      SwapUsage: [100 * 1024 * 1024, 'MAX([n0,n1])', 'Maximum', 60],
      Evictions: [1000, 'SUM([n0,n1])', 'Sum', 300],
      CurrConnections: [58500, 'MAX([n0,n1])', 'Maximum', 60],
    });
    for (const [alarm] of Object.values(byMetric)) {
      expect(alarm.dimensions).toEqual(nodes);
      expect(alarm.okActions).toEqual([{ Ref: 'TopicBFC7AF6E' }]);
    }
  });

  describe('validation errors', () => {
    test.each([
      { testDescription: 'a CPU threshold above 100', options: { engineCpuUtilizationThreshold: 120 }, errorMessage: 'engineCpuUtilizationThreshold must be a percentage greater than 0 and at most 100, got 120' },
      { testDescription: 'a memory threshold of 0', options: { memoryUsageThreshold: 0 }, errorMessage: 'memoryUsageThreshold must be a percentage greater than 0 and at most 100, got 0' },
      { testDescription: 'negative evictions', options: { evictionsThreshold: -1 }, errorMessage: 'evictionsThreshold must be a whole number of at least 0, got -1' },
      { testDescription: 'fractional connections', options: { connectionsThreshold: 10.5 }, errorMessage: 'connectionsThreshold must be a whole number of at least 0, got 10.5' },
    ])('$testDescription', ({ options, errorMessage }) => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc });
      expect(() => cache.addRecommendedAlarms(options)).toThrow(errorMessage);
    });

    test('an imported group without clusterMode', () => {
      const imported = ReplicationGroup.fromReplicationGroupId(stack, 'Imported', 'sessions');
      expect(() => new ReplicationGroupAlarms(stack, 'Alarms', { replicationGroup: imported })).toThrow(/without clusterMode/);
    });
  });

  test('alarms are opt-in: a cache alone has none', () => {
    new ReplicationGroup(stack, 'Cache', { vpc });
    new MemcachedCluster(stack, 'Mc', { vpc });
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });
});
