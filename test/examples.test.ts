import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ClusterModeStack } from '../examples/cluster-mode/app';
import { DbCacheStack } from '../examples/db-cache/app';
import { demoApp, describeAssembly, report } from '../examples/demo';
import { MemcachedStack } from '../examples/memcached/app';
import { SessionCacheStack } from '../examples/session-cache/app';
import { CacheAuth, CacheConsumer, ClusterMode, MemcachedCluster, ReplicationGroup } from '../src';

const env = { account: '123456789012', region: 'us-east-1' };
/** Bundling handlers with esbuild is not what these tests check: skip it to keep them fast. */
const unbundledApp = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });
/** A function's environment variables. */
const variablesOf = (template: Template, idPrefix: string): Record<string, any> => {
  const [fn] = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([k]) => k.startsWith(idPrefix)).map(([, v]) => v as any);
  return fn.Properties.Environment.Variables;
};

describe('examples/session-cache', () => {
  const stack = new SessionCacheStack(unbundledApp(), 'SessionCache', { env });
  const template = Template.fromStack(stack);
  const cacheId = stack.getLogicalId(stack.cache.node.defaultChild as any);

  test('has one secure replication group with the session store\'s defaults', () => {
    template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      NumCacheClusters: 2,
      MultiAZEnabled: true,
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      AuthToken: Match.anyValue(),
      CacheParameterGroupName: { Ref: Match.stringLikeRegexp('^SessionsCacheParameters') },
    });
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: 'valkey8',
      Properties: { 'maxmemory-policy': 'volatile-lru' },
    });
  });

  test('the handler runs in the VPC with the connection contract and the session TTL', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^SessionHandlerSecurityGroup'), 'GroupId'] }] },
    });
    expect(variablesOf(template, 'SessionHandler')).toEqual({
      CACHE_ENGINE: 'valkey',
      CACHE_MODE: 'standalone',
      CACHE_HOST: { 'Fn::GetAtt': [cacheId, 'PrimaryEndPoint.Address'] },
      CACHE_PORT: { 'Fn::GetAtt': [cacheId, 'PrimaryEndPoint.Port'] },
      CACHE_READER_HOST: { 'Fn::GetAtt': [cacheId, 'ReaderEndPoint.Address'] },
      CACHE_READER_PORT: { 'Fn::GetAtt': [cacheId, 'ReaderEndPoint.Port'] },
      CACHE_TLS: 'true',
      CACHE_AUTH: 'token',
      CACHE_SECRET_ARN: { Ref: expect.stringMatching(/^SessionsCacheAuthToken/) },
      CACHE_ID: { Ref: cacheId },
      CACHE_SESSION_TTL: '1800',
    });
  });

  test('only the handler may reach the cache, on its port, and read the token', () => {
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 6379,
      ToPort: 6379,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SessionHandlerSecurityGroup'), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: { Ref: Match.stringLikeRegexp('^SessionsCacheAuthToken') },
        })]),
      },
    });
  });

  test('an HTTP API routes GET, PUT and DELETE /sessions/{id} to the handler', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 3);
    for (const method of ['GET', 'PUT', 'DELETE']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `${method} /sessions/{id}` });
    }
  });
});

describe('examples/db-cache', () => {
  const stack = new DbCacheStack(unbundledApp(), 'DbCache', { env });
  const template = Template.fromStack(stack);
  const dbId = stack.getLogicalId(stack.database.node.defaultChild as any);
  const cacheId = stack.getLogicalId(stack.cache.cache.node.defaultChild as any);

  test('Aurora PostgreSQL with a cache in front', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', { Engine: 'aurora-postgresql', StorageEncrypted: true, DatabaseName: 'shop' });
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', { Properties: { 'maxmemory-policy': 'allkeys-lru' } });
  });

  test('the handler gets the cache contract, the caching settings and the database', () => {
    expect(variablesOf(template, 'ProductHandler')).toMatchObject({
      CACHE_MODE: 'standalone',
      CACHE_HOST: { 'Fn::GetAtt': [cacheId, 'PrimaryEndPoint.Address'] },
      CACHE_AUTH: 'token',
      CACHE_TTL: '600',
      CACHE_TTL_JITTER: '0.1',
      CACHE_INVALIDATION: 'write',
      CACHE_DB_HOST: { 'Fn::GetAtt': [dbId, 'Endpoint.Address'] },
      CACHE_DB_PORT: { 'Fn::GetAtt': [dbId, 'Endpoint.Port'] },
      CACHE_DB_SECRET_ARN: { Ref: expect.stringMatching(/^DatabaseSecretAttachment/) },
    });
  });

  test('the handler reaches the cache and the database and reads both secrets, nothing more', () => {
    const fromHandler = { SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ProductHandlerSecurityGroup'), 'GroupId'] } };
    template.resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', fromHandler, 2);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { ...fromHandler, FromPort: 6379, ToPort: 6379 });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { ...fromHandler, FromPort: { 'Fn::GetAtt': [dbId, 'Endpoint.Port'] } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ProductHandlerServiceRole') }],
      PolicyDocument: {
        Statement: [
          { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^ProductCacheAuthToken') } },
          { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^DatabaseSecretAttachment') } },
        ],
      },
    });
  });
});

