import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { testStack } from './util';
import { CacheEngineType, User, UserAuthentication, UserAuthenticationType, UserProps } from '../src';

const USER = 'AWS::ElastiCache::User';
const SECRET = 'AWS::SecretsManager::Secret';

describe('User', () => {
  let app: App;
  let stack: Stack;

  beforeEach(() => {
    app = new App();
    stack = testStack('TestStack', app);
  });

  describe('defaults', () => {
    test('a password user with a generated JSON secret, a lower-case id and an access string clients can use', () => {
      // WHEN
      const user = new User(stack, 'App');

      // THEN
      const template = Template.fromStack(stack);
      const [[, resource]] = Object.entries(template.findResources(USER));
      const userId = resource.Properties.UserId as string;
      const secretId = stack.getLogicalId(user.node.findChild('Secret').node.defaultChild as CfnElement);
      expect(userId).toMatch(/^[a-z][a-z0-9-]{0,39}$/);
      expect(userId).toMatch(/^teststack-app-/);
      expect(resource.Properties).toEqual({
        UserId: userId,
        UserName: userId,
        Engine: 'valkey',
        AccessString: 'on ~* &* +@all -@dangerous +info',
        AuthenticationMode: {
          Type: 'password',
          Passwords: [{
            'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:password::}}']],
          }],
        },
      });
      template.hasResource(SECRET, {
        Properties: {
          GenerateSecretString: {
            SecretStringTemplate: JSON.stringify({ username: userId }),
            GenerateStringKey: 'password',
            PasswordLength: 64,
            ExcludePunctuation: true,
            IncludeSpace: false,
            RequireEachIncludedType: true,
          },
        },
        DeletionPolicy: 'Delete',
      });
      expect(user.engine).toBe(CacheEngineType.VALKEY);
      expect(user.authenticationType).toBe(UserAuthenticationType.PASSWORD);
      expect(user.secret).toBeDefined();
      expect(user.accessString).toBe(User.DEFAULT_ACCESS_STRING);
      const logicalId = stack.getLogicalId(user.node.defaultChild as CfnElement);
      expect(stack.resolve(user.userId)).toEqual({ Ref: logicalId });
      expect(stack.resolve(user.userArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'Arn'] });
    });

    test('an explicit id, name, engine and access string are used as given', () => {
      new User(stack, 'App', { userId: 'app-1', userName: 'app', engine: CacheEngineType.REDIS, accessString: 'on ~app:* +@read' });
      Template.fromStack(stack).hasResourceProperties(USER, {
        UserId: 'app-1', UserName: 'app', Engine: 'redis', AccessString: 'on ~app:* +@read',
      });
    });
  });

  describe('authentication', () => {
    test('an existing secret is referenced by its password field; no secret is created', () => {
      const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf');
      const user = new User(stack, 'App', { userId: 'app', authentication: UserAuthentication.password({ secret }) });
      const template = Template.fromStack(stack);
      template.resourceCountIs(SECRET, 0);
      template.hasResourceProperties(USER, {
        AuthenticationMode: {
          Type: 'password',
          Passwords: ['{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf:SecretString:password::}}'],
        },
      });
      expect(user.secret).toBe(secret);
    });

    test('the generated secret takes a name and a customer managed key', () => {
      const key = new kms.Key(stack, 'Key');
      new User(stack, 'App', { authentication: UserAuthentication.password({ secretName: 'cache/app', encryptionKey: key }) });
      Template.fromStack(stack).hasResourceProperties(SECRET, {
        Name: 'cache/app',
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      });
    });

    test('an IAM user has no password and its name is its id', () => {
      const user = new User(stack, 'Reporter', { userId: 'reporter', authentication: UserAuthentication.iam() });
      const template = Template.fromStack(stack);
      template.hasResourceProperties(USER, { UserId: 'reporter', UserName: 'reporter', AuthenticationMode: { Type: 'iam' } });
      template.resourceCountIs(SECRET, 0);
      expect(user.secret).toBeUndefined();
      expect(user.authenticationType).toBe(UserAuthenticationType.IAM);
    });

    test('a no-password user', () => {
      new User(stack, 'Legacy', { userId: 'legacy', engine: CacheEngineType.REDIS, authentication: UserAuthentication.noPassword() });
      Template.fromStack(stack).hasResourceProperties(USER, { AuthenticationMode: { Type: 'no-password-required' } });
    });

    test('a user named default may be off', () => {
      new User(stack, 'Default', { userId: 'app-default', userName: 'default', engine: CacheEngineType.REDIS, authentication: UserAuthentication.noPassword(), accessString: 'off -@all' });
      Template.fromStack(stack).hasResourceProperties(USER, { UserName: 'default', AccessString: 'off -@all' });
    });
  });

  describe('grants', () => {
    test('grantConnect allows elasticache:Connect on the user only; grantReadPassword reads its secret', () => {
      const user = new User(stack, 'App', { userId: 'app' });
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      user.grantConnect(role);
      user.grantReadPassword(role);
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            { Action: 'elasticache:Connect', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^App'), 'Arn'] } },
            { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^AppSecret') } },
          ],
        },
      });
    });

    test('grantReadPassword on an IAM user says why it cannot', () => {
      const user = new User(stack, 'Reporter', { userId: 'reporter', authentication: UserAuthentication.iam() });
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      expect(() => user.grantReadPassword(role)).toThrow('The user TestStack/Reporter has no password secret (it uses iam authentication)');
    });
  });

  describe('import', () => {
    test('fromUserAttributes formats the ARN and keeps what it is told', () => {
      const user = User.fromUserAttributes(stack, 'Imported', { userId: 'app', userName: 'app-name', authenticationType: UserAuthenticationType.IAM, engine: CacheEngineType.VALKEY });
      expect(stack.resolve(user.userArn)).toEqual({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:us-east-1:123456789012:user:app']],
      });
      expect(user.userName).toBe('app-name');
      expect(user.authenticationType).toBe(UserAuthenticationType.IAM);
      expect(User.fromUserId(stack, 'ById', 'other').userName).toBe('other');
    });

    test('the built-in default user can be imported', () => {
      expect(User.fromUserId(stack, 'Default', 'default').userId).toBe('default');
    });

    test('an imported password user without secret cannot grant its password', () => {
      const user = User.fromUserId(stack, 'Imported', 'app');
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      expect(() => user.grantReadPassword(role)).toThrow('The user TestStack/Imported has no password secret: import it with secret');
    });

    test('isUser', () => {
      expect(User.isUser(new User(stack, 'App'))).toBe(true);
      expect(User.isUser(User.fromUserId(stack, 'Imported', 'app'))).toBe(false);
      expect(User.isUser({})).toBe(false);
    });
  });

  describe('validation errors', () => {
    test.each<{ testDescription: string; props: UserProps; errorMessage: string }>([
      {
        testDescription: 'an upper-case user id',
        props: { userId: 'MyUser' },
        errorMessage: "userId must start with a lower-case letter and contain only lower-case letters, digits and hyphens, got 'MyUser': use 'myuser'",
      },
      {
        testDescription: 'a user id starting with a digit',
        props: { userId: '1user' },
        errorMessage: "userId must start with a lower-case letter and contain only lower-case letters, digits and hyphens, got '1user'",
      },
      {
        testDescription: 'a user id longer than 40 characters',
        props: { userId: 'a'.repeat(41) },
        errorMessage: `userId must be 1 to 40 characters long, got 41 ('${'a'.repeat(41)}')`,
      },
      {
        testDescription: 'the built-in default id',
        props: { userId: 'default' },
        errorMessage: "userId 'default' is ElastiCache's built-in user: choose another id (a user may still be named 'default' with userName), or reference the built-in user with User.fromUserAttributes",
      },
      {
        testDescription: 'a user name with a space',
        props: { userName: 'my app' },
        errorMessage: "userName must not contain whitespace, got 'my app'",
      },
      {
        testDescription: 'a user name longer than 120 characters',
        props: { userName: 'u'.repeat(121) },
        errorMessage: 'userName must be 1 to 120 characters long, got 121',
      },
      {
        testDescription: 'an IAM user whose name is not its id',
        props: { userId: 'reporter', userName: 'report', authentication: UserAuthentication.iam() },
        errorMessage: "userName must equal userId for IAM authentication, got userName 'report' and userId 'reporter': remove userName or make them equal",
      },
      {
        testDescription: 'an access string without on',
        props: { accessString: '~* +@all' },
        errorMessage: "accessString must contain 'on' to enable the user, got '~* +@all'",
      },
      {
        testDescription: 'an access string that switches a user other than default off',
        props: { userName: 'app', accessString: 'off ~* +@all' },
        errorMessage: "accessString must contain 'on' to enable the user, got 'off ~* +@all': only a user named 'default' may be 'off'",
      },
      {
        testDescription: 'an access string with a password',
        props: { accessString: 'on >secret123 ~* +@all' },
        errorMessage: "accessString must not contain passwords or password rules ('>secret123'), got 'on >secret123 ~* +@all': set passwords with authentication",
      },
      {
        testDescription: 'an access string with nopass',
        props: { accessString: 'on nopass ~* +@all' },
        errorMessage: "accessString must not contain passwords or password rules ('nopass'), got 'on nopass ~* +@all': set passwords with authentication",
      },
      {
        testDescription: 'an access string with reset',
        props: { accessString: 'reset on ~* +@all' },
        errorMessage: "accessString must not contain 'reset', got 'reset on ~* +@all': ElastiCache starts every user from a reset state",
      },
      {
        testDescription: 'a blank access string',
        props: { accessString: '  ' },
        errorMessage: "accessString must not be empty: give ACL rules such as 'on ~app:* +@read'",
      },
    ])('$testDescription', ({ props, errorMessage }) => {
      expect(() => new User(stack, 'User', props)).toThrow(errorMessage);
    });

    test('an imported user id is checked too', () => {
      expect(() => User.fromUserId(stack, 'Imported', 'App')).toThrow("userId must start with a lower-case letter and contain only lower-case letters, digits and hyphens, got 'App': use 'app'");
    });
  });
});
