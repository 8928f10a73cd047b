import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CacheConsumer, CachedDatabase, ClusterMode, DatabaseCache, InvalidationStrategy } from '../../src';
import { connectionFromEnv } from '../../src/runtime';
import { testStack, testVpc } from '../util';

describe('DatabaseCache', () => {
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

  const aurora = () => new rds.DatabaseCluster(stack, 'Db', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    vpc,
  });

  const environmentOf = (): Record<string, any> => {
    const template = Template.fromStack(stack).toJSON();
    return template.Resources[stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)].Properties.Environment.Variables;
  };

  test('in front of an Aurora cluster: the consumer reaches both, reads both secrets and gets the caching contract', () => {
    // GIVEN
    const db = aurora();
    const cache = new DatabaseCache(stack, 'Cache', { vpc, database: CachedDatabase.fromCluster(db) });

    // WHEN
    cache.addConsumer(CacheConsumer.fromFunction(fn));

    // THEN
    const env = environmentOf();
    const dbId = stack.getLogicalId(db.node.defaultChild as rds.CfnDBCluster);
    expect(env).toMatchObject({
      CACHE_ENGINE: 'valkey',
      CACHE_MODE: 'standalone',
      CACHE_AUTH: 'token',
      CACHE_TTL: '300',
      CACHE_TTL_JITTER: '0.1',
      CACHE_INVALIDATION: 'ttl',
      CACHE_DB_HOST: { 'Fn::GetAtt': [dbId, 'Endpoint.Address'] },
      CACHE_DB_PORT: { 'Fn::GetAtt': [dbId, 'Endpoint.Port'] },
      CACHE_DB_SECRET_ARN: { Ref: expect.stringMatching(/^DbSecretAttachment/) },
    });
    expect(env.CACHE_DB_SECRET_ARN.Ref).toMatch(/^DbSecretAttachment/);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', { Properties: { 'maxmemory-policy': 'allkeys-lru' } });
    const fnSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnSecurityGroup'), 'GroupId'] };
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 6379, ToPort: 6379, SourceSecurityGroupId: fnSg, GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheSecurityGroup'), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: { 'Fn::GetAtt': [dbId, 'Endpoint.Port'] }, SourceSecurityGroupId: fnSg, GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbSecurityGroup'), 'GroupId'] },
    });
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 2);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^CacheAuthToken') } },
          { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^DbSecretAttachment') } },
        ],
      },
    });
  });

  test('in front of an RDS instance, with versioned keys, a TTL, cluster mode and a given secret', () => {
    const instance = new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }), vpc,
    });
    const secret = new secretsmanager.Secret(stack, 'AppUser');
    const cache = new DatabaseCache(stack, 'Cache', {
      vpc,
      database: CachedDatabase.fromInstance(instance, { secret }),
      ttl: Duration.minutes(1),
      invalidation: InvalidationStrategy.versionedKeys({ jitter: 0.25 }),
      clusterMode: ClusterMode.enabled({ shards: 2 }),
    });
    cache.addConsumer(CacheConsumer.fromFunction(fn), { prefix: 'PRODUCTS' });
    const env = environmentOf();
    expect(env).toMatchObject({
      PRODUCTS_MODE: 'cluster',
      PRODUCTS_TTL: '60',
      PRODUCTS_TTL_JITTER: '0.25',
      PRODUCTS_INVALIDATION: 'versioned',
      PRODUCTS_DB_SECRET_ARN: { Ref: expect.stringMatching(/^AppUser/) },
    });
    expect(env.PRODUCTS_DB_SECRET_ARN.Ref).toMatch(/^AppUser/);
    const deployed = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? v : k.endsWith('PORT') ? '5432' : 'deployed']));
    expect(connectionFromEnv('PRODUCTS', deployed)).toMatchObject({
      mode: 'cluster', ttlSeconds: 60, ttlJitter: 0.25, invalidation: 'versioned', database: { host: 'deployed', port: 5432, secretArn: 'deployed' },
    });
  });

  test('onWrite writes the write strategy', () => {
    const cache = new DatabaseCache(stack, 'Cache', { vpc, database: CachedDatabase.fromCluster(aurora()), invalidation: InvalidationStrategy.onWrite() });
    cache.addConsumer(CacheConsumer.fromFunction(fn));
    expect(environmentOf()).toMatchObject({ CACHE_INVALIDATION: 'write', CACHE_TTL_JITTER: '0.1' });
  });

  test('an imported database without a secret gives no database secret', () => {
    const imported = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Imported', {
      instanceIdentifier: 'orders',
      instanceEndpointAddress: 'orders.abc.us-east-1.rds.amazonaws.com',
      port: 3306,
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'DbSg', 'sg-0123')],
    });
    const cache = new DatabaseCache(stack, 'Cache', { vpc, database: CachedDatabase.fromInstance(imported) });
    cache.addConsumer(CacheConsumer.fromFunction(fn));
    const env = environmentOf();
    expect(env.CACHE_DB_HOST).toBe('orders.abc.us-east-1.rds.amazonaws.com');
    expect(env.CACHE_DB_PORT).toBe('3306');
    expect(env.CACHE_DB_SECRET_ARN).toBeUndefined();
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: 'sg-0123', FromPort: 3306, ToPort: 3306 });
  });

  test('a container consumer: the task role reads both secrets, the service reaches both', () => {
    const db = aurora();
    const cache = new DatabaseCache(stack, 'Cache', { vpc, database: CachedDatabase.fromCluster(db) });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const task = new ecs.FargateTaskDefinition(stack, 'Task');
    const container = task.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/node:22') });
    const service = new ecs.FargateService(stack, 'Service', { cluster, taskDefinition: task });
    cache.addConsumer(CacheConsumer.fromContainer(container, { connectable: service }));
    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', {
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ServiceSecurityGroup'), 'GroupId'] },
    }, 2);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^TaskTaskRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Resource: { Ref: Match.stringLikeRegexp('^DbSecretAttachment') } })]) },
    });
  });

  test('an instance consumer gets the caching contract in its parameter; another contract under the same prefix is refused', () => {
    const cache = new DatabaseCache(stack, 'Cache', { vpc, database: CachedDatabase.fromCluster(aurora()) });
    const instanceProps = {
      vpc,
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    };
    const a = new ec2.Instance(stack, 'A', instanceProps);
    const b = new ec2.Instance(stack, 'B', instanceProps);
    cache.addConsumer(CacheConsumer.fromInstance(a));
    const [parameter] = Object.values(Template.fromStack(stack).findResources('AWS::SSM::Parameter')) as any[];
    const text = parameter.Properties.Value['Fn::Join'][1].filter((p: unknown) => typeof p === 'string').join('');
    expect(text).toContain('"CACHE_INVALIDATION":"ttl"');
    expect(text).toContain('"CACHE_TTL":"300"');
    // The plain group's contract lacks the caching variables: it cannot share the parameter.
    expect(() => cache.cache.addConsumer(CacheConsumer.fromInstance(b))).toThrow(
      "TestStack/Cache/Cache already stores a different CACHE_* contract for instances (from another pattern on the same cache): pass another prefix, e.g. addConsumer(consumer, { prefix: 'CACHE_2' })");
    cache.cache.addConsumer(CacheConsumer.fromInstance(b), { prefix: 'PLAIN' });
  });

  describe('validation errors', () => {
    test.each([
      { testDescription: 'jitter above 1', make: () => InvalidationStrategy.ttl({ jitter: 1.5 }), errorMessage: 'InvalidationStrategy jitter must be between 0 and 1 (a fraction of the TTL), got 1.5' },
      { testDescription: 'negative jitter', make: () => InvalidationStrategy.onWrite({ jitter: -0.1 }), errorMessage: 'InvalidationStrategy jitter must be between 0 and 1 (a fraction of the TTL), got -0.1' },
    ])('$testDescription', ({ make, errorMessage }) => {
      expect(make).toThrow(errorMessage);
    });

    test('a TTL below one second', () => {
      expect(() => new DatabaseCache(stack, 'Cache', { vpc, database: CachedDatabase.fromCluster(aurora()), ttl: Duration.millis(500) }))
        .toThrow('ttl must be a whole number of seconds, at least 1, got 500 millis');
    });
  });
});