describe('examples/cluster-mode', () => {
  const stack = new ClusterModeStack(unbundledApp(), 'ClusterMode', { env });
  const template = Template.fromStack(stack);
  const cacheId = stack.getLogicalId(stack.cache.node.defaultChild as any);

  test('three shards with a replica each, resharded online', () => {
    template.hasResource('AWS::ElastiCache::ReplicationGroup', {
      Properties: Match.objectLike({ NumNodeGroups: 3, ReplicasPerNodeGroup: 1, CacheNodeType: 'cache.r7g.large', AutomaticFailoverEnabled: true }),
      UpdatePolicy: { UseOnlineResharding: true },
    });
  });

  test('the recommended alarms watch the six nodes and notify the topic', () => {
    expect(stack.alarms.alarms.map((a) => a.node.id)).toEqual(['EngineCPUUtilization', 'DatabaseMemoryUsagePercentage', 'Evictions', 'CurrConnections', 'ReplicationLag']);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    const topic = { Ref: stack.getLogicalId(stack.topic.node.defaultChild as any) };
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[]) {
      expect(alarm.Properties.AlarmActions).toEqual([topic]);
      expect(alarm.Properties.OKActions).toEqual([topic]);
      const nodes = alarm.Properties.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.Dimensions[0].Value['Fn::Join'][1][1]);
      expect(nodes).toEqual(['-0001-001', '-0001-002', '-0002-001', '-0002-002', '-0003-001', '-0003-002']);
    }
  });

  test('the rate limiter gets the configuration endpoint under the LIMITS prefix', () => {
    expect(variablesOf(template, 'RateLimiter')).toMatchObject({
      LIMITS_MODE: 'cluster',
      LIMITS_HOST: { 'Fn::GetAtt': [cacheId, 'ConfigurationEndPoint.Address'] },
      LIMITS_PORT: { 'Fn::GetAtt': [cacheId, 'ConfigurationEndPoint.Port'] },
      REQUESTS_PER_MINUTE: '100',
    });
    expect(Object.keys(variablesOf(template, 'RateLimiter')).filter((k) => k.startsWith('LIMITS_READER'))).toEqual([]);
  });
});

describe('examples/memcached', () => {
  test('the page server is bundled into one file for the instances', () => {
    // The one example whose bundling is this repository's code rather than NodejsFunction's.
    const bundled = new App({ context: { 'aws:cdk:bundling-stacks': ['MemcachedPages'] } });
    const pages = new MemcachedStack(bundled, 'MemcachedPages', { env });
    const assembly = bundled.synth();
    try {
      const staged = path.join(assembly.directory, `asset.${pages.code.assetHash}`);
      expect(fs.readdirSync(staged)).toEqual(['page-server.js']);
      const code = fs.readFileSync(path.join(staged, 'page-server.js'), 'utf8');
      expect(code).toContain('PAGES');
      expect(code).toContain('config get cluster');
    } finally {
      fs.rmSync(assembly.directory, { recursive: true, force: true });
    }
  });


  const stack = new MemcachedStack(unbundledApp(), 'MemcachedPages', { env });
  const template = Template.fromStack(stack);

  test('a three-node Memcached cluster and a fleet behind a load balancer', () => {
    template.hasResourceProperties('AWS::ElastiCache::CacheCluster', { Engine: 'memcached', NumCacheNodes: 3, AZMode: 'cross-az', TransitEncryptionEnabled: true });
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '2', MaxSize: '4' });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
  });

  test('the instances find the contract in an SSM parameter that their user data names before the server starts', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', { Type: 'String', Description: 'Connection contract of the cache MemcachedPages/Pages (prefix PAGES)' });
    const [config] = Object.values(template.findResources('AWS::AutoScaling::LaunchConfiguration')) as any[];
    const script = config.Properties.UserData['Fn::Base64']['Fn::Join'][1].filter((p: unknown) => typeof p === 'string').join('');
    const exported = script.indexOf("echo 'PAGES_PARAMETER=arn:");
    expect(exported).toBeGreaterThan(-1);
    expect(script.indexOf('EnvironmentFile=/etc/environment')).toBeGreaterThan(exported);
    expect(script.indexOf('systemctl enable --now page-server')).toBeGreaterThan(exported);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^PageServersInstanceRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'ssm:GetParameter' })]) },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 11211,
      ToPort: 11211,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PageServersInstanceSecurityGroup'), 'GroupId'] },
    });
  });
});

describe('examples/demo', () => {
  test('reports the session cache and its consumer from the template', () => {
    const lines = report();
    expect(lines).toEqual(expect.arrayContaining([
      'Stack SessionCache',
      'Cache Sessions/Cache (AWS::ElastiCache::ReplicationGroup)',
      '  engine       valkey 8.1',
      '  mode         cluster mode disabled: 1 shard(s) x (1 primary + 1 replica(s)) = 2 nodes, Multi-AZ, automatic failover',
      '  TLS          on (required), encryption at rest on',
      '  parameters   <Sessions/Cache/Parameters> (maxmemory-policy=volatile-lru)',
      '  Consumer SessionHandler (AWS::Lambda::Function), prefix CACHE',
      '    CACHE_HOST=<Sessions/Cache.PrimaryEndPoint.Address>',
      '    CACHE_PORT=<Sessions/Cache.PrimaryEndPoint.Port>',
      '    CACHE_SECRET_ARN=<Sessions/Cache/AuthToken>',
      '    CACHE_SESSION_TTL=1800',
      '    network: SessionHandler/SecurityGroup -> Sessions/Cache/SecurityGroup on tcp/6379-6379',
      '    IAM: secretsmanager:GetSecretValue, secretsmanager:DescribeSecret on <Sessions/Cache/AuthToken>',
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
