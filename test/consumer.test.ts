import { App, SecretValue, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { testStack, testVpc } from './util';
import {
  CacheAuth, CacheConsumer, CacheEngineType, ClusterMode, MemcachedCluster, ReplicationGroup, SessionStore, User, UserAuthentication,
  UserAuthenticationType, UserGroup,
} from '../src';
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

  describe('IAM authentication grants', () => {
    test('connectResourceArns become one elasticache:Connect statement on exactly those ARNs', () => {
      // The cache's auth decides the ARNs (the cache and the user); any consumer applies them the same way.
      const cache = new ReplicationGroup(stack, 'Cache', { vpc, auth: CacheAuth.none() });
      const userArn = 'arn:aws:elasticache:us-east-1:123456789012:user:app';
      CacheConsumer.fromFunction(fn).bind({
        cache,
        connections: cache.connections,
        environment: { CACHE_AUTH: 'iam' },
        prefix: 'CACHE',
        connectResourceArns: [cache.replicationGroupArn, userArn],
      });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [{
            Action: 'elasticache:Connect',
            Effect: 'Allow',
            Resource: [
              { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:us-east-1:123456789012:replicationgroup:', { Ref: 'Cache18F6EE16' }]] },
              userArn,
            ],
          }],
        },
      });
    });
  });

  describe('RBAC users', () => {
    let app: User;
    let reporter: User;
    let group: UserGroup;
    let cache: ReplicationGroup;
    const cacheId = 'Cache18F6EE16';

    beforeEach(() => {
      app = new User(stack, 'App', { userId: 'app', accessString: 'on ~app:* +@all -@dangerous +info' });
      reporter = new User(stack, 'Reporter', { userId: 'reporter', authentication: UserAuthentication.iam(), accessString: 'on ~* +@read' });
      group = new UserGroup(stack, 'Users', { users: [app, reporter] });
      cache = new ReplicationGroup(stack, 'Cache', { vpc, auth: CacheAuth.userGroup(group) });
    });

    test('a password user: CACHE_AUTH=password, its name and its secret, which the consumer may read', () => {
      cache.addConsumer(CacheConsumer.fromFunction(fn), { user: app });
      const secretId = stack.getLogicalId(app.node.findChild('Secret').node.defaultChild as any);
      expect(environmentOf(fn)).toEqual(expect.objectContaining({
        CACHE_AUTH: 'password',
        CACHE_USER: 'app',
        CACHE_SECRET_ARN: { Ref: secretId },
        CACHE_ID: { Ref: cacheId },
        CACHE_TLS: 'true',
      }));
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [{
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Effect: 'Allow',
            Resource: { Ref: secretId },
          }],
        },
      });
      template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
        UserGroupIds: [{ Ref: stack.getLogicalId(group.node.defaultChild as any) }],
        AuthToken: Match.absent(),
      });
      expect(cache.authSecret).toBeUndefined();
    });

    test('an IAM user: CACHE_AUTH=iam and elasticache:Connect on the cache and the user, no secret', () => {
      cache.addConsumer(CacheConsumer.fromFunction(fn), { user: reporter });
      const env = environmentOf(fn);
      expect(env).toEqual(expect.objectContaining({ CACHE_AUTH: 'iam', CACHE_USER: 'reporter', CACHE_ID: { Ref: cacheId } }));
      expect(env.CACHE_SECRET_ARN).toBeUndefined();
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [{
            Action: 'elasticache:Connect',
            Effect: 'Allow',
            Resource: [
              { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:us-east-1:123456789012:replicationgroup:', { Ref: cacheId }]] },
              { 'Fn::GetAtt': [stack.getLogicalId(reporter.node.defaultChild as any), 'Arn'] },
            ],
          }],
        },
      });
    });

    test('the contract of an RBAC consumer is what the runtime reader expects', () => {
      cache.addConsumer(CacheConsumer.fromFunction(fn), { user: app });
      const resolved = Object.fromEntries(Object.entries(environmentOf(fn)).map(([k, v]) => [k, typeof v === 'string' ? v : k.endsWith('PORT') ? '6379' : `value-of-${k}`]));
      expect(connectionFromEnv('CACHE', resolved)).toMatchObject({ auth: 'password', user: 'app', secretArn: 'value-of-CACHE_SECRET_ARN' });
    });

    test('a pattern passes the user through', () => {
      const sessions = new SessionStore(stack, 'Sessions', { vpc, auth: CacheAuth.userGroup(group) });
      sessions.addConsumer(CacheConsumer.fromFunction(fn), { user: app, prefix: 'SESSIONS' });
      expect(environmentOf(fn)).toEqual(expect.objectContaining({ SESSIONS_AUTH: 'password', SESSIONS_USER: 'app' }));
    });

    test('an imported password user with its secret works; the user may come from an imported group', () => {
      const secret = app.secret!;
      const imported = User.fromUserAttributes(stack, 'ImportedApp', { userId: 'legacy-app', authenticationType: UserAuthenticationType.PASSWORD, secret });
      const importedGroup = UserGroup.fromUserGroupAttributes(stack, 'ImportedUsers', { userGroupId: 'legacy', engine: CacheEngineType.VALKEY });
      const other = new ReplicationGroup(stack, 'Other', { vpc, auth: CacheAuth.userGroup(importedGroup) });
      other.addConsumer(CacheConsumer.fromFunction(fn), { user: imported });
      expect(environmentOf(fn)).toEqual(expect.objectContaining({ CACHE_AUTH: 'password', CACHE_USER: 'legacy-app' }));
    });

    describe('validation errors', () => {
      test('no user on an RBAC cache', () => {
        expect(() => cache.addConsumer(CacheConsumer.fromFunction(fn))).toThrow(
          'addConsumer: TestStack/Cache uses role-based access control: say which user TestStack/Fn connects as, ' +
          'e.g. addConsumer(consumer, { user }) with a password or IAM user of its user group');
      });

      test('a user on a cache without user group', () => {
        const tokenCache = new ReplicationGroup(stack, 'TokenCache', { vpc });
        expect(() => tokenCache.addConsumer(CacheConsumer.fromFunction(fn), { user: app })).toThrow(
          'addConsumer: user applies only to caches with a user group, and TestStack/TokenCache has none: ' +
          'use auth: CacheAuth.userGroup(group), or remove user');
      });

      test('a user on a Memcached cluster', () => {
        const mc = new MemcachedCluster(stack, 'Mc', { vpc });
        expect(() => mc.addConsumer(CacheConsumer.fromFunction(fn), { user: app })).toThrow(
          'addConsumer: Memcached has no users, so user cannot be given for TestStack/Mc: remove user');
      });

      test('a user outside the group', () => {
        const stranger = new User(stack, 'Stranger', { userId: 'stranger' });
        cache.addConsumer(CacheConsumer.fromFunction(fn), { user: stranger });
        expect(() => Template.fromStack(stack)).toThrow(
          'TestStack/Fn connects to TestStack/Cache as the user TestStack/Stranger, which is not in its user group TestStack/Users: add it with addUser(user)');
      });

      test('a user added to the group after the consumer is accepted', () => {
        const late = new User(stack, 'Late', { userId: 'late' });
        cache.addConsumer(CacheConsumer.fromFunction(fn), { user: late });
        group.addUser(late);
        expect(() => Template.fromStack(stack)).not.toThrow();
      });

      test('a no-password user', () => {
        const redisGroup = new UserGroup(stack, 'RedisUsers', { engine: CacheEngineType.REDIS });
        const redisCache = new ReplicationGroup(stack, 'Redis', { vpc, auth: CacheAuth.userGroup(redisGroup) });
        const defaultUser = redisGroup.node.findChild('DefaultUser') as User;
        expect(() => redisCache.addConsumer(CacheConsumer.fromFunction(fn), { user: defaultUser })).toThrow(
          'addConsumer: TestStack/Fn cannot connect as the no-password user TestStack/RedisUsers/DefaultUser: any password opens it, so consumers use password or IAM users');
      });

      test('an imported user of unknown authentication, and an imported password user without secret', () => {
        const unknown = User.fromUserId(stack, 'Unknown', 'unknown');
        expect(() => cache.addConsumer(CacheConsumer.fromFunction(fn), { user: unknown })).toThrow(
          'addConsumer: the authentication of the imported user TestStack/Unknown is unknown: import it with authenticationType (and secret for a password user)');
        const noSecret = User.fromUserAttributes(stack, 'NoSecret', { userId: 'nosecret', authenticationType: UserAuthenticationType.PASSWORD });
        expect(() => cache.addConsumer(CacheConsumer.fromFunction(makeFunction('Fn2')), { user: noSecret })).toThrow(
          'addConsumer: the password user TestStack/NoSecret has no secret, so TestStack/Fn2 cannot read its password: import it with secret (JSON with a password field)');
      });
    });
  });

  describe('ECS containers', () => {
    let cluster: ecs.Cluster;
    let taskDefinition: ecs.FargateTaskDefinition;
    let container: ecs.ContainerDefinition;

    beforeEach(() => {
      cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
      taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
      container = taskDefinition.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/node:22') });
    });

    test('the container gets the contract, the task role the secret, the service the port', () => {
      // GIVEN
      const service = new ecs.FargateService(stack, 'Service', { cluster, taskDefinition });
      const cache = new ReplicationGroup(stack, 'Cache', { vpc });

      // WHEN
      cache.addConsumer(CacheConsumer.fromContainer(container, { connectable: service }));

      // THEN
      const template = Template.fromStack(stack);
      const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[];
      const environment = Object.fromEntries(task.Properties.ContainerDefinitions[0].Environment.map((e: any) => [e.Name, e.Value]));
      expect(environment).toEqual({
        CACHE_ENGINE: 'valkey',
        CACHE_MODE: 'standalone',
        CACHE_HOST: { 'Fn::GetAtt': ['Cache18F6EE16', 'PrimaryEndPoint.Address'] },
        CACHE_PORT: { 'Fn::GetAtt': ['Cache18F6EE16', 'PrimaryEndPoint.Port'] },
        CACHE_READER_HOST: { 'Fn::GetAtt': ['Cache18F6EE16', 'ReaderEndPoint.Address'] },
        CACHE_READER_PORT: { 'Fn::GetAtt': ['Cache18F6EE16', 'ReaderEndPoint.Port'] },
        CACHE_TLS: 'true',
        CACHE_AUTH: 'token',
        CACHE_SECRET_ARN: { Ref: 'CacheAuthToken04672416' },
        CACHE_ID: { Ref: 'Cache18F6EE16' },
      });
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        IpProtocol: 'tcp',
        FromPort: 6379,
        ToPort: 6379,
        GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheSecurityGroup'), 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ServiceSecurityGroup'), 'GroupId'] },
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^TaskTaskRole') }],
        PolicyDocument: {
          Statement: [{
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Effect: 'Allow',
            Resource: { Ref: 'CacheAuthToken04672416' },
          }],
        },
      });
    });

    test('explicit connections of the task\'s security group work too', () => {
      const sg = new ec2.SecurityGroup(stack, 'TaskSg', { vpc });
      const mc = new MemcachedCluster(stack, 'Mc', { vpc });
      mc.addConsumer(CacheConsumer.fromContainer(container, { connectable: new ec2.Connections({ securityGroups: [sg] }) }), { prefix: 'PAGES' });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        FromPort: 11211,
        ToPort: 11211,
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TaskSg'), 'GroupId'] },
      });
      template.resourceCountIs('AWS::IAM::Policy', 0);
    });

    test('a connectable without security groups is rejected', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc });
      expect(() => cache.addConsumer(CacheConsumer.fromContainer(container, { connectable: new ec2.Connections() }))).toThrow(
        'addConsumer: the connectable given for the container TestStack/Task/App has no security groups, so the cache TestStack/Cache cannot let it in. ' +
        'Pass the FargateService or Ec2Service (awsvpc network mode), or with bridge or host network mode the auto scaling group that provides the cluster\'s capacity.');
    });
  });

  describe('EC2 instances and auto scaling groups', () => {
    const instanceType = ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO);
    const linux = () => ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 });

    /** The parameter's value with references resolved as a deployment would. */
    const parameterValue = (template: Template, id: RegExp): any => {
      const [[, parameter]] = Object.entries(template.findResources('AWS::SSM::Parameter')).filter(([k]) => id.test(k)) as any[];
      const value = parameter.Properties.Value;
      // Fn::Join of literal JSON text and references: render references as <Ref> / <Id.Attr>.
      const text = value['Fn::Join'][1].map((part: any) => typeof part === 'string' ? part
        : part.Ref !== undefined ? `<${part.Ref}>` : `<${part['Fn::GetAtt'].join('.')}>`).join('');
      return JSON.parse(text);
    };

    test('an instance reads the contract from an SSM parameter named in its user data', () => {
      // GIVEN
      const instance = new ec2.Instance(stack, 'Instance', { vpc, instanceType, machineImage: linux() });
      const cache = new ReplicationGroup(stack, 'Cache', { vpc });

      // WHEN
      cache.addConsumer(CacheConsumer.fromInstance(instance));

      // THEN
      const template = Template.fromStack(stack);
      expect(parameterValue(template, /^CacheContractCACHE/)).toEqual({
        CACHE_ENGINE: 'valkey',
        CACHE_MODE: 'standalone',
        CACHE_HOST: '<Cache18F6EE16.PrimaryEndPoint.Address>',
        CACHE_PORT: '<Cache18F6EE16.PrimaryEndPoint.Port>',
        CACHE_READER_HOST: '<Cache18F6EE16.ReaderEndPoint.Address>',
        CACHE_READER_PORT: '<Cache18F6EE16.ReaderEndPoint.Port>',
        CACHE_TLS: 'true',
        CACHE_AUTH: 'token',
        CACHE_SECRET_ARN: '<CacheAuthToken04672416>',
        CACHE_ID: '<Cache18F6EE16>',
      });
      template.hasResourceProperties('AWS::SSM::Parameter', { Type: 'String', Tier: 'Standard' });
      const parameterArn = {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:123456789012:parameter/', { Ref: Match.stringLikeRegexp('^CacheContractCACHE') }]],
      };
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^InstanceInstanceRole') }],
        PolicyDocument: {
          Statement: [
            { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: 'CacheAuthToken04672416' } },
            { Action: 'ssm:GetParameter', Effect: 'Allow', Resource: parameterArn },
          ],
        },
      });
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        FromPort: 6379,
        ToPort: 6379,
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^InstanceInstanceSecurityGroup'), 'GroupId'] },
      });
      const [script] = Object.values(template.findResources('AWS::EC2::Instance')).map((r: any) => r.Properties.UserData['Fn::Base64']['Fn::Join'][1]);
      expect(script).toHaveLength(5);
      expect(script.slice(0, 3)).toEqual(["#!/bin/bash\necho 'CACHE_PARAMETER=arn:", { Ref: 'AWS::Partition' }, ':ssm:us-east-1:123456789012:parameter/']);
      expect(script[3].Ref).toMatch(/^CacheContractCACHE/);
      expect(script[4]).toBe("' >> /etc/environment");
    });

    test('the parameter holds what the runtime reader accepts', () => {
      const instance = new ec2.Instance(stack, 'Instance', { vpc, instanceType, machineImage: linux() });
      new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.enabled(), auth: CacheAuth.none() })
        .addConsumer(CacheConsumer.fromInstance(instance), { prefix: 'SHARDS' });
      const value = parameterValue(Template.fromStack(stack), /^CacheContractSHARDS/);
      const deployed = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v).startsWith('<') ? (k.endsWith('PORT') ? '6379' : 'deployed') : v])) as Record<string, string>;
      expect(connectionFromEnv('SHARDS', deployed)).toMatchObject({ mode: 'cluster', auth: 'none', tls: true, endpoint: { host: 'deployed', port: 6379 } });
    });

    test('a Windows instance gets a machine environment variable', () => {
      const instance = new ec2.Instance(stack, 'Instance', {
        vpc,
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
        machineImage: ec2.MachineImage.latestWindows(ec2.WindowsVersion.WINDOWS_SERVER_2022_ENGLISH_FULL_BASE),
      });
      new MemcachedCluster(stack, 'Mc', { vpc }).addConsumer(CacheConsumer.fromInstance(instance), { prefix: 'PAGES' });
      const template = Template.fromStack(stack);
      const [script] = Object.values(template.findResources('AWS::EC2::Instance')).map((r: any) => r.Properties.UserData['Fn::Base64']['Fn::Join'][1]);
      expect(script[0]).toBe("<powershell>[Environment]::SetEnvironmentVariable('PAGES_PARAMETER', 'arn:");
      expect(script[script.length - 1]).toBe("', 'Machine')</powershell>");
      expect(parameterValue(template, /^McContractPAGES/)).toEqual({
        PAGES_ENGINE: 'memcached',
        PAGES_MODE: 'memcached',
        PAGES_HOST: '<Mc1569AA16.ConfigurationEndpoint.Address>',
        PAGES_PORT: '<Mc1569AA16.ConfigurationEndpoint.Port>',
        PAGES_TLS: 'true',
        PAGES_AUTH: 'none',
        PAGES_ID: '<Mc1569AA16>',
      });
      // Memcached has no auth: the role may read the parameter and nothing else.
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: [{ Action: 'ssm:GetParameter', Effect: 'Allow', Resource: Match.anyValue() }] },
      });
    });

    test('an auto scaling group gets the parameter in its instances\' user data', () => {
      const asg = new autoscaling.AutoScalingGroup(stack, 'Asg', { vpc, instanceType, machineImage: linux(), minCapacity: 2 });
      const cache = new ReplicationGroup(stack, 'Cache', { vpc });
      cache.addConsumer(CacheConsumer.fromAutoScalingGroup(asg));
      const template = Template.fromStack(stack);
      // Without the feature flag for launch templates, the group uses a launch configuration.
      const [lc] = Object.values(template.findResources('AWS::AutoScaling::LaunchConfiguration')) as any[];
      expect(lc.Properties.UserData['Fn::Base64']['Fn::Join'][1][0]).toBe("#!/bin/bash\necho 'CACHE_PARAMETER=arn:");
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        FromPort: 6379,
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AsgInstanceSecurityGroup'), 'GroupId'] },
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^AsgInstanceRole') }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'ssm:GetParameter' })]) },
      });
    });

    test('instances with the same prefix share one parameter', () => {
      const a = new ec2.Instance(stack, 'A', { vpc, instanceType, machineImage: linux() });
      const b = new ec2.Instance(stack, 'B', { vpc, instanceType, machineImage: linux() });
      const cache = new ReplicationGroup(stack, 'Cache', { vpc });
      cache.addConsumer(CacheConsumer.fromInstance(a));
      cache.addConsumer(CacheConsumer.fromInstance(b));
      cache.addConsumer(CacheConsumer.fromInstance(b), { prefix: 'OTHER' });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::SSM::Parameter', 2);
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 2);
    });
  });
});
