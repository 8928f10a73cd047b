import { App, Duration, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { testStack, testVpc } from './util';
import {
  CacheAuth, CacheEngine, CacheNodeType, CacheParameterGroup, CacheSubnetGroup, ClusterMode, NetworkType,
  ReplicationGroup, ReplicationGroupProps, TransitEncryptionMode,
} from '../src';

const RG = 'AWS::ElastiCache::ReplicationGroup';

describe('ReplicationGroup', () => {
  let app: App;
  let stack: Stack;
  let vpc: ec2.Vpc;

  beforeEach(() => {
    app = new App();
    stack = testStack('TestStack', app);
    vpc = testVpc(stack);
  });

  describe('defaults', () => {
    test('a group with only a VPC is a secure Multi-AZ Valkey group of 2 nodes', () => {
      // WHEN
      const cache = new ReplicationGroup(stack, 'Cache', { vpc });

      // THEN
      const template = Template.fromStack(stack);
      template.resourceCountIs(RG, 1);
      template.hasResource(RG, {
        Properties: {
          Engine: 'valkey',
          EngineVersion: '8.1',
          CacheNodeType: 'cache.t4g.micro',
          NumCacheClusters: 2,
          NumNodeGroups: Match.absent(),
          AutomaticFailoverEnabled: true,
          MultiAZEnabled: true,
          TransitEncryptionEnabled: true,
          TransitEncryptionMode: 'required',
          AtRestEncryptionEnabled: true,
          KmsKeyId: Match.absent(),
          AuthToken: {
            'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: Match.stringLikeRegexp('^CacheAuthToken') }, ':SecretString:::}}']],
          },
          Port: 6379,
          CacheParameterGroupName: 'default.valkey8',
          CacheSubnetGroupName: { Ref: Match.stringLikeRegexp('^CacheSubnetGroup') },
          SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheSecurityGroup'), 'GroupId'] }],
          SnapshotRetentionLimit: 15,
          SnapshotWindow: '03:00-04:00',
          PreferredMaintenanceWindow: 'sun:05:00-sun:06:00',
          AutoMinorVersionUpgrade: true,
          DataTieringEnabled: Match.absent(),
          NetworkType: Match.absent(),
          ReplicationGroupId: Match.absent(),
        },
        DependsOn: [Match.stringLikeRegexp('^CacheSubnetGroup')],
        DeletionPolicy: 'Snapshot',
        UpdateReplacePolicy: 'Snapshot',
        UpdatePolicy: Match.absent(),
      });
      expect(cache.clusterMode.nodes).toBe(2);
      expect(cache.authSecret).toBeDefined();
      expect(cache.parameterGroupName).toBe('default.valkey8');
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    });

    test('the subnet group covers the private subnets under a lower-case name', () => {
      new ReplicationGroup(stack, 'Cache', { vpc });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::ElastiCache::SubnetGroup', {
        CacheSubnetGroupName: Match.stringLikeRegexp('^teststack-cache-subnetgroup-[0-9a-f]{8}$'),
        SubnetIds: vpc.privateSubnets.map((s) => ({ Ref: stack.getLogicalId(s.node.defaultChild as ec2.CfnSubnet) })),
      });
    });

    test('the security group allows no ingress and no egress', () => {
      new ReplicationGroup(stack, 'Cache', { vpc });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: 'ElastiCache replication group TestStack/Cache',
        SecurityGroupIngress: Match.absent(),
        SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })],
      });
    });

    test('the AUTH token is generated with letters and digits only', () => {
      new ReplicationGroup(stack, 'Cache', { vpc });
      Template.fromStack(stack).hasResource('AWS::SecretsManager::Secret', {
        Properties: {
          GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false, RequireEachIncludedType: true },
          KmsKeyId: Match.absent(),
        },
        DeletionPolicy: 'Delete',
      });
    });

    test('connections default to the cache port and let a peer in on it only', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc, port: 6380 });
      const client = new ec2.SecurityGroup(stack, 'Client', { vpc });
      cache.connections.allowDefaultPortFrom(client);
      Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        IpProtocol: 'tcp',
        FromPort: 6380,
        ToPort: 6380,
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Client'), 'GroupId'] },
      });
    });
  });

  describe('cluster mode', () => {
    test('3 shards with 2 replicas each are 3 node groups of 3 nodes, resharded online', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.enabled({ shards: 3, replicasPerShard: 2 }) });
      Template.fromStack(stack).hasResource(RG, {
        Properties: {
          NumNodeGroups: 3,
          ReplicasPerNodeGroup: 2,
          NumCacheClusters: Match.absent(),
          AutomaticFailoverEnabled: true,
          MultiAZEnabled: true,
          CacheParameterGroupName: 'default.valkey8.cluster.on',
        },
        UpdatePolicy: { UseOnlineResharding: true },
      });
      expect(cache.clusterMode.nodes).toBe(9);
      expect(cache.clusterMode.clusterEnabled).toBe(true);
    });

    test('defaults to 3 shards with 1 replica', () => {
      new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.enabled() });
      Template.fromStack(stack).hasResourceProperties(RG, { NumNodeGroups: 3, ReplicasPerNodeGroup: 1 });
    });

    test('parameters create a cluster-enabled parameter group of the engine family', () => {
      const cache = new ReplicationGroup(stack, 'Cache', {
        vpc,
        clusterMode: ClusterMode.enabled(),
        parameters: { 'maxmemory-policy': 'allkeys-lru' },
      });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
        CacheParameterGroupFamily: 'valkey8',
        Properties: { 'maxmemory-policy': 'allkeys-lru', 'cluster-enabled': 'yes' },
      });
      template.hasResource(RG, {
        Properties: { CacheParameterGroupName: { Ref: Match.stringLikeRegexp('^CacheParameters') } },
        DependsOn: Match.arrayWith([Match.stringLikeRegexp('^CacheParameters')]),
      });
      expect(cache.parameterGroup?.clusterEnabled).toBe(true);
    });

    test('a warning names the node quota above 90 nodes', () => {
      new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.enabled({ shards: 46, replicasPerShard: 1 }) });
      Annotations.fromStack(stack).hasWarning('/TestStack/Cache',
        Match.stringLikeRegexp('92 nodes, above ElastiCache\'s default quota of 90'));
    });

    test('90 nodes give no warning', () => {
      new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.enabled({ shards: 45, replicasPerShard: 1 }) });
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    });
  });

  describe('endpoints', () => {
    test('cluster mode disabled has primary and reader endpoints with number ports', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc });
      expect(stack.resolve(cache.primaryEndpoint.hostname)).toEqual({ 'Fn::GetAtt': ['Cache18F6EE16', 'PrimaryEndPoint.Address'] });
      expect(stack.resolve(cache.primaryEndpoint.port)).toEqual({ 'Fn::GetAtt': ['Cache18F6EE16', 'PrimaryEndPoint.Port'] });
      expect(typeof cache.primaryEndpoint.port).toBe('number');
      expect(stack.resolve(cache.readerEndpoint.hostname)).toEqual({ 'Fn::GetAtt': ['Cache18F6EE16', 'ReaderEndPoint.Address'] });
      expect(stack.resolve(cache.primaryEndpoint.socketAddress)).toEqual({
        'Fn::Join': ['', [{ 'Fn::GetAtt': ['Cache18F6EE16', 'PrimaryEndPoint.Address'] }, ':', { 'Fn::GetAtt': ['Cache18F6EE16', 'PrimaryEndPoint.Port'] }]],
      });
      expect(() => cache.configurationEndpoint).toThrow('configurationEndpoint is only available with cluster mode enabled (TestStack/Cache): use primaryEndpoint and readerEndpoint');
    });

    test('cluster mode enabled has only the configuration endpoint', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.enabled() });
      expect(stack.resolve(cache.configurationEndpoint.hostname)).toEqual({ 'Fn::GetAtt': ['Cache18F6EE16', 'ConfigurationEndPoint.Address'] });
      expect(stack.resolve(cache.configurationEndpoint.port)).toEqual({ 'Fn::GetAtt': ['Cache18F6EE16', 'ConfigurationEndPoint.Port'] });
      expect(() => cache.primaryEndpoint).toThrow('primaryEndpoint is not available with cluster mode enabled (TestStack/Cache): use configurationEndpoint');
      expect(() => cache.readerEndpoint).toThrow(/readerEndpoint is not available with cluster mode enabled .*: use configurationEndpoint/);
    });
  });

  describe('options', () => {
    test('Redis OSS 7.1 uses the redis7 default group', () => {
      new ReplicationGroup(stack, 'Cache', { vpc, engine: CacheEngine.REDIS_7_1 });
      Template.fromStack(stack).hasResourceProperties(RG, { Engine: 'redis', EngineVersion: '7.1', CacheParameterGroupName: 'default.redis7' });
    });

    test('a customer managed key encrypts the data and the token secret', () => {
      const key = new kms.Key(stack, 'Key');
      new ReplicationGroup(stack, 'Cache', { vpc, kmsKey: key });
      const template = Template.fromStack(stack);
      const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };
      template.hasResourceProperties(RG, { KmsKeyId: keyArn, AtRestEncryptionEnabled: true });
      template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: keyArn });
    });

    test('RETAIN keeps the group and its token secret', () => {
      new ReplicationGroup(stack, 'Cache', { vpc, removalPolicy: RemovalPolicy.RETAIN });
      const template = Template.fromStack(stack);
      template.hasResource(RG, { DeletionPolicy: 'Retain' });
      template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
    });

    test('r6gd nodes turn data tiering on', () => {
      new ReplicationGroup(stack, 'Cache', { vpc, nodeType: CacheNodeType.R6GD_XLARGE });
      Template.fromStack(stack).hasResourceProperties(RG, { CacheNodeType: 'cache.r6gd.xlarge', DataTieringEnabled: true });
    });

    test('no replicas means a single node without failover or Multi-AZ', () => {
      new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.disabled({ replicas: 0 }) });
      Template.fromStack(stack).hasResourceProperties(RG, { NumCacheClusters: 1, AutomaticFailoverEnabled: false, MultiAZEnabled: false });
    });

    test('no auth and no TLS leave out the token and the TLS mode', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc, auth: CacheAuth.none(), transitEncryption: false });
      const template = Template.fromStack(stack);
      template.hasResourceProperties(RG, { TransitEncryptionEnabled: false, TransitEncryptionMode: Match.absent(), AuthToken: Match.absent() });
      template.resourceCountIs('AWS::SecretsManager::Secret', 0);
      expect(cache.authSecret).toBeUndefined();
    });

    test('an existing secret is used for the token', () => {
      const secret = new secretsmanager.Secret(stack, 'Token');
      const cache = new ReplicationGroup(stack, 'Cache', { vpc, auth: CacheAuth.token({ secret }) });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::SecretsManager::Secret', 1);
      template.hasResourceProperties(RG, {
        AuthToken: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: Match.stringLikeRegexp('^Token') }, ':SecretString:::}}']] },
      });
      expect(cache.authSecret).toBe(secret);
    });

    test('a token from a SecretValue goes into the template as given', () => {
      new ReplicationGroup(stack, 'Cache', { vpc, auth: CacheAuth.tokenFromSecretValue(SecretValue.ssmSecure('/cache/token')) });
      Template.fromStack(stack).hasResourceProperties(RG, { AuthToken: '{{resolve:ssm-secure:/cache/token}}' });
    });

    test('explicit settings reach the L1', () => {
      const topic = new sns.Topic(stack, 'Topic');
      new ReplicationGroup(stack, 'Cache', {
        vpc,
        replicationGroupId: 'sessions-prod',
        description: 'Sessions',
        port: 6390,
        transitEncryptionMode: TransitEncryptionMode.PREFERRED,
        snapshotRetention: Duration.days(35),
        snapshotWindow: '22:30-23:30',
        preferredMaintenanceWindow: 'sat:23:30-sun:00:30',
        autoMinorVersionUpgrade: false,
        networkType: NetworkType.DUAL_STACK,
        preferredCacheClusterAzs: ['us-east-1a', 'us-east-1b'],
        snapshotName: 'nightly-2026-01-01',
        notificationTopic: topic,
      });
      Template.fromStack(stack).hasResourceProperties(RG, {
        ReplicationGroupId: 'sessions-prod',
        ReplicationGroupDescription: 'Sessions',
        Port: 6390,
        TransitEncryptionMode: 'preferred',
        SnapshotRetentionLimit: 35,
        SnapshotWindow: '22:30-23:30',
        PreferredMaintenanceWindow: 'sat:23:30-sun:00:30',
        AutoMinorVersionUpgrade: false,
        NetworkType: 'dual_stack',
        PreferredCacheClusterAZs: ['us-east-1a', 'us-east-1b'],
        SnapshotName: 'nightly-2026-01-01',
        NotificationTopicArn: { Ref: Match.stringLikeRegexp('^Topic') },
      });
    });

    test('an existing subnet group is referenced and depended on', () => {
      const subnetGroup = new CacheSubnetGroup(stack, 'Subnets', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
      new ReplicationGroup(stack, 'Cache', { vpc, subnetGroup });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::ElastiCache::SubnetGroup', 1);
      template.hasResource(RG, {
        Properties: { CacheSubnetGroupName: { Ref: Match.stringLikeRegexp('^Subnets') } },
        DependsOn: [Match.stringLikeRegexp('^Subnets')],
      });
    });

    test('overlapping snapshot and maintenance windows give a warning', () => {
      new ReplicationGroup(stack, 'Cache', { vpc, snapshotWindow: '05:30-06:30' });
      Annotations.fromStack(stack).hasWarning('/TestStack/Cache',
        Match.stringLikeRegexp("snapshotWindow '05:30-06:30' overlaps preferredMaintenanceWindow 'sun:05:00-sun:06:00'"));
    });
  });

  describe('grants, metrics and imports', () => {
    test('grantConnect allows elasticache:Connect on the group ARN', () => {
      const cache = new ReplicationGroup(stack, 'Cache', { vpc });
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      cache.grantConnect(role);
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [{
            Action: 'elasticache:Connect',
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:us-east-1:123456789012:replicationgroup:', { Ref: 'Cache18F6EE16' }]] },
          }],
        },
      });
    });

    test('an imported group has an ARN, connections and the endpoints it was given', () => {
      const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-12345');
      const imported = ReplicationGroup.fromReplicationGroupAttributes(stack, 'Imported', {
        replicationGroupId: 'sessions',
        port: 6390,
        securityGroups: [sg],
        primaryEndpointAddress: 'master.sessions.abc.use1.cache.amazonaws.com',
      });
      expect(stack.resolve(imported.replicationGroupArn)).toEqual({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:us-east-1:123456789012:replicationgroup:sessions']],
      });
      expect(imported.primaryEndpoint.socketAddress).toBe('master.sessions.abc.use1.cache.amazonaws.com:6390');
      expect(() => imported.readerEndpoint).toThrow('Cannot access readerEndpoint of an imported replication group without readerEndpointAddress');
      expect(() => imported.configurationEndpoint).toThrow('Cannot access configurationEndpoint of an imported replication group without configurationEndpointAddress');
      const peer = new ec2.SecurityGroup(stack, 'Peer', { vpc });
      imported.connections.allowDefaultPortFrom(peer);
      Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: 'sg-12345', FromPort: 6390, ToPort: 6390 });
    });

    test('fromReplicationGroupId imports by id with the default port', () => {
      const imported = ReplicationGroup.fromReplicationGroupId(stack, 'Imported', 'sessions');
      expect(imported.replicationGroupId).toBe('sessions');
      expect(imported.connections.defaultPort?.toString()).toBe('6379');
      expect(ReplicationGroup.isReplicationGroup(imported)).toBe(false);
      expect(ReplicationGroup.isReplicationGroup(new ReplicationGroup(stack, 'Cache', { vpc }))).toBe(true);
      expect(() => ReplicationGroup.fromReplicationGroupId(stack, 'Empty', ' ')).toThrow('replicationGroupId must not be empty');
    });
  });

  describe('validation errors', () => {
    type PropsFn = (stack: Stack, vpc: ec2.Vpc) => Partial<ReplicationGroupProps>;
    test.each<{ testDescription: string; props: PropsFn; errorMessage: string | RegExp }>([
      {
        testDescription: 'cluster mode with 0 replicas',
        props: () => ({ clusterMode: ClusterMode.enabled({ shards: 2, replicasPerShard: 0 }) }),
        errorMessage: 'ClusterMode.enabled replicasPerShard must be at least 1, got 0: cluster mode needs automatic failover, which needs a replica in every shard (set replicasPerShard: 1, or use ClusterMode.disabled({ replicas: 0 }) for a single node)',
      },
      {
        testDescription: '7 nodes with cluster mode disabled',
        props: () => ({ clusterMode: ClusterMode.disabled({ replicas: 6 }) }),
        errorMessage: 'ClusterMode.disabled replicas must be an integer between 0 and 5, got 6',
      },
      {
        testDescription: 'an AUTH token without TLS',
        props: () => ({ transitEncryption: false }),
        errorMessage: 'An AUTH token requires in-transit encryption: set transitEncryption to true, or use auth: CacheAuth.none()',
      },
      {
        testDescription: '600 nodes',
        props: () => ({ clusterMode: ClusterMode.enabled({ shards: 300, replicasPerShard: 1 }) }),
        errorMessage: 'cluster mode enabled allows at most 500 nodes (shards × (replicasPerShard + 1)) on valkey 8.1, got 600 (300 shards × 2 nodes): use fewer shards or replicas',
      },
      {
        testDescription: '501 shards',
        props: () => ({ clusterMode: ClusterMode.enabled({ shards: 501, replicasPerShard: 1 }) }),
        errorMessage: 'ClusterMode.enabled shards must be an integer between 1 and 500, got 501',
      },
      {
        testDescription: '0 shards',
        props: () => ({ clusterMode: ClusterMode.enabled({ shards: 0 }) }),
        errorMessage: 'ClusterMode.enabled shards must be an integer between 1 and 500, got 0',
      },
      {
        testDescription: '6 replicas per shard',
        props: () => ({ clusterMode: ClusterMode.enabled({ replicasPerShard: 6 }) }),
        errorMessage: 'ClusterMode.enabled replicasPerShard must be an integer between 1 and 5, got 6',
      },
      {
        testDescription: 'a fractional replica count',
        props: () => ({ clusterMode: ClusterMode.disabled({ replicas: 1.5 }) }),
        errorMessage: 'ClusterMode.disabled replicas must be an integer between 0 and 5, got 1.5',
      },
      {
        testDescription: 'more than 250 nodes on Redis OSS before 5.0.6',
        props: () => ({ engine: CacheEngine.redis('5.0.5'), transitEncryption: true, clusterMode: ClusterMode.enabled({ shards: 130, replicasPerShard: 1 }) }),
        errorMessage: 'cluster mode enabled allows at most 250 nodes (shards × (replicasPerShard + 1)) on redis 5.0.5, got 260 (130 shards × 2 nodes): use fewer shards or replicas',
      },
      {
        testDescription: 'automatic failover off in cluster mode',
        props: () => ({ clusterMode: ClusterMode.enabled(), automaticFailover: false, multiAz: false }),
        errorMessage: 'automaticFailover must be true with cluster mode enabled, got false',
      },
      {
        testDescription: 'automatic failover without a replica',
        props: () => ({ clusterMode: ClusterMode.disabled({ replicas: 0 }), automaticFailover: true }),
        errorMessage: 'automaticFailover needs at least one replica (numCacheClusters at least 2), got 1 node: add a replica or set automaticFailover: false',
      },
      {
        testDescription: 'Multi-AZ without a replica',
        props: () => ({ clusterMode: ClusterMode.disabled({ replicas: 0 }), multiAz: true }),
        errorMessage: 'multiAz requires automaticFailover and at least one replica: add a replica or set multiAz: false',
      },
      {
        testDescription: 'Multi-AZ without automatic failover',
        props: () => ({ automaticFailover: false, multiAz: true }),
        errorMessage: 'multiAz requires automaticFailover: set automaticFailover: true or set multiAz: false',
      },
      {
        testDescription: 'T1 nodes with the default failover',
        props: () => ({ nodeType: CacheNodeType.T1_MICRO }),
        errorMessage: 'cache.t1.micro does not support Multi-AZ or automatic failover: set multiAz and automaticFailover to false, or choose a current node type',
      },
      {
        testDescription: 'T1 nodes with backups',
        props: () => ({ nodeType: CacheNodeType.T1_MICRO, multiAz: false, automaticFailover: false }),
        errorMessage: 'cache.t1.micro does not support backups: set snapshotRetention to Duration.days(0), or choose a current node type',
      },
      {
        testDescription: 'T1 nodes with a final snapshot',
        props: () => ({ nodeType: CacheNodeType.T1_MICRO, multiAz: false, automaticFailover: false, snapshotRetention: Duration.days(0) }),
        errorMessage: 'cache.t1.micro does not support backups, so removalPolicy cannot be SNAPSHOT: use RemovalPolicy.DESTROY or RETAIN',
      },
      {
        testDescription: 'an AOF on T2 nodes',
        props: () => ({ nodeType: CacheNodeType.T2_SMALL, parameters: { appendonly: 'yes' } }),
        errorMessage: "cache.t2.small does not support append-only files: remove appendonly 'yes' or choose a current node type",
      },
      {
        testDescription: 'an AOF parameter group on T2 nodes',
        props: (s) => ({ nodeType: CacheNodeType.T2_SMALL, parameterGroup: new CacheParameterGroup(s, 'Pg', { engine: CacheEngine.VALKEY_8_1, parameters: { appendonly: 'yes' } }) }),
        errorMessage: "cache.t2.small does not support append-only files: remove appendonly 'yes' or choose a current node type",
      },
      {
        testDescription: '36 days of snapshots',
        props: () => ({ snapshotRetention: Duration.days(36) }),
        errorMessage: 'snapshotRetention must be between 0 and 35 days, got 36 days',
      },
      {
        testDescription: 'a snapshot retention that is not whole days',
        props: () => ({ snapshotRetention: Duration.hours(36) }),
        errorMessage: 'snapshotRetention must be a whole number of days, got 1 day 12 hours',
      },
      {
        testDescription: 'a malformed snapshot window',
        props: () => ({ snapshotWindow: '3:00-4:00' }),
        errorMessage: "snapshotWindow must have the format hh24:mi-hh24:mi (UTC), e.g. '03:00-04:00', got '3:00-4:00'",
      },
      {
        testDescription: 'a 30-minute snapshot window',
        props: () => ({ snapshotWindow: '03:00-03:30' }),
        errorMessage: "snapshotWindow must be at least 60 minutes long, got 30 minutes ('03:00-03:30')",
      },
      {
        testDescription: 'a maintenance window with an unknown day',
        props: () => ({ preferredMaintenanceWindow: 'sun:05:00-xyz:06:00' }),
        errorMessage: "preferredMaintenanceWindow must have the format ddd:hh24:mi-ddd:hh24:mi (UTC) with ddd one of sun, mon, tue, wed, thu, fri, sat, e.g. 'sun:05:00-sun:06:00', got 'sun:05:00-xyz:06:00'",
      },
      {
        testDescription: 'a 59-minute maintenance window',
        props: () => ({ preferredMaintenanceWindow: 'mon:23:30-tue:00:29' }),
        errorMessage: "preferredMaintenanceWindow must be at least 60 minutes long, got 59 minutes ('mon:23:30-tue:00:29')",
      },
      {
        testDescription: 'an upper-case replication group id',
        props: () => ({ replicationGroupId: 'Sessions' }),
        errorMessage: "replicationGroupId must be lower case (ElastiCache stores it lower-case), got 'Sessions': use 'sessions'",
      },
      {
        testDescription: 'a 41-character replication group id',
        props: () => ({ replicationGroupId: 'a'.repeat(41) }),
        errorMessage: `replicationGroupId must be 1 to 40 characters long, got 41 ('${'a'.repeat(41)}')`,
      },
      {
        testDescription: 'a replication group id starting with a digit',
        props: () => ({ replicationGroupId: '1cache' }),
        errorMessage: "replicationGroupId must start with a letter, got '1cache'",
      },
      {
        testDescription: 'a replication group id with two hyphens',
        props: () => ({ replicationGroupId: 'my--cache' }),
        errorMessage: "replicationGroupId cannot end with a hyphen or contain two consecutive hyphens, got 'my--cache'",
      },
      {
        testDescription: 'a replication group id ending in a hyphen',
        props: () => ({ replicationGroupId: 'cache-' }),
        errorMessage: "replicationGroupId cannot end with a hyphen or contain two consecutive hyphens, got 'cache-'",
      },
      {
        testDescription: 'a replication group id with an underscore',
        props: () => ({ replicationGroupId: 'my_cache' }),
        errorMessage: "replicationGroupId may contain only letters, digits and hyphens, got 'my_cache'",
      },
      {
        testDescription: 'port 0',
        props: () => ({ port: 0 }),
        errorMessage: 'port must be an integer between 1 and 65535, got 0',
      },
      {
        testDescription: 'port 70000',
        props: () => ({ port: 70000 }),
        errorMessage: 'port must be an integer between 1 and 65535, got 70000',
      },
      {
        testDescription: 'a KMS key without encryption at rest',
        props: (s) => ({ atRestEncryption: false, kmsKey: new kms.Key(s, 'Key') }),
        errorMessage: 'kmsKey requires atRestEncryption: remove kmsKey or set atRestEncryption: true',
      },
      {
        testDescription: 'a TLS mode without TLS',
        props: () => ({ transitEncryption: false, auth: CacheAuth.none(), transitEncryptionMode: TransitEncryptionMode.PREFERRED }),
        errorMessage: 'transitEncryptionMode requires transitEncryption: remove transitEncryptionMode or set transitEncryption: true',
      },
      {
        testDescription: 'TLS on an engine without it',
        props: () => ({ engine: CacheEngine.redis('3.2.4') }),
        errorMessage: 'redis 3.2.4 does not support in-transit encryption (Redis OSS 3.2.6 and 4.0.10 onward do): set transitEncryption: false or choose a newer engine',
      },
      {
        testDescription: 'data tiering on r6g nodes',
        props: () => ({ nodeType: CacheNodeType.R6G_LARGE, dataTiering: true }),
        errorMessage: 'dataTiering is only available on r6gd node types, got cache.r6g.large: choose e.g. CacheNodeType.R6GD_XLARGE or set dataTiering: false',
      },
      {
        testDescription: 'data tiering off on r6gd nodes',
        props: () => ({ nodeType: CacheNodeType.R6GD_XLARGE, dataTiering: false }),
        errorMessage: 'dataTiering must be true on cache.r6gd.xlarge (r6gd nodes always tier data to SSD): remove dataTiering: false or choose another node type',
      },
      {
        testDescription: 'data tiering on Redis OSS 6.0',
        props: () => ({ nodeType: CacheNodeType.R6GD_XLARGE, engine: CacheEngine.redis('6.0') }),
        errorMessage: 'dataTiering needs Valkey 7.2+ or Redis OSS 6.2+, got redis 6.0',
      },
      {
        testDescription: 'IPv6 on Redis OSS 6.0',
        props: () => ({ engine: CacheEngine.redis('6.0'), networkType: NetworkType.IPV6 }),
        errorMessage: 'networkType ipv6 needs Valkey 7.2+ or Redis OSS 6.2+, got redis 6.0',
      },
      {
        testDescription: 'dual stack on a non-Nitro node type',
        props: () => ({ nodeType: CacheNodeType.T2_MICRO, networkType: NetworkType.DUAL_STACK }),
        errorMessage: 'networkType dual_stack needs a Nitro node type, got cache.t2.micro',
      },
      {
        testDescription: 'one AZ for two nodes',
        props: () => ({ preferredCacheClusterAzs: ['us-east-1a'] }),
        errorMessage: 'preferredCacheClusterAzs must list one Availability Zone per node (2), got 1',
      },
      {
        testDescription: 'preferred AZs in cluster mode',
        props: () => ({ clusterMode: ClusterMode.enabled(), preferredCacheClusterAzs: ['us-east-1a', 'us-east-1b'] }),
        errorMessage: /preferredCacheClusterAzs applies only to cluster mode disabled/,
      },
      {
        testDescription: 'a snapshot name and snapshot ARNs',
        props: () => ({ snapshotName: 'nightly', snapshotArns: ['arn:aws:s3:::bucket/dump.rdb'] }),
        errorMessage: 'Provide either snapshotName or snapshotArns, but not both',
      },
      {
        testDescription: 'a snapshot name with an underscore',
        props: () => ({ snapshotName: 'nightly_1' }),
        errorMessage: "snapshotName must start with a letter and contain only letters, digits and hyphens, with no trailing hyphen and no '--', got 'nightly_1'",
      },
      {
        testDescription: 'a snapshot ARN that is not an S3 ARN',
        props: () => ({ snapshotArns: ['s3://bucket/dump.rdb'] }),
        errorMessage: "snapshotArns must be S3 object ARNs (arn:aws:s3:::bucket/key.rdb), got 's3://bucket/dump.rdb'",
      },
      {
        testDescription: 'a parameter group and parameters',
        props: (s) => ({ parameterGroup: CacheParameterGroup.fromCacheParameterGroupName(s, 'Pg', 'default.valkey8'), parameters: { timeout: '0' } }),
        errorMessage: 'Provide either parameterGroup or parameters, but not both',
      },
      {
        testDescription: "cluster-enabled 'no' in cluster mode",
        props: () => ({ clusterMode: ClusterMode.enabled(), parameters: { 'cluster-enabled': 'no' } }),
        errorMessage: "parameters 'cluster-enabled' must be 'yes' with cluster mode enabled, got 'no': remove it, it is set for you",
      },
      {
        testDescription: 'a default group without cluster mode in cluster mode',
        props: (s) => ({ clusterMode: ClusterMode.enabled(), parameterGroup: CacheParameterGroup.fromCacheParameterGroupName(s, 'Pg', 'default.valkey8') }),
        errorMessage: "parameterGroup must have cluster-enabled 'yes' with cluster mode enabled: use default.valkey8.cluster.on or set parameters instead",
      },
      {
        testDescription: 'a cluster-enabled group with cluster mode disabled',
        props: (s) => ({ parameterGroup: CacheParameterGroup.fromCacheParameterGroupName(s, 'Pg', 'default.valkey8.cluster.on') }),
        errorMessage: "parameterGroup has cluster-enabled 'yes', which needs ClusterMode.enabled(): use default.valkey8 or enable cluster mode",
      },
      {
        testDescription: 'a group of another family',
        props: (s) => ({ parameterGroup: CacheParameterGroup.fromCacheParameterGroupName(s, 'Pg', 'default.redis7') }),
        errorMessage: 'parameterGroup is for the redis7 family but valkey 8.1 needs valkey8',
      },
      {
        testDescription: 'an empty security group list',
        props: () => ({ securityGroups: [] }),
        errorMessage: 'securityGroups must contain at least one security group, got an empty list: omit it to create one',
      },
      {
        testDescription: 'a subnet group and vpcSubnets',
        props: (s, v) => ({ subnetGroup: new CacheSubnetGroup(s, 'Subnets', { vpc: v }), vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }),
        errorMessage: 'Provide either subnetGroup or vpcSubnets, but not both',
      },
      {
        testDescription: 'a plain-text token that is too short',
        props: () => ({ auth: CacheAuth.tokenFromSecretValue(SecretValue.unsafePlainText('short')) }),
        errorMessage: 'auth token must be 16 to 128 characters of letters, digits and ! & # $ ^ < > -, got 5 characters',
      },
      {
        testDescription: 'a plain-text token with characters ElastiCache rejects',
        props: () => ({ auth: CacheAuth.tokenFromSecretValue(SecretValue.unsafePlainText('abcdefghijklmnop@%')) }),
        errorMessage: 'auth token must be 16 to 128 characters of letters, digits and ! & # $ ^ < > -, got 18 characters including characters ElastiCache rejects',
      },
    ])('$testDescription', ({ props, errorMessage }) => {
      expect(() => new ReplicationGroup(stack, 'Cache', { vpc, ...props(stack, vpc) })).toThrow(errorMessage);
    });

    test('a VPC without private subnets needs vpcSubnets', () => {
      const publicVpc = new ec2.Vpc(stack, 'Public', { subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }] });
      expect(() => new ReplicationGroup(stack, 'Cache', { vpc: publicVpc }))
        .toThrow('vpc has no private or isolated subnets: pass vpcSubnets to choose the subnets for the cache');
    });

    test('a VPC with only isolated subnets uses them', () => {
      const isolated = new ec2.Vpc(stack, 'Isolated', { subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      new ReplicationGroup(stack, 'Cache', { vpc: isolated });
      Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::SubnetGroup', {
        SubnetIds: isolated.isolatedSubnets.map((s) => ({ Ref: stack.getLogicalId(s.node.defaultChild as ec2.CfnSubnet) })),
      });
    });
  });

  describe('valid edge values', () => {
    test.each<{ testDescription: string; props: Partial<ReplicationGroupProps> }>([
      { testDescription: '5 replicas (6 nodes)', props: { clusterMode: ClusterMode.disabled({ replicas: 5 }) } },
      { testDescription: '83 shards of 6 nodes (498 nodes)', props: { clusterMode: ClusterMode.enabled({ shards: 83, replicasPerShard: 5 }) } },
      { testDescription: '250 shards of 2 nodes (500 nodes)', props: { clusterMode: ClusterMode.enabled({ shards: 250, replicasPerShard: 1 }) } },
      { testDescription: 'backups off', props: { snapshotRetention: Duration.days(0) } },
      { testDescription: 'a 60-minute snapshot window across midnight', props: { snapshotWindow: '23:30-00:30' } },
      { testDescription: 'a maintenance window across the week boundary', props: { preferredMaintenanceWindow: 'sat:23:30-sun:00:30' } },
      { testDescription: 'a 40-character id', props: { replicationGroupId: `a${'b1-'.repeat(12)}c12` } },
      { testDescription: 'T1 without failover, backups or a final snapshot', props: { nodeType: CacheNodeType.T1_MICRO, multiAz: false, automaticFailover: false, snapshotRetention: Duration.days(0), removalPolicy: RemovalPolicy.DESTROY } },
      { testDescription: 'replicas without Multi-AZ', props: { multiAz: false } },
      { testDescription: 'IPv6 on Valkey', props: { networkType: NetworkType.IPV6 } },
      { testDescription: 'cluster-enabled yes given explicitly in cluster mode', props: { clusterMode: ClusterMode.enabled(), parameters: { 'cluster-enabled': 'yes' } } },
      { testDescription: 'a plain-text token of 16 allowed characters', props: { auth: CacheAuth.tokenFromSecretValue(SecretValue.unsafePlainText('abc!&#$^<>-12345')) } },
    ])('$testDescription', ({ props }) => {
      expect(() => new ReplicationGroup(stack, 'Cache', { vpc, ...props })).not.toThrow();
    });
  });
});
