import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { testStack, testVpc } from './util';
import {
  CacheAuth, CacheEngine, CacheEngineType, ReplicationGroup, User, UserAuthentication, UserAuthenticationType, UserGroup,
} from '../src';

const GROUP = 'AWS::ElastiCache::UserGroup';
const USER = 'AWS::ElastiCache::User';
const RG = 'AWS::ElastiCache::ReplicationGroup';

describe('UserGroup', () => {
  let app: App;
  let stack: Stack;

  beforeEach(() => {
    app = new App();
    stack = testStack('TestStack', app);
  });

  const ref = (construct: { node: { defaultChild?: unknown } }) => ({ Ref: stack.getLogicalId(construct.node.defaultChild as CfnElement) });

  test('a VALKEY group (the default) lists its users by reference, with a lower-case generated id', () => {
    // GIVEN
    const app1 = new User(stack, 'App', { userId: 'app' });
    const reporter = new User(stack, 'Reporter', { userId: 'reporter', authentication: UserAuthentication.iam() });

    // WHEN
    const group = new UserGroup(stack, 'Users', { users: [app1] });
    group.addUser(reporter);

    // THEN
    const template = Template.fromStack(stack);
    const [[, resource]] = Object.entries(template.findResources(GROUP));
    expect(resource.Properties).toEqual({
      UserGroupId: expect.stringMatching(/^teststack-users-[a-z0-9-]+$/),
      Engine: 'valkey',
      UserIds: [ref(app1), ref(reporter)],
    });
    expect(resource.Properties.UserGroupId.length).toBeLessThanOrEqual(40);
    template.resourceCountIs(USER, 2);
    expect(group.users).toEqual([app1, reporter]);
    expect(group.engine).toBe(CacheEngineType.VALKEY);
    expect(stack.resolve(group.userGroupId)).toEqual(ref(group));
    expect(stack.resolve(group.userGroupArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:us-east-1:123456789012:usergroup:', ref(group)]],
    });
  });

  test('a REDIS group without a default user gets a disabled one', () => {
    const app1 = new User(stack, 'App', { userId: 'app', engine: CacheEngineType.REDIS });
    const group = new UserGroup(stack, 'Users', { userGroupId: 'app-users', engine: CacheEngineType.REDIS, users: [app1] });

    const template = Template.fromStack(stack);
    const generated = group.node.findChild('DefaultUser') as User;
    template.hasResourceProperties(USER, {
      UserName: 'default',
      UserId: Match.stringLikeRegexp('^teststack-users-defaultuser-'),
      Engine: 'redis',
      AccessString: 'off -@all',
      AuthenticationMode: { Type: 'no-password-required' },
    });
    template.hasResourceProperties(GROUP, { UserGroupId: 'app-users', Engine: 'redis', UserIds: [ref(app1), ref(generated)] });
    expect(generated.authenticationType).toBe(UserAuthenticationType.NO_PASSWORD);
  });

  test('a REDIS group given a default user creates none, and adding one later replaces the generated one', () => {
    const givenDefault = new User(stack, 'MyDefault', { userId: 'my-default', userName: 'default', engine: CacheEngineType.REDIS, accessString: 'on ~public:* +@read' });
    new UserGroup(stack, 'Given', { engine: CacheEngineType.REDIS, users: [givenDefault] });
    const later = new UserGroup(stack, 'Later', { engine: CacheEngineType.REDIS });
    const laterDefault = new User(stack, 'LaterDefault', { userId: 'later-default', userName: 'default', engine: CacheEngineType.REDIS });
    later.addUser(laterDefault);

    const template = Template.fromStack(stack);
    template.resourceCountIs(USER, 2);
    template.hasResourceProperties(GROUP, { UserIds: [ref(givenDefault)] });
    template.hasResourceProperties(GROUP, { UserIds: [ref(laterDefault)] });
    expect(later.node.tryFindChild('DefaultUser')).toBeUndefined();
    expect(later.users).toEqual([laterDefault]);
  });

  test('an imported group goes to a replication group by id (no lookup of a Resource child)', () => {
    const vpc = testVpc(stack);
    const group = UserGroup.fromUserGroupAttributes(stack, 'Imported', { userGroupId: 'existing-users', engine: CacheEngineType.VALKEY });
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, auth: CacheAuth.userGroup(group) });
    Template.fromStack(stack).hasResourceProperties(RG, { UserGroupIds: ['existing-users'], AuthToken: Match.absent() });
    expect(cache.userGroup).toBe(group);
    expect(stack.resolve(group.userGroupArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:us-east-1:123456789012:usergroup:existing-users']],
    });
    expect(UserGroup.fromUserGroupId(stack, 'ById', 'other').engine).toBeUndefined();
    expect(UserGroup.isUserGroup(group)).toBe(false);
    expect(UserGroup.isUserGroup(new UserGroup(stack, 'New'))).toBe(true);
  });

  describe('validation errors', () => {
    test.each([
      { testDescription: 'an upper-case id', userGroupId: 'AppUsers', errorMessage: "userGroupId must start with a lower-case letter and contain only lower-case letters, digits and hyphens, got 'AppUsers': use 'appusers'" },
      { testDescription: 'an id longer than 40 characters', userGroupId: 'g'.repeat(41), errorMessage: `userGroupId must be 1 to 40 characters long, got 41 ('${'g'.repeat(41)}')` },
      { testDescription: 'an id with two hyphens in a row', userGroupId: 'app--users', errorMessage: "userGroupId cannot end with a hyphen or contain two consecutive hyphens, got 'app--users'" },
      { testDescription: 'an id ending with a hyphen', userGroupId: 'app-', errorMessage: "userGroupId cannot end with a hyphen or contain two consecutive hyphens, got 'app-'" },
    ])('$testDescription', ({ userGroupId, errorMessage }) => {
      expect(() => new UserGroup(stack, 'Users', { userGroupId })).toThrow(errorMessage);
    });

    test('a VALKEY group refuses a no-password user, also when added later', () => {
      const group = new UserGroup(stack, 'Users');
      group.addUser(new User(stack, 'Legacy', { userId: 'legacy', engine: CacheEngineType.REDIS, authentication: UserAuthentication.noPassword() }));
      expect(() => app.synth()).toThrow(
        'The VALKEY user group TestStack/Users may contain only password and IAM users, got the no-password user TestStack/Legacy: ' +
        'use UserAuthentication.password() or UserAuthentication.iam(), or a REDIS user group');
    });

    test('two users with the same name', () => {
      const group = new UserGroup(stack, 'Users', { users: [new User(stack, 'A', { userId: 'a', userName: 'app' })] });
      group.addUser(new User(stack, 'B', { userId: 'b', userName: 'app' }));
      expect(() => app.synth()).toThrow("The users of a user group must have distinct names: TestStack/A and TestStack/B in TestStack/Users are both named 'app'");
    });

    test('the same user twice', () => {
      const user = new User(stack, 'A', { userId: 'a' });
      const group = new UserGroup(stack, 'Users', { users: [user] });
      expect(() => group.addUser(user)).toThrow('The user TestStack/A is already in the user group TestStack/Users');
    });
  });

  describe('on a replication group', () => {
    let vpc: ec2.Vpc;
    beforeEach(() => {
      vpc = testVpc(stack);
    });

    test('a Redis OSS cache refuses a VALKEY group', () => {
      const group = new UserGroup(stack, 'Users');
      expect(() => new ReplicationGroup(stack, 'Cache', { vpc, engine: CacheEngine.REDIS_7_1, auth: CacheAuth.userGroup(group) })).toThrow(
        'Redis OSS caches accept only REDIS user groups, but TestStack/Users is a VALKEY group: create the UserGroup with engine: CacheEngineType.REDIS, or use a Valkey engine');
    });

    test('a Redis OSS cache takes a REDIS group; a Valkey cache takes both', () => {
      const redisGroup = new UserGroup(stack, 'RedisUsers', { engine: CacheEngineType.REDIS });
      new ReplicationGroup(stack, 'Redis', { vpc, engine: CacheEngine.REDIS_7_1, auth: CacheAuth.userGroup(redisGroup) });
      new ReplicationGroup(stack, 'Valkey', { vpc, auth: CacheAuth.userGroup(redisGroup) });
      Template.fromStack(stack).resourcePropertiesCountIs(RG, { UserGroupIds: [ref(redisGroup)] }, 2);
    });

    test('an IAM user needs Redis OSS 7.0 or later', () => {
      const group = new UserGroup(stack, 'Users', { engine: CacheEngineType.REDIS });
      new ReplicationGroup(stack, 'Cache', { vpc, engine: CacheEngine.REDIS_6_2, auth: CacheAuth.userGroup(group) });
      group.addUser(new User(stack, 'Reporter', { userId: 'reporter', engine: CacheEngineType.REDIS, authentication: UserAuthentication.iam() }));
      expect(() => app.synth()).toThrow(
        'The IAM user TestStack/Reporter in TestStack/Users needs Valkey 7.2+ or Redis OSS 7.0+ on the cache TestStack/Cache, got redis 6.2: upgrade the engine or use a password user');
    });

    test('RBAC needs Redis OSS 6.0 or later and in-transit encryption', () => {
      const group = new UserGroup(stack, 'Users', { engine: CacheEngineType.REDIS });
      expect(() => new ReplicationGroup(stack, 'Old', { vpc, engine: CacheEngine.redis('5.0.6'), auth: CacheAuth.userGroup(group) })).toThrow(
        'CacheAuth.userGroup (role-based access control) needs Valkey 7.2+ or Redis OSS 6.0+, got redis 5.0.6: upgrade the engine or use CacheAuth.token()');
      expect(() => new ReplicationGroup(stack, 'Plain', { vpc, transitEncryption: false, auth: CacheAuth.userGroup(group) })).toThrow(
        'CacheAuth.userGroup (role-based access control) requires in-transit encryption: set transitEncryption to true');
    });
  });
});
