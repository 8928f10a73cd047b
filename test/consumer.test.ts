import { App, SecretValue, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { testStack, testVpc } from './util';
import { CacheAuth, CacheConsumer, ClusterMode, MemcachedCluster, ReplicationGroup } from '../src';
import { CONSTRUCT_CONTRACT_VARIABLES } from '../src/private/contract';
import { CONTRACT_VARIABLES, connectionFromEnv } from '../src/runtime';

describe('CacheConsumer', () => {
  let stack: Stack;
  let vpc: ec2.Vpc;
  let fn: lambda.Function;

  const makeFunction = (id: string, inVpc = true) => new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    ...(inVpc ? { vpc } : {}),
  });

  /** The function's environment variables, resolved. */
  const environmentOf = (f: lambda.Function): Record<string, unknown> => {
    const template = Template.fromStack(stack).toJSON();
    return template.Resources[stack.getLogicalId(f.node.defaultChild as lambda.CfnFunction)].Properties.Environment.Variables;
  };

  beforeEach(() => {
    stack = testStack('TestStack', new App());
    vpc = testVpc(stack);
    fn = makeFunction('Fn');
  });

  test('a standalone group gives a function the full contract, the port and the secret', () => {
    // GIVEN
    const cache = new ReplicationGroup(stack, 'Cache', { vpc });

    // WHEN
    cache.addConsumer(CacheConsumer.fromFunction(fn));

    // THEN
    const cacheId = 'Cache18F6EE16';
    expect(environmentOf(fn)).toEqual({
      CACHE_ENGINE: 'valkey',
      CACHE_MODE: 'standalone',
      CACHE_HOST: { 'Fn::GetAtt': [cacheId, 'PrimaryEndPoint.Address'] },
      CACHE_PORT: { 'Fn::GetAtt': [cacheId, 'PrimaryEndPoint.Port'] },
      CACHE_READER_HOST: { 'Fn::GetAtt': [cacheId, 'ReaderEndPoint.Address'] },
      CACHE_READER_PORT: { 'Fn::GetAtt': [cacheId, 'ReaderEndPoint.Port'] },
      CACHE_TLS: 'true',
      CACHE_AUTH: 'token',
      CACHE_SECRET_ARN: { Ref: 'CacheAuthToken04672416' },
      CACHE_ID: { Ref: cacheId },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 6379,
      ToPort: 6379,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnSecurityGroup'), 'GroupId'] },
    });
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: { Ref: Match.stringLikeRegexp('^CacheAuthToken') },
        })]),
      },
    });
  });

  test('the written contract is what the runtime reader expects', () => {
    const cache = new ReplicationGroup(stack, 'Cache', { vpc });
    cache.addConsumer(CacheConsumer.fromFunction(fn));
    // Replace each CloudFormation reference with a plausible deployed value.
    const deployed: Record<string, string> = {};
    for (const [k, v] of Object.entries(environmentOf(fn))) {
      deployed[k] = typeof v === 'string' ? v : k.endsWith('PORT') ? '6379' : `deployed-${k.toLowerCase()}`;
    }
    const info = connectionFromEnv('CACHE', deployed);
    expect(info).toMatchObject({ engine: 'valkey', mode: 'standalone', tls: true, auth: 'token', endpoint: { port: 6379 }, reader: { port: 6379 } });
  });

  test('the construct-side variable names are the runtime contract\'s, without the local-only ones', () => {
    expect([...CONSTRUCT_CONTRACT_VARIABLES]).toEqual(CONTRACT_VARIABLES.filter((v) => v !== 'TLS_CA' && v !== 'PASSWORD'));
  });

  test('a cluster-mode group gives the configuration endpoint and no reader', () => {
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.enabled(), auth: CacheAuth.none() });
    cache.addConsumer(CacheConsumer.fromFunction(fn), { prefix: 'SESSIONS' });
    const env = environmentOf(fn);
    expect(env).toEqual({
      SESSIONS_ENGINE: 'valkey',
      SESSIONS_MODE: 'cluster',
      SESSIONS_HOST: { 'Fn::GetAtt': ['Cache18F6EE16', 'ConfigurationEndPoint.Address'] },
      SESSIONS_PORT: { 'Fn::GetAtt': ['Cache18F6EE16', 'ConfigurationEndPoint.Port'] },
      SESSIONS_TLS: 'true',
      SESSIONS_AUTH: 'none',
      SESSIONS_ID: { Ref: 'Cache18F6EE16' },
    });
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['secretsmanager:GetSecretValue']) })]) },
    }, 0);
  });

  test('a Memcached cluster gives its configuration endpoint', () => {
    const mc = new MemcachedCluster(stack, 'Mc', { vpc });
    mc.addConsumer(CacheConsumer.fromFunction(fn));
    expect(environmentOf(fn)).toEqual({
      CACHE_ENGINE: 'memcached',
      CACHE_MODE: 'memcached',
      CACHE_HOST: { 'Fn::GetAtt': ['Mc1569AA16', 'ConfigurationEndpoint.Address'] },
      CACHE_PORT: { 'Fn::GetAtt': ['Mc1569AA16', 'ConfigurationEndpoint.Port'] },
      CACHE_TLS: 'true',
      CACHE_AUTH: 'none',
      CACHE_ID: { Ref: 'Mc1569AA16' },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 11211, ToPort: 11211 });
  });

  test('two caches with their own prefixes reach the same function', () => {
    const sessions = new ReplicationGroup(stack, 'Sessions', { vpc });
    const pages = new MemcachedCluster(stack, 'Pages', { vpc });
    const consumer = CacheConsumer.fromFunction(fn);
    sessions.addConsumer(consumer, { prefix: 'SESSIONS' });
    pages.addConsumer(consumer, { prefix: 'PAGES' });
    const env = environmentOf(fn);
    expect(env.SESSIONS_ENGINE).toBe('valkey');
    expect(env.PAGES_ENGINE).toBe('memcached');
  });

  describe('validation errors', () => {
    test('a function outside a VPC', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc });
      const outside = makeFunction('Outside', false);
      expect(() => cache.addConsumer(CacheConsumer.fromFunction(outside))).toThrow(
        "addConsumer: the function TestStack/Outside is not in a VPC, so it cannot reach the cache TestStack/Cache. Create the function with vpc (the cache's VPC) and vpcSubnets.");
    });

    test('the same function twice with the same prefix', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc });
      cache.addConsumer(CacheConsumer.fromFunction(fn));
      expect(() => cache.addConsumer(CacheConsumer.fromFunction(fn)))
        .toThrow('TestStack/Fn is already a consumer of TestStack/Cache with prefix CACHE');
    });

    test('a second cache writing the same prefix', () => {
      new ReplicationGroup(stack, 'Cache', { vpc }).addConsumer(CacheConsumer.fromFunction(fn));
      const other = new MemcachedCluster(stack, 'Other', { vpc });
      expect(() => other.addConsumer(CacheConsumer.fromFunction(fn)))
        .toThrow("TestStack/Fn already receives the CACHE_* variables from TestStack/Cache: pass another prefix, e.g. addConsumer(consumer, { prefix: 'CACHE_2' })");
    });

    test('a lower-case prefix', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc });
      expect(() => cache.addConsumer(CacheConsumer.fromFunction(fn), { prefix: 'cache' }))
        .toThrow("prefix must be upper-case letters, digits and underscores starting with a letter (e.g. 'CACHE' or 'SESSIONS'), got 'cache'");
    });

    test('a token that is not in Secrets Manager', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc, auth: CacheAuth.tokenFromSecretValue(SecretValue.ssmSecure('/token')) });
      expect(() => cache.addConsumer(CacheConsumer.fromFunction(fn))).toThrow(
        'addConsumer needs the AUTH token of TestStack/Cache in Secrets Manager: use auth: CacheAuth.token() or CacheAuth.token({ secret }) instead of CacheAuth.tokenFromSecretValue()');
    });
  });
});
