import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CacheConsumer, SessionStore } from '../../src';
import { testStack, testVpc } from '../util';

describe('SessionStore', () => {
  let stack: Stack;
  let vpc: ec2.Vpc;
  let fn: lambda.Function;

  beforeEach(() => {
    stack = testStack('TestStack', new App());
    vpc = testVpc(stack);
    fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'), vpc,
    });
  });

  const environmentOf = (): Record<string, unknown> => {
    const template = Template.fromStack(stack).toJSON();
    return template.Resources[stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)].Properties.Environment.Variables;
  };

  test('a highly available group with volatile-lru and a 30 minute default TTL', () => {
    // GIVEN
    const sessions = new SessionStore(stack, 'Sessions', { vpc });

    // WHEN
    sessions.addConsumer(CacheConsumer.fromFunction(fn));

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      NumCacheClusters: 2,
      NumNodeGroups: Match.absent(),
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      AuthToken: Match.anyValue(),
      ReplicationGroupDescription: 'Sessions TestStack/Sessions',
    });
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: 'valkey8',
      Properties: { 'maxmemory-policy': 'volatile-lru' },
    });
    expect(sessions.sessionTtl.toMinutes()).toBe(30);
    expect(environmentOf()).toMatchObject({
      CACHE_MODE: 'standalone',
      CACHE_AUTH: 'token',
      CACHE_SESSION_TTL: '1800',
      CACHE_HOST: { 'Fn::GetAtt': [expect.stringMatching(/^SessionsCache/), 'PrimaryEndPoint.Address'] },
    });
    expect(Object.keys(environmentOf()).filter((k) => k.startsWith('CACHE_DB') || k === 'CACHE_TTL')).toEqual([]);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    expect(sessions.connections).toBe(sessions.cache.connections);
  });

  test('the TTL, replicas and parameters can be set', () => {
    const sessions = new SessionStore(stack, 'Sessions', {
      vpc, sessionTtl: Duration.hours(8), replicas: 2, parameters: { 'maxmemory-policy': 'volatile-ttl', 'timeout': '300' },
    });
    sessions.addConsumer(CacheConsumer.fromFunction(fn), { prefix: 'SESSIONS' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { NumCacheClusters: 3 });
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', { Properties: { 'maxmemory-policy': 'volatile-ttl', 'timeout': '300' } });
    expect(environmentOf()).toMatchObject({ SESSIONS_SESSION_TTL: '28800' });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('maxmemory-policy'));
  });

  test('the recommended alarms treat any eviction as a problem', () => {
    const sessions = new SessionStore(stack, 'Sessions', { vpc });
    const alarms = sessions.addRecommendedAlarms();
    expect(alarms.alarms.map((a) => a.node.id)).toContain('Evictions');
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 0,
      Metrics: Match.arrayWith([Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Evictions' }) }) })]),
    });
  });

  test('warns without a replica and with a policy that evicts keys without TTL', () => {
    new SessionStore(stack, 'Sessions', { vpc, replicas: 0, parameters: { 'maxmemory-policy': 'allkeys-lru' } });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/TestStack/Sessions', Match.stringLikeRegexp('The session store has no replica: a node failure loses every session'));
    annotations.hasWarning('/TestStack/Sessions', Match.stringLikeRegexp("maxmemory-policy 'allkeys-lru' is not a volatile-\\* policy"));
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { NumCacheClusters: 1, MultiAZEnabled: false });
  });

  describe('validation errors', () => {
    test.each([
      { testDescription: 'a fractional TTL', sessionTtl: Duration.millis(1500), errorMessage: 'sessionTtl must be a whole number of seconds, at least 1, got 1 second 500 millis' },
      { testDescription: 'a zero TTL', sessionTtl: Duration.seconds(0), errorMessage: 'sessionTtl must be a whole number of seconds, at least 1, got 0 seconds' },
    ])('$testDescription', ({ sessionTtl, errorMessage }) => {
      expect(() => new SessionStore(stack, 'Sessions', { vpc, sessionTtl })).toThrow(errorMessage);
    });

    test('more than 5 replicas', () => {
      expect(() => new SessionStore(stack, 'Sessions', { vpc, replicas: 6 })).toThrow('ClusterMode.disabled replicas must be an integer between 0 and 5, got 6');
    });
  });
});
