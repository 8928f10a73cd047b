import { App, Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks } from 'cdk-nag';
import { testStack, testVpc } from './util';
import {
  CacheAuth, CacheAuthType, CacheConsumer, CacheEngineType, ServerlessCache, ServerlessCacheProps, ServerlessEngine, User, UserAuthentication,
  UserGroup,
} from '../src';
import { connectionFromEnv } from '../src/runtime';

const SC = 'AWS::ElastiCache::ServerlessCache';
const USER = 'AWS::ElastiCache::User';
const USER_GROUP = 'AWS::ElastiCache::UserGroup';
const SECRET = 'AWS::SecretsManager::Secret';
/** ElastiCache user and user group ids as CloudFormation accepts them, within 40 characters. */
const ID_PATTERN = /^[a-z](?!.*--)[a-z0-9-]{0,38}[a-z0-9]$/;

describe('ServerlessCache', () => {
  let app: App;
  let stack: Stack;
  let vpc: ec2.Vpc;

  beforeEach(() => {
    app = new App();
    stack = testStack('TestStack', app);
    vpc = testVpc(stack);
  });

  const logicalId = (cache: ServerlessCache) => stack.getLogicalId(cache.node.defaultChild as CfnServerlessCacheLike);
  const makeFunction = (id: string) => new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'), vpc,
  });
  const environmentOf = (f: lambda.Function): Record<string, unknown> =>
    Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(f.node.defaultChild as lambda.CfnFunction)].Properties.Environment.Variables;

  describe('defaults', () => {
    test('a Valkey cache with a lower-case name, private subnets, its own security group and user group, 15 days of snapshots, retained', () => {
      // WHEN
      const cache = new ServerlessCache(stack, 'MyCache', { vpc });

      // THEN
      const template = Template.fromStack(stack);
      const [[id, resource]] = Object.entries(template.findResources(SC));
      const name = resource.Properties.ServerlessCacheName as string;
      expect(name).toMatch(/^teststack-mycache-[a-z0-9]+$/);
      expect(name.length).toBeLessThanOrEqual(40);
      expect(resource).toEqual({
        Type: SC,
        Properties: {
          ServerlessCacheName: name,
          Description: 'Serverless cache TestStack/MyCache',
          Engine: 'valkey',
          MajorEngineVersion: '8',
          SubnetIds: [expect.anything(), expect.anything(), expect.anything()],
          SecurityGroupIds: [{ 'Fn::GetAtt': [expect.stringMatching(/^MyCacheSecurityGroup/), 'GroupId'] }],
          UserGroupId: { Ref: stack.getLogicalId(cache.node.findChild('UserGroup').node.defaultChild as CfnServerlessCacheLike) },
          SnapshotRetentionLimit: 15,
          DailySnapshotTime: '03:00',
        },
        UpdateReplacePolicy: 'Retain',
        DeletionPolicy: 'Retain',
      });
      expect(resource.Properties.SubnetIds.map((s: { Ref: string }) => s.Ref)).toEqual([
        expect.stringMatching(/^VpcprivateSubnet1Subnet/), expect.stringMatching(/^VpcprivateSubnet2Subnet/), expect.stringMatching(/^VpcprivateSubnet3Subnet/),
      ]);
      // No ingress; egress closed with a separate rule (rules stay out of line: the ports are attributes of the cache).
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: 'ElastiCache serverless cache TestStack/MyCache',
        SecurityGroupEgress: Match.absent(),
        SecurityGroupIngress: Match.absent(),
      });
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        CidrIp: '255.255.255.255/32',
        GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyCacheSecurityGroup'), 'GroupId'] },
      });
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
      expect(cache.serverlessCacheName).toBe(name);
      expect(cache.engine).toBe(ServerlessEngine.VALKEY_LATEST);
      expect(stack.resolve(cache.endpoint.hostname)).toEqual({ 'Fn::GetAtt': [id, 'Endpoint.Address'] });
      expect(stack.resolve(cache.endpoint.port)).toEqual({ 'Fn::GetAtt': [id, 'Endpoint.Port'] });
      expect(stack.resolve(cache.readerEndpoint.hostname)).toEqual({ 'Fn::GetAtt': [id, 'ReaderEndpoint.Address'] });
      expect(stack.resolve(cache.readerEndpoint.port)).toEqual({ 'Fn::GetAtt': [id, 'ReaderEndpoint.Port'] });
      expect(stack.resolve(cache.serverlessCacheArn)).toEqual({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:elasticache:us-east-1:123456789012:serverlesscache:${name}`]],
      });
    });

    test('connections use the port from the Endpoint.Port attribute (never null), also for CIDR peers, without a cycle', () => {
      const cache = new ServerlessCache(stack, 'Cache', { vpc });
      cache.connections.allowDefaultPortFrom(ec2.Peer.ipv4('10.0.0.0/16'));
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        CidrIp: '10.0.0.0/16',
        FromPort: { 'Fn::GetAtt': [logicalId(cache), 'Endpoint.Port'] },
        ToPort: { 'Fn::GetAtt': [logicalId(cache), 'Endpoint.Port'] },
      });
      expect(() => app.synth()).not.toThrow();
    });

    test('every prop reaches the template', () => {
      const key = new kms.Key(stack, 'Key');
      const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
      new ServerlessCache(stack, 'Cache', {
        vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        securityGroups: [sg],
        engine: ServerlessEngine.REDIS_7,
        serverlessCacheName: 'sessions',
        description: 'Sessions of the shop',
        kmsKey: key,
        minDataStorage: Size.gibibytes(1),
        maxDataStorage: Size.gibibytes(100),
        minEcpuPerSecond: 1000,
        maxEcpuPerSecond: 50_000,
        snapshotRetention: Duration.days(7),
        dailySnapshotTime: '22:30',
        finalSnapshotName: 'sessions-final',
        snapshotArnsToRestore: ['arn:aws:elasticache:us-east-1:123456789012:serverlesscachesnapshot:s1'],
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const template = Template.fromStack(stack);
      template.hasResource(SC, {
        Properties: {
          ServerlessCacheName: 'sessions',
          Description: 'Sessions of the shop',
          Engine: 'redis',
          MajorEngineVersion: '7',
          SubnetIds: Match.arrayWith([{ Ref: Match.stringLikeRegexp('^VpcisolatedSubnet1') }]),
          SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Sg'), 'GroupId'] }],
          KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
          CacheUsageLimits: { DataStorage: { Unit: 'GB', Minimum: 1, Maximum: 100 }, ECPUPerSecond: { Minimum: 1000, Maximum: 50000 } },
          SnapshotRetentionLimit: 7,
          DailySnapshotTime: '22:30',
          FinalSnapshotName: 'sessions-final',
          SnapshotArnsToRestore: ['arn:aws:elasticache:us-east-1:123456789012:serverlesscachesnapshot:s1'],
        },
        DeletionPolicy: 'Delete',
      });
      template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    });

    test('a Memcached cache has no reader endpoint and no authentication (Memcached has none)', () => {
      const cache = new ServerlessCache(stack, 'Cache', { vpc, engine: ServerlessEngine.MEMCACHED_1_6 });
      const template = Template.fromStack(stack);
      template.hasResourceProperties(SC, { Engine: 'memcached', MajorEngineVersion: '1.6', UserGroupId: Match.absent() });
      template.resourceCountIs(USER, 0);
      template.resourceCountIs(USER_GROUP, 0);
      template.resourceCountIs(SECRET, 0);
      expect(cache.authType).toBe(CacheAuthType.NONE);
      expect(cache.userGroup).toBeUndefined();
      expect(cache.generatedUser).toBeUndefined();
      expect(() => cache.readerEndpoint).toThrow('readerEndpoint is not available on a serverless Memcached cache (TestStack/Cache): use endpoint');
    });

    test('only a maximum ECPU limit', () => {
      new ServerlessCache(stack, 'Cache', { vpc, maxEcpuPerSecond: 5000 });
      Template.fromStack(stack).hasResourceProperties(SC, {
        CacheUsageLimits: { DataStorage: Match.absent(), ECPUPerSecond: { Maximum: 5000, Minimum: Match.absent() } },
      });
    });
  });

  describe('generated user group', () => {
    test('a Valkey cache creates a VALKEY group with one password user, its secret generated, all retained with the cache', () => {
      // WHEN
      const cache = new ServerlessCache(stack, 'MyCache', { vpc });

      // THEN
      const template = Template.fromStack(stack);
      template.resourceCountIs(USER, 1);
      template.resourceCountIs(USER_GROUP, 1);
      template.resourceCountIs(SECRET, 1);
      const group = cache.node.findChild('UserGroup') as UserGroup;
      const user = cache.node.findChild('User') as User;
      const secret = user.node.findChild('Secret');
      const [groupResource] = Object.values(template.findResources(USER_GROUP));
      const [userResource] = Object.values(template.findResources(USER));
      const [secretResource] = Object.values(template.findResources(SECRET));
      const userId = userResource.Properties.UserId as string;
      expect(userId).toMatch(ID_PATTERN);
      expect(userId).toMatch(/^teststack-mycache-user-/);
      expect(groupResource.Properties.UserGroupId).toMatch(ID_PATTERN);
      expect(groupResource.Properties.UserGroupId).toMatch(/^teststack-mycache-usergroup-/);
      expect(groupResource).toEqual({
        Type: USER_GROUP,
        Properties: { UserGroupId: groupResource.Properties.UserGroupId, Engine: 'valkey', UserIds: [{ Ref: stack.getLogicalId(user.node.defaultChild as CfnServerlessCacheLike) }] },
        UpdateReplacePolicy: 'Retain',
        DeletionPolicy: 'Retain',
      });
      expect(userResource).toEqual({
        Type: USER,
        Properties: {
          UserId: userId,
          UserName: userId,
          Engine: 'valkey',
          AccessString: User.DEFAULT_ACCESS_STRING,
          AuthenticationMode: {
            Type: 'password',
            Passwords: [{ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: stack.getLogicalId(secret.node.defaultChild as CfnServerlessCacheLike) }, ':SecretString:password::}}']] }],
          },
        },
        UpdateReplacePolicy: 'Retain',
        DeletionPolicy: 'Retain',
      });
      expect(secretResource).toMatchObject({
        Properties: {
          GenerateSecretString: { SecretStringTemplate: JSON.stringify({ username: userId }), GenerateStringKey: 'password', PasswordLength: 64, ExcludePunctuation: true },
        },
        UpdateReplacePolicy: 'Retain',
        DeletionPolicy: 'Retain',
      });
      expect(secretResource.Properties.KmsKeyId).toBeUndefined();
      expect(cache.authType).toBe(CacheAuthType.RBAC);
      expect(cache.userGroup).toBe(group);
      expect(cache.generatedUser).toBe(user);
      expect(cache.generatedUser?.secret).toBeDefined();
      expect(group.users).toEqual([user]);
    });

    test('a Redis OSS cache creates a REDIS group: the password user and a disabled default user', () => {
      const cache = new ServerlessCache(stack, 'Cache', { vpc, engine: ServerlessEngine.REDIS_7 });
      const template = Template.fromStack(stack);
      template.resourceCountIs(USER, 2);
      const group = cache.node.findChild('UserGroup') as UserGroup;
      const defaultUser = group.node.findChild('DefaultUser') as User;
      template.hasResourceProperties(USER_GROUP, {
        Engine: 'redis',
        UserIds: [
          { Ref: stack.getLogicalId(cache.generatedUser!.node.defaultChild as CfnServerlessCacheLike) },
          { Ref: stack.getLogicalId(defaultUser.node.defaultChild as CfnServerlessCacheLike) },
        ],
      });
      template.hasResource(USER, {
        Properties: { Engine: 'redis', AuthenticationMode: { Type: 'password', Passwords: Match.anyValue() }, AccessString: User.DEFAULT_ACCESS_STRING },
        DeletionPolicy: 'Retain',
      });
      template.hasResource(USER, {
        Properties: { Engine: 'redis', UserName: 'default', AuthenticationMode: { Type: 'no-password-required' }, AccessString: 'off -@all' },
        DeletionPolicy: 'Retain',
      });
      const defaultUserId = stack.getLogicalId(defaultUser.node.defaultChild as CfnServerlessCacheLike);
      expect(template.findResources(USER)[defaultUserId].Properties.UserId).toMatch(ID_PATTERN);
    });

    test('a destroyed cache takes its users along; the cache key encrypts the generated secret', () => {
      const key = new kms.Key(stack, 'Key');
      new ServerlessCache(stack, 'Cache', { vpc, removalPolicy: RemovalPolicy.DESTROY, kmsKey: key });
      const template = Template.fromStack(stack);
      const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };
      template.hasResource(SECRET, { Properties: { KmsKeyId: keyArn }, DeletionPolicy: 'Delete' });
      template.hasResource(USER, { DeletionPolicy: Match.absent() });
      template.hasResource(USER_GROUP, { DeletionPolicy: Match.absent() });
    });

    test('long construct paths still give valid ids, and two caches get distinct ones', () => {
      const scope = new Stack(app, 'AVeryLongStackNameForTheServerlessCacheTests');
      const scopeVpc = testVpc(scope);
      new ServerlessCache(scope, 'SessionsCacheWithAVeryLongConstructId', { vpc: scopeVpc });
      new ServerlessCache(scope, 'SessionsCacheWithAVeryLongConstructIdToo', { vpc: scopeVpc });
      const template = Template.fromStack(scope);
      const ids = [
        ...Object.values(template.findResources(USER)).map((r) => r.Properties.UserId),
        ...Object.values(template.findResources(USER_GROUP)).map((r) => r.Properties.UserGroupId),
      ];
      expect(ids).toHaveLength(4);
      for (const id of ids) expect(id).toMatch(ID_PATTERN);
      expect(new Set(ids).size).toBe(4);
    });

    test('auth: CacheAuth.none() opts out: no user group, no users', () => {
      const cache = new ServerlessCache(stack, 'Cache', { vpc, auth: CacheAuth.none() });
      const template = Template.fromStack(stack);
      template.hasResourceProperties(SC, { UserGroupId: Match.absent() });
      template.resourceCountIs(USER, 0);
      template.resourceCountIs(USER_GROUP, 0);
      template.resourceCountIs(SECRET, 0);
      expect(cache.authType).toBe(CacheAuthType.NONE);
      expect(cache.userGroup).toBeUndefined();
      expect(cache.generatedUser).toBeUndefined();
    });

    test('a Memcached cache accepts auth: CacheAuth.none()', () => {
      const cache = new ServerlessCache(stack, 'Cache', { vpc, engine: ServerlessEngine.MEMCACHED_1_6, auth: CacheAuth.none() });
      expect(cache.authType).toBe(CacheAuthType.NONE);
      Template.fromStack(stack).resourceCountIs(USER_GROUP, 0);
    });
  });

  describe('user groups', () => {
    test('a user group goes in by reference (auth or userGroup), and an imported group by id; nothing is generated', () => {
      const group = new UserGroup(stack, 'Users', { users: [new User(stack, 'App', { userId: 'app' })] });
      const cache = new ServerlessCache(stack, 'Cache', { vpc, auth: CacheAuth.userGroup(group) });
      const imported = UserGroup.fromUserGroupAttributes(stack, 'Imported', { userGroupId: 'existing-users' });
      const other = new ServerlessCache(stack, 'Other', { vpc, auth: CacheAuth.userGroup(imported) });
      const template = Template.fromStack(stack);
      template.hasResourceProperties(SC, { UserGroupId: { Ref: stack.getLogicalId(group.node.defaultChild as CfnServerlessCacheLike) } });
      template.hasResourceProperties(SC, { UserGroupId: 'existing-users' });
      template.resourceCountIs(USER, 1);
      template.resourceCountIs(USER_GROUP, 1);
      for (const c of [cache, other]) {
        expect(c.authType).toBe(CacheAuthType.RBAC);
        expect(c.generatedUser).toBeUndefined();
        expect(c.node.tryFindChild('UserGroup')).toBeUndefined();
      }
      expect(cache.userGroup).toBe(group);
      expect(other.userGroup).toBe(imported);
    });

    test('a Redis OSS cache refuses a VALKEY group', () => {
      const group = new UserGroup(stack, 'Users');
      const message = 'Redis OSS caches accept only REDIS user groups, but TestStack/Users is a VALKEY group: create the UserGroup with engine: CacheEngineType.REDIS, or use a Valkey engine';
      expect(() => new ServerlessCache(stack, 'Cache', { vpc, engine: ServerlessEngine.REDIS_7, auth: CacheAuth.userGroup(group) })).toThrow(message);
      expect(() => new ServerlessCache(stack, 'Cache2', { vpc, engine: ServerlessEngine.REDIS_7, auth: CacheAuth.userGroup(group) })).toThrow(message);
      new ServerlessCache(stack, 'Redis', { vpc, engine: ServerlessEngine.REDIS_7, auth: CacheAuth.userGroup(new UserGroup(stack, 'RedisUsers', { engine: CacheEngineType.REDIS })) });
    });
  });

  describe('consumers', () => {
    test('a consumer of a cache without authentication gets the serverless contract and both ports', () => {
      // GIVEN
      const cache = new ServerlessCache(stack, 'Cache', { vpc, auth: CacheAuth.none() });
      const fn = makeFunction('Fn');

      // WHEN
      cache.addConsumer(CacheConsumer.fromFunction(fn));

      // THEN
      const id = logicalId(cache);
      expect(environmentOf(fn)).toEqual({
        CACHE_ENGINE: 'valkey',
        CACHE_MODE: 'serverless',
        CACHE_HOST: { 'Fn::GetAtt': [id, 'Endpoint.Address'] },
        CACHE_PORT: { 'Fn::GetAtt': [id, 'Endpoint.Port'] },
        CACHE_READER_HOST: { 'Fn::GetAtt': [id, 'ReaderEndpoint.Address'] },
        CACHE_READER_PORT: { 'Fn::GetAtt': [id, 'ReaderEndpoint.Port'] },
        CACHE_TLS: 'true',
        CACHE_AUTH: 'none',
        CACHE_ID: cache.serverlessCacheName,
      });
      const template = Template.fromStack(stack);
      const sourceSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnSecurityGroup'), 'GroupId'] };
      for (const attr of ['Endpoint.Port', 'ReaderEndpoint.Port']) {
        template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
          FromPort: { 'Fn::GetAtt': [id, attr] }, ToPort: { 'Fn::GetAtt': [id, attr] }, SourceSecurityGroupId: sourceSg,
        });
      }
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 2);
    });

    test('a Memcached consumer gets one port and no reader', () => {
      const cache = new ServerlessCache(stack, 'Cache', { vpc, engine: ServerlessEngine.MEMCACHED_1_6 });
      const fn = makeFunction('Fn');
      cache.addConsumer(CacheConsumer.fromFunction(fn));
      const env = environmentOf(fn);
      expect(env).toEqual(expect.objectContaining({ CACHE_ENGINE: 'memcached', CACHE_MODE: 'serverless', CACHE_TLS: 'true', CACHE_AUTH: 'none' }));
      expect(env.CACHE_READER_HOST).toBeUndefined();
      Template.fromStack(stack).resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    });

    test('a consumer without user connects as the generated user: password auth, its name, its secret readable', () => {
      // GIVEN
      const cache = new ServerlessCache(stack, 'Cache', { vpc });
      const fn = makeFunction('Fn');

      // WHEN
      cache.addConsumer(CacheConsumer.fromFunction(fn));

      // THEN
      const id = logicalId(cache);
      const user = cache.generatedUser!;
      const secretId = stack.getLogicalId(user.node.findChild('Secret').node.defaultChild as CfnServerlessCacheLike);
      const userLogicalId = stack.getLogicalId(user.node.defaultChild as CfnServerlessCacheLike);
      const userId = Template.fromStack(stack).findResources(USER)[userLogicalId].Properties.UserId;
      expect(environmentOf(fn)).toEqual({
        CACHE_ENGINE: 'valkey',
        CACHE_MODE: 'serverless',
        CACHE_HOST: { 'Fn::GetAtt': [id, 'Endpoint.Address'] },
        CACHE_PORT: { 'Fn::GetAtt': [id, 'Endpoint.Port'] },
        CACHE_READER_HOST: { 'Fn::GetAtt': [id, 'ReaderEndpoint.Address'] },
        CACHE_READER_PORT: { 'Fn::GetAtt': [id, 'ReaderEndpoint.Port'] },
        CACHE_TLS: 'true',
        CACHE_AUTH: 'password',
        CACHE_USER: userId,
        CACHE_SECRET_ARN: { Ref: secretId },
        CACHE_ID: cache.serverlessCacheName,
      });
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^FnServiceRole') }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Effect: 'Allow',
            Resource: { Ref: secretId },
          })]),
        },
      });
      expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'))).not.toContain('elasticache:Connect');
    });

    test('naming the generated user, or another user of the generated group, works like any user', () => {
      const cache = new ServerlessCache(stack, 'Cache', { vpc, engine: ServerlessEngine.REDIS_7 });
      const reporter = new User(stack, 'Reporter', { userId: 'reporter', engine: CacheEngineType.REDIS, authentication: UserAuthentication.iam() });
      (cache.userGroup as UserGroup).addUser(reporter);
      const web = makeFunction('Web');
      const report = makeFunction('Report');
      cache.addConsumer(CacheConsumer.fromFunction(web), { user: cache.generatedUser });
      cache.addConsumer(CacheConsumer.fromFunction(report), { user: reporter });
      expect(environmentOf(web)).toEqual(expect.objectContaining({ CACHE_ENGINE: 'redis', CACHE_AUTH: 'password', CACHE_USER: cache.generatedUser!.userName }));
      expect(environmentOf(report)).toEqual(expect.objectContaining({ CACHE_AUTH: 'iam', CACHE_USER: 'reporter' }));
      expect(() => app.synth()).not.toThrow();
    });

    test('a consumer may not name a user outside the generated group', () => {
      const cache = new ServerlessCache(stack, 'Cache', { vpc });
      const stranger = new User(stack, 'Stranger', { userId: 'stranger' });
      cache.addConsumer(CacheConsumer.fromFunction(makeFunction('Fn')), { user: stranger });
      expect(() => app.synth()).toThrow(
        'TestStack/Fn connects to TestStack/Cache as the user TestStack/Stranger, which is not in its user group TestStack/Cache/UserGroup: add it with addUser(user)');
    });

    test('a consumer of a cache without authentication may not name a user', () => {
      const cache = new ServerlessCache(stack, 'Cache', { vpc, auth: CacheAuth.none() });
      expect(() => cache.addConsumer(CacheConsumer.fromFunction(makeFunction('Fn')), { user: new User(stack, 'App') })).toThrow(
        'addConsumer: user applies only to caches with a user group, and TestStack/Cache has none: use auth: CacheAuth.userGroup(group), or remove user');
    });

    test('password and IAM users: their contract and grants, on the serverless cache ARN', () => {
      const appUser = new User(stack, 'App', { userId: 'app' });
      const reporter = new User(stack, 'Reporter', { userId: 'reporter', authentication: UserAuthentication.iam() });
      const cache = new ServerlessCache(stack, 'Cache', { vpc, serverlessCacheName: 'sessions', auth: CacheAuth.userGroup(new UserGroup(stack, 'Users', { users: [appUser, reporter] })) });
      const web = makeFunction('Web');
      const report = makeFunction('Report');
      cache.addConsumer(CacheConsumer.fromFunction(web), { user: appUser });
      cache.addConsumer(CacheConsumer.fromFunction(report), { user: reporter });

      expect(environmentOf(web)).toEqual(expect.objectContaining({
        CACHE_AUTH: 'password',
        CACHE_USER: 'app',
        CACHE_ID: 'sessions',
        CACHE_SECRET_ARN: { Ref: stack.getLogicalId(appUser.node.findChild('Secret').node.defaultChild as CfnServerlessCacheLike) },
      }));
      expect(environmentOf(report)).toEqual(expect.objectContaining({ CACHE_AUTH: 'iam', CACHE_USER: 'reporter', CACHE_ID: 'sessions' }));
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^ReportServiceRole') }],
        PolicyDocument: {
          Statement: [{
            Action: 'elasticache:Connect',
            Effect: 'Allow',
            Resource: [
              { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:us-east-1:123456789012:serverlesscache:sessions']] },
              { 'Fn::GetAtt': [stack.getLogicalId(reporter.node.defaultChild as CfnServerlessCacheLike), 'Arn'] },
            ],
          }],
        },
      });
      const resolved = { CACHE_ENGINE: 'valkey', CACHE_MODE: 'serverless', CACHE_HOST: 'h', CACHE_PORT: '6379', CACHE_TLS: 'true', CACHE_AUTH: 'iam', CACHE_USER: 'reporter', CACHE_ID: 'sessions' };
      expect(connectionFromEnv('CACHE', resolved)).toMatchObject({ mode: 'serverless', auth: 'iam', user: 'reporter', cacheId: 'sessions' });
    });

    test('a consumer of a cache given a user group must name its user', () => {
      const cache = new ServerlessCache(stack, 'Cache', { vpc, auth: CacheAuth.userGroup(new UserGroup(stack, 'Users')) });
      expect(() => cache.addConsumer(CacheConsumer.fromFunction(makeFunction('Fn')))).toThrow(
        'addConsumer: TestStack/Cache uses role-based access control: say which user TestStack/Fn connects as, e.g. addConsumer(consumer, { user }) with a password or IAM user of its user group');
    });
  });

  describe('grants and metrics', () => {
    test('grantConnect allows elasticache:Connect on the cache', () => {
      const cache = new ServerlessCache(stack, 'Cache', { vpc, serverlessCacheName: 'sessions' });
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      cache.grantConnect(role);
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [{
            Action: 'elasticache:Connect',
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:us-east-1:123456789012:serverlesscache:sessions']] },
          }],
        },
      });
    });

    test('metrics use the lower-case name that ElastiCache publishes under', () => {
      const cache = new ServerlessCache(stack, 'MyCache', { vpc });
      expect(cache.serverlessCacheName).toBe(cache.serverlessCacheName.toLowerCase());
      const metrics = [
        [cache.metricElastiCacheProcessingUnits(), 'ElastiCacheProcessingUnits', 'Sum'],
        [cache.metricBytesUsedForCache(), 'BytesUsedForCache', 'Maximum'],
        [cache.metricCacheHitRate(), 'CacheHitRate', 'Average'],
        [cache.metricCurrConnections(), 'CurrConnections', 'Maximum'],
        [cache.metricThrottledCmds(), 'ThrottledCmds', 'Sum'],
        [cache.metricSuccessfulReadRequestLatency(), 'SuccessfulReadRequestLatency', 'Average'],
        [cache.metricSuccessfulWriteRequestLatency(), 'SuccessfulWriteRequestLatency', 'Average'],
        [cache.metric('NetworkBytesIn'), 'NetworkBytesIn', 'Average'],
      ] as const;
      for (const [metric, name, statistic] of metrics) {
        expect(metric.namespace).toBe('AWS/ElastiCache');
        expect(metric.metricName).toBe(name);
        expect(metric.statistic).toBe(statistic);
        expect(metric.period.toMinutes()).toBe(5);
        expect(metric.dimensions).toEqual({ ServerlessCacheName: cache.serverlessCacheName });
      }
      expect(cache.metricCacheHitRate({ period: Duration.minutes(1), statistic: 'Minimum' }).toMetricConfig().metricStat).toMatchObject({
        period: Duration.minutes(1), statistic: 'Minimum',
      });
    });
  });

  describe('import', () => {
    test('fromServerlessCacheAttributes lower-cases the name for metrics and ARNs and derives ports from the engine', () => {
      const cache = ServerlessCache.fromServerlessCacheAttributes(stack, 'Imported', {
        serverlessCacheName: 'MyCache',
        engine: ServerlessEngine.MEMCACHED_1_6,
        endpointAddress: 'mycache.serverless.use1.cache.amazonaws.com',
        securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-12345')],
      });
      expect(cache.serverlessCacheName).toBe('mycache');
      expect(cache.metric('CurrConnections').dimensions).toEqual({ ServerlessCacheName: 'mycache' });
      expect(cache.endpoint.socketAddress).toBe('mycache.serverless.use1.cache.amazonaws.com:11211');
      expect(cache.connections.defaultPort?.toString()).toBe('11211');
      expect(() => cache.readerEndpoint).toThrow('Cannot access readerEndpoint of an imported serverless cache without readerEndpointAddress');
      const byName = ServerlessCache.fromServerlessCacheName(stack, 'ByName', 'other');
      expect(() => byName.endpoint).toThrow('Cannot access endpoint of an imported serverless cache without endpointAddress');
      expect(byName.connections.defaultPort?.toString()).toBe('6379');
      expect(ServerlessCache.fromServerlessCacheAttributes(stack, 'Reader', { serverlessCacheName: 'r', readerEndpointAddress: 'r.host' }).readerEndpoint.socketAddress).toBe('r.host:6380');
      expect(ServerlessCache.isServerlessCache(byName)).toBe(false);
      expect(ServerlessCache.isServerlessCache(new ServerlessCache(stack, 'New', { vpc }))).toBe(true);
    });
  });

  describe('validation errors', () => {
    test.each<{ testDescription: string; props: Partial<ServerlessCacheProps>; errorMessage: string }>([
      { testDescription: 'an upper-case name', props: { serverlessCacheName: 'MyCache' }, errorMessage: "serverlessCacheName must be lower case (ElastiCache stores it lower-case), got 'MyCache': use 'mycache'" },
      { testDescription: 'a name longer than 40 characters', props: { serverlessCacheName: 'c'.repeat(41) }, errorMessage: `serverlessCacheName must be 1 to 40 characters long, got 41 ('${'c'.repeat(41)}')` },
      { testDescription: 'a name with an underscore', props: { serverlessCacheName: 'my_cache' }, errorMessage: "serverlessCacheName may contain only letters, digits and hyphens, got 'my_cache'" },
      { testDescription: 'a description with <', props: { description: 'cache <prod>' }, errorMessage: "description must not contain '<' or '>', got 'cache <prod>'" },
      { testDescription: 'a description longer than 255 characters', props: { description: 'd'.repeat(256) }, errorMessage: 'description must be at most 255 characters, got 256' },
      { testDescription: 'no data storage', props: { maxDataStorage: Size.mebibytes(512) }, errorMessage: 'maxDataStorage must be a whole number of GB between 1 and 5000, got 0.5 GB' },
      { testDescription: 'too much data storage', props: { maxDataStorage: Size.gibibytes(5001) }, errorMessage: 'maxDataStorage must be a whole number of GB between 1 and 5000, got 5001 GB' },
      { testDescription: 'a minimum storage above the maximum', props: { minDataStorage: Size.gibibytes(20), maxDataStorage: Size.gibibytes(10) }, errorMessage: 'minDataStorage must not exceed maxDataStorage, got 20 GB and 10 GB' },
      { testDescription: 'too few ECPUs', props: { maxEcpuPerSecond: 999 }, errorMessage: 'maxEcpuPerSecond must be an integer between 1000 and 15000000, got 999' },
      { testDescription: 'too many ECPUs', props: { minEcpuPerSecond: 15_000_001 }, errorMessage: 'minEcpuPerSecond must be an integer between 1000 and 15000000, got 15000001' },
      { testDescription: 'a minimum ECPU above the maximum', props: { minEcpuPerSecond: 5000, maxEcpuPerSecond: 2000 }, errorMessage: 'minEcpuPerSecond must not exceed maxEcpuPerSecond, got 5000 and 2000' },
      { testDescription: 'a snapshot retention of 0 days', props: { snapshotRetention: Duration.days(0) }, errorMessage: 'snapshotRetention must be an integer between 1 and 35 days, got 0' },
      { testDescription: 'a snapshot retention of 36 days', props: { snapshotRetention: Duration.days(36) }, errorMessage: 'snapshotRetention must be an integer between 1 and 35 days, got 36' },
      { testDescription: 'a snapshot retention in hours', props: { snapshotRetention: Duration.hours(36) }, errorMessage: 'snapshotRetention must be a whole number of days, got 1 day 12 hours' },
      { testDescription: 'a daily snapshot time with a range', props: { dailySnapshotTime: '03:00-04:00' }, errorMessage: "dailySnapshotTime must have the format HH:MM (UTC), e.g. '03:00', got '03:00-04:00'" },
      { testDescription: 'a daily snapshot time of 24:00', props: { dailySnapshotTime: '24:00' }, errorMessage: "dailySnapshotTime must have the format HH:MM (UTC), e.g. '03:00', got '24:00'" },
      { testDescription: 'a final snapshot name with a double hyphen', props: { finalSnapshotName: 'final--one' }, errorMessage: "finalSnapshotName must start with a letter and contain only letters, digits and hyphens, with no trailing hyphen and no '--', got 'final--one'" },
      { testDescription: 'a SNAPSHOT removal policy', props: { removalPolicy: RemovalPolicy.SNAPSHOT }, errorMessage: 'removalPolicy SNAPSHOT is not supported for serverless caches by CloudFormation: use RemovalPolicy.DESTROY with finalSnapshotName, or RemovalPolicy.RETAIN' },
      { testDescription: 'an empty list of security groups', props: { securityGroups: [] }, errorMessage: 'securityGroups must contain at least one security group, got an empty list: omit it to create one' },
      {
        testDescription: 'an AUTH token',
        props: { auth: CacheAuth.token() },
        errorMessage: 'auth: serverless caches support role-based access control only, not an AUTH token: use CacheAuth.userGroup(group), or omit auth for a generated user group',
      },
      {
        testDescription: 'a user group on Memcached (auth)',
        props: { engine: ServerlessEngine.MEMCACHED_1_6, auth: CacheAuth.userGroup(UserGroup.fromUserGroupId(new Stack(), 'Users', 'users')) },
        errorMessage: 'auth: CacheAuth.userGroup(group) is only supported by Valkey and Redis OSS serverless caches, got memcached 1.6: remove auth',
      },
      {
        testDescription: 'an AUTH token on Memcached',
        props: { engine: ServerlessEngine.MEMCACHED_1_6, auth: CacheAuth.token() },
        errorMessage: 'auth: Memcached has no authentication, got an AUTH token on memcached 1.6: remove auth or use CacheAuth.none()',
      },
    ])('$testDescription', ({ props, errorMessage }) => {
      expect(() => new ServerlessCache(stack, 'Cache', { vpc, ...props })).toThrow(errorMessage);
    });

    test.each([
      { testDescription: 'Valkey 6', make: () => ServerlessEngine.valkey('6'), errorMessage: "Serverless Valkey major versions are whole numbers from 7, got '6'" },
      { testDescription: 'Redis OSS 7.1', make: () => ServerlessEngine.redis('7.1'), errorMessage: "Serverless Redis OSS major versions are whole numbers from 7, got '7.1'" },
      { testDescription: 'Memcached 1', make: () => ServerlessEngine.memcached('1'), errorMessage: "Serverless Memcached versions look like '1.6', got '1'" },
    ])('engine: $testDescription', ({ make, errorMessage }) => {
      expect(make).toThrow(errorMessage);
    });

    test('custom engine versions', () => {
      expect(ServerlessEngine.valkey('9').toString()).toBe('valkey 9');
      expect(ServerlessEngine.memcached('1.6').defaultPort).toBe(11211);
    });
  });

  test('cdk-nag: a serverless cache with users and consumers has no unacknowledged finding', () => {
    const appUser = new User(stack, 'App', { userId: 'app' });
    const cache = new ServerlessCache(stack, 'Cache', { vpc, auth: CacheAuth.userGroup(new UserGroup(stack, 'Users', { users: [appUser] })) });
    cache.addConsumer(CacheConsumer.fromFunction(makeFunction('Fn')), { user: appUser });
    const packs: NagPack[] = [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks()];
    const found = packs.flatMap((pack) => pack.validateScope(app).violations.flatMap((v) => v.violatingResources
      .filter((r) => /^TestStack\/(Cache|Users|App)\//.test(r.constructPath ?? ''))
      .map((r) => `${v.ruleName} ${r.constructPath}`)));
    expect(found).toEqual([]);
  });
});

/** Anything with a logical id (the L1 children passed to getLogicalId). */
type CfnServerlessCacheLike = Parameters<Stack['getLogicalId']>[0];
