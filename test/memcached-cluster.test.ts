import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { testStack, testVpc } from './util';
import {
  AzMode, CacheAuth, CacheNodeType, CacheParameterGroup, CacheEngine, MemcachedCluster, MemcachedClusterProps,
  MemcachedVersion, NetworkType,
} from '../src';

const CC = 'AWS::ElastiCache::CacheCluster';

describe('MemcachedCluster', () => {
  let app: App;
  let stack: Stack;
  let vpc: ec2.Vpc;

  beforeEach(() => {
    app = new App();
    stack = testStack('TestStack', app);
    vpc = testVpc(stack);
  });

  describe('defaults', () => {
    test('3 nodes are spread across AZs with TLS', () => {
      // WHEN
      const mc = new MemcachedCluster(stack, 'Mc', { vpc, nodes: 3 });

      // THEN
      const template = Template.fromStack(stack);
      template.hasResource(CC, {
        Properties: {
          Engine: 'memcached',
          EngineVersion: '1.6.22',
          CacheNodeType: 'cache.t4g.micro',
          NumCacheNodes: 3,
          AZMode: 'cross-az',
          TransitEncryptionEnabled: true,
          Port: 11211,
          CacheParameterGroupName: 'default.memcached1.6',
          CacheSubnetGroupName: { Ref: Match.stringLikeRegexp('^McSubnetGroup') },
          VpcSecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^McSecurityGroup'), 'GroupId'] }],
          PreferredMaintenanceWindow: 'sun:05:00-sun:06:00',
          AutoMinorVersionUpgrade: true,
          SnapshotRetentionLimit: Match.absent(),
          ClusterName: Match.absent(),
        },
        DependsOn: [Match.stringLikeRegexp('^McSubnetGroup')],
        DeletionPolicy: 'Delete',
      });
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
      template.resourceCountIs('AWS::SecretsManager::Secret', 0);
      expect(mc.nodes).toBe(3);
      expect(stack.resolve(mc.configurationEndpoint.hostname)).toEqual({ 'Fn::GetAtt': ['Mc1569AA16', 'ConfigurationEndpoint.Address'] });
      expect(stack.resolve(mc.configurationEndpoint.port)).toEqual({ 'Fn::GetAtt': ['Mc1569AA16', 'ConfigurationEndpoint.Port'] });
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    });

    test('defaults to 2 nodes across AZs', () => {
      new MemcachedCluster(stack, 'Mc', { vpc });
      Template.fromStack(stack).hasResourceProperties(CC, { NumCacheNodes: 2, AZMode: 'cross-az' });
    });

    test('one node is single-AZ', () => {
      new MemcachedCluster(stack, 'Mc', { vpc, nodes: 1 });
      Template.fromStack(stack).hasResourceProperties(CC, { NumCacheNodes: 1, AZMode: 'single-az' });
    });

    test('versions before 1.6.12 default to no TLS', () => {
      const mc = new MemcachedCluster(stack, 'Mc', { vpc, engineVersion: MemcachedVersion.V1_6_6 });
      Template.fromStack(stack).hasResourceProperties(CC, { EngineVersion: '1.6.6', TransitEncryptionEnabled: false });
      expect(mc.transitEncryption).toBe(false);
    });
  });

  describe('options', () => {
    test('explicit settings reach the L1', () => {
      new MemcachedCluster(stack, 'Mc', {
        vpc,
        nodes: 2,
        clusterName: 'sessions-mc',
        nodeType: CacheNodeType.R7G_LARGE,
        azMode: AzMode.SINGLE_AZ,
        preferredAvailabilityZones: ['us-east-1a', 'us-east-1a'],
        port: 11300,
        transitEncryption: false,
        preferredMaintenanceWindow: 'mon:01:00-mon:02:00',
        autoMinorVersionUpgrade: false,
        networkType: NetworkType.IPV6,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      Template.fromStack(stack).hasResource(CC, {
        Properties: {
          ClusterName: 'sessions-mc',
          CacheNodeType: 'cache.r7g.large',
          AZMode: 'single-az',
          PreferredAvailabilityZones: ['us-east-1a', 'us-east-1a'],
          Port: 11300,
          TransitEncryptionEnabled: false,
          PreferredMaintenanceWindow: 'mon:01:00-mon:02:00',
          AutoMinorVersionUpgrade: false,
          NetworkType: 'ipv6',
        },
        DeletionPolicy: 'Retain',
      });
    });

    test('parameters create a memcached1.6 parameter group', () => {
      new MemcachedCluster(stack, 'Mc', { vpc, parameters: { max_item_size: '10485760' } });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
        CacheParameterGroupFamily: 'memcached1.6',
        Properties: { max_item_size: '10485760' },
      });
      template.hasResourceProperties(CC, { CacheParameterGroupName: { Ref: Match.stringLikeRegexp('^McParameters') } });
    });

    test('more than 40 nodes warn about the quota', () => {
      new MemcachedCluster(stack, 'Mc', { vpc, nodes: 41 });
      Annotations.fromStack(stack).hasWarning('/TestStack/Mc', Match.stringLikeRegexp('41 nodes, above ElastiCache\'s default of 40'));
    });

    test('60 nodes are allowed', () => {
      new MemcachedCluster(stack, 'Mc', { vpc, nodes: 60 });
      Template.fromStack(stack).hasResourceProperties(CC, { NumCacheNodes: 60 });
    });
  });

  describe('grants, metrics and imports', () => {
    test('grant uses the cluster ARN', () => {
      const mc = new MemcachedCluster(stack, 'Mc', { vpc });
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
      mc.grant(role, 'elasticache:DescribeCacheClusters');
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [{
            Action: 'elasticache:DescribeCacheClusters',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:us-east-1:123456789012:cluster:', { Ref: 'Mc1569AA16' }]] },
          }],
        },
      });
    });

    test('an imported cluster has connections on its port and the endpoint it was given', () => {
      const imported = MemcachedCluster.fromMemcachedClusterAttributes(stack, 'Imported', {
        cacheClusterId: 'sessions-mc',
        securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-777')],
        configurationEndpointAddress: 'sessions-mc.abc.cfg.use1.cache.amazonaws.com',
      });
      expect(imported.configurationEndpoint.socketAddress).toBe('sessions-mc.abc.cfg.use1.cache.amazonaws.com:11211');
      imported.connections.allowDefaultPortFrom(new ec2.SecurityGroup(stack, 'Peer', { vpc }));
      Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: 'sg-777', FromPort: 11211 });
      const byId = MemcachedCluster.fromCacheClusterId(stack, 'ById', 'other');
      expect(() => byId.configurationEndpoint).toThrow('Cannot access configurationEndpoint of an imported Memcached cluster without configurationEndpointAddress');
      expect(MemcachedCluster.isMemcachedCluster(byId)).toBe(false);
      expect(MemcachedCluster.isMemcachedCluster(new MemcachedCluster(stack, 'Mc', { vpc }))).toBe(true);
    });
  });

  describe('validation errors', () => {
    test.each<{ testDescription: string; props: (s: Stack) => Partial<MemcachedClusterProps>; errorMessage: string }>([
      {
        testDescription: 'a snapshot retention',
        props: () => ({ snapshotRetention: Duration.days(7) } as unknown as Partial<MemcachedClusterProps>),
        errorMessage: 'MemcachedCluster does not support snapshotRetention: Memcached has no backups. Remove it, or use a ReplicationGroup (Valkey or Redis OSS)',
      },
      {
        testDescription: 'a snapshot window',
        props: () => ({ snapshotWindow: '03:00-04:00' } as unknown as Partial<MemcachedClusterProps>),
        errorMessage: 'MemcachedCluster does not support snapshotWindow: Memcached has no backups.',
      },
      {
        testDescription: 'an AUTH token',
        props: () => ({ auth: CacheAuth.token() } as unknown as Partial<MemcachedClusterProps>),
        errorMessage: 'MemcachedCluster does not support auth: Memcached has no AUTH or RBAC; the security group controls access.',
      },
      {
        testDescription: 'Multi-AZ',
        props: () => ({ multiAz: true } as unknown as Partial<MemcachedClusterProps>),
        errorMessage: 'MemcachedCluster does not support multiAz: Memcached has no replication or failover (use azMode to spread nodes over AZs).',
      },
      {
        testDescription: 'a final snapshot',
        props: () => ({ removalPolicy: RemovalPolicy.SNAPSHOT }),
        errorMessage: 'removalPolicy cannot be SNAPSHOT: Memcached has no backups. Use RemovalPolicy.DESTROY or RETAIN',
      },
      { testDescription: '0 nodes', props: () => ({ nodes: 0 }), errorMessage: 'nodes must be an integer between 1 and 60, got 0' },
      { testDescription: '61 nodes', props: () => ({ nodes: 61 }), errorMessage: 'nodes must be an integer between 1 and 60, got 61' },
      {
        testDescription: 'cross-AZ with one node',
        props: () => ({ nodes: 1, azMode: AzMode.CROSS_AZ }),
        errorMessage: 'azMode cross-az needs at least 2 nodes, got 1: add nodes or use AzMode.SINGLE_AZ',
      },
      {
        testDescription: 'AZs that do not match the nodes',
        props: () => ({ nodes: 3, preferredAvailabilityZones: ['us-east-1a', 'us-east-1b'] }),
        errorMessage: 'preferredAvailabilityZones must list one Availability Zone per node (3), got 2',
      },
      {
        testDescription: 'TLS before 1.6.12',
        props: () => ({ engineVersion: MemcachedVersion.V1_6_6, transitEncryption: true }),
        errorMessage: 'transitEncryption needs Memcached 1.6.12 or later, got 1.6.6: set transitEncryption: false or use MemcachedVersion.LATEST',
      },
      {
        testDescription: 'r6gd nodes',
        props: () => ({ nodeType: CacheNodeType.R6GD_XLARGE }),
        errorMessage: 'cache.r6gd.xlarge uses data tiering, which only Valkey and Redis OSS replication groups support: choose another node type',
      },
      {
        testDescription: 'IPv6 before 1.6.6',
        props: () => ({ engineVersion: MemcachedVersion.V1_5_16, networkType: NetworkType.IPV6 }),
        errorMessage: 'networkType ipv6 needs Memcached 1.6.6 or later, got 1.5.16',
      },
      {
        testDescription: 'IPv6 on a non-Nitro node',
        props: () => ({ nodeType: CacheNodeType.T2_MICRO, networkType: NetworkType.DUAL_STACK }),
        errorMessage: 'networkType dual_stack needs a Nitro node type, got cache.t2.micro',
      },
      {
        testDescription: 'an upper-case cluster name',
        props: () => ({ clusterName: 'Sessions' }),
        errorMessage: "clusterName must be lower case (ElastiCache stores it lower-case), got 'Sessions': use 'sessions'",
      },
      {
        testDescription: 'a 51-character cluster name',
        props: () => ({ clusterName: 'm'.repeat(51) }),
        errorMessage: 'clusterName must be 1 to 50 characters long, got 51',
      },
      {
        testDescription: 'a malformed maintenance window',
        props: () => ({ preferredMaintenanceWindow: 'sunday 5am' }),
        errorMessage: "preferredMaintenanceWindow must have the format ddd:hh24:mi-ddd:hh24:mi (UTC) with ddd one of sun, mon, tue, wed, thu, fri, sat, e.g. 'sun:05:00-sun:06:00', got 'sunday 5am'",
      },
      {
        testDescription: 'a Valkey parameter group',
        props: (s) => ({ parameterGroup: new CacheParameterGroup(s, 'Pg', { engine: CacheEngine.VALKEY_8_1 }) }),
        errorMessage: 'parameterGroup is for the valkey8 family but Memcached 1.6.22 needs memcached1.6',
      },
      {
        testDescription: 'a parameter group and parameters',
        props: (s) => ({ parameterGroup: CacheParameterGroup.fromCacheParameterGroupName(s, 'Pg', 'default.memcached1.6'), parameters: { a: 'b' } }),
        errorMessage: 'Provide either parameterGroup or parameters, but not both',
      },
      { testDescription: 'port 0', props: () => ({ port: 0 }), errorMessage: 'port must be an integer between 1 and 65535, got 0' },
    ])('$testDescription', ({ props, errorMessage }) => {
      expect(() => new MemcachedCluster(stack, 'Mc', { vpc, ...props(stack) })).toThrow(errorMessage);
    });
  });
});
