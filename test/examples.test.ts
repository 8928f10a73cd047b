import * as fs from 'fs';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { demoApp, describeAssembly, report } from '../examples/demo';
import { SessionCacheStack } from '../examples/session-cache/app';
import { CacheAuth, CacheConsumer, ClusterMode, MemcachedCluster, ReplicationGroup } from '../src';

describe('examples/session-cache', () => {
  // Bundling the handler with esbuild is not what these tests check: skip it to keep them fast.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new SessionCacheStack(app, 'SessionCache', { env: { account: '123456789012', region: 'us-east-1' } });
  const template = Template.fromStack(stack);
  const cacheId = stack.getLogicalId(stack.cache.node.defaultChild as any);

  test('has one secure replication group with a session-friendly eviction policy', () => {
    template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      NumCacheClusters: 2,
      MultiAZEnabled: true,
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      AuthToken: Match.anyValue(),
      CacheParameterGroupName: { Ref: Match.stringLikeRegexp('^SessionsParameters') },
    });
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: 'valkey8',
      Properties: { 'maxmemory-policy': 'volatile-lru' },
    });
  });

  test('the handler runs in the VPC with the connection contract', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^SessionHandlerSecurityGroup'), 'GroupId'] }] },
      Environment: {
        Variables: Match.objectLike({
          CACHE_ENGINE: 'valkey',
          CACHE_MODE: 'standalone',
          CACHE_HOST: { 'Fn::GetAtt': [cacheId, 'PrimaryEndPoint.Address'] },
          CACHE_PORT: { 'Fn::GetAtt': [cacheId, 'PrimaryEndPoint.Port'] },
          CACHE_READER_HOST: { 'Fn::GetAtt': [cacheId, 'ReaderEndPoint.Address'] },
          CACHE_TLS: 'true',
          CACHE_AUTH: 'token',
          CACHE_SECRET_ARN: { Ref: Match.stringLikeRegexp('^SessionsAuthToken') },
          CACHE_ID: { Ref: cacheId },
        }),
      },
    });
  });

  test('only the handler may reach the cache, on its port', () => {
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 6379,
      ToPort: 6379,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SessionHandlerSecurityGroup'), 'GroupId'] },
    });
  });

  test('the handler may read the token secret', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: { Ref: Match.stringLikeRegexp('^SessionsAuthToken') },
        })]),
      },
    });
  });
});

describe('examples/demo', () => {
  test('reports the session cache and its consumer from the template', () => {
    const lines = report();
    expect(lines).toEqual(expect.arrayContaining([
      'Stack SessionCache',
      'Cache Sessions (AWS::ElastiCache::ReplicationGroup)',
      '  engine       valkey 8.1',
      '  mode         cluster mode disabled: 1 shard(s) x (1 primary + 1 replica(s)) = 2 nodes, Multi-AZ, automatic failover',
      '  TLS          on (required), encryption at rest on',
      '  parameters   <Sessions/Parameters> (maxmemory-policy=volatile-lru)',
      '  Consumer SessionHandler (AWS::Lambda::Function), prefix CACHE',
      '    CACHE_HOST=<Sessions.PrimaryEndPoint.Address>',
      '    CACHE_PORT=<Sessions.PrimaryEndPoint.Port>',
      '    CACHE_SECRET_ARN=<Sessions/AuthToken>',
      '    network: SessionHandler/SecurityGroup -> Sessions/SecurityGroup on tcp/6379-6379',
      '    IAM: secretsmanager:GetSecretValue, secretsmanager:DescribeSecret on <Sessions/AuthToken>',
    ]));
  });

  test('describes whatever topology the template holds', () => {
    const app = demoApp();
    const stack = new Stack(app, 'Other');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'), vpc,
    });
    new ReplicationGroup(stack, 'Shards', { vpc, clusterMode: ClusterMode.enabled({ shards: 2, replicasPerShard: 2 }), auth: CacheAuth.none() })
      .addConsumer(CacheConsumer.fromFunction(fn), { prefix: 'SHARDS' });
    new MemcachedCluster(stack, 'Pages', { vpc, nodes: 3 }).addConsumer(CacheConsumer.fromFunction(fn), { prefix: 'PAGES' });
    const assembly = app.synth();
    const lines = describeAssembly(assembly);
    fs.rmSync(assembly.directory, { recursive: true, force: true });
    expect(lines).toEqual(expect.arrayContaining([
      'Cache Shards (AWS::ElastiCache::ReplicationGroup)',
      '  mode         cluster mode enabled: 2 shard(s) x (1 primary + 2 replica(s)) = 6 nodes, Multi-AZ, automatic failover',
      '  auth         none',
      '  parameters   default.valkey8.cluster.on',
      '  Consumer Fn (AWS::Lambda::Function), prefix SHARDS',
      '    SHARDS_HOST=<Shards.ConfigurationEndPoint.Address>',
      'Cache Pages (AWS::ElastiCache::CacheCluster)',
      '  mode         memcached: 3 node(s), cross-az',
      '  Consumer Fn (AWS::Lambda::Function), prefix PAGES',
      '    PAGES_MODE=memcached',
      '    network: Fn/SecurityGroup -> Pages/SecurityGroup on tcp/11211-11211',
    ]));
    expect(lines.filter((l) => l.includes('SHARDS_READER'))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('    IAM:'))).toEqual([]);
  });
});
