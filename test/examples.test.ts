import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SessionCacheStack } from '../examples/session-cache/app';

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
