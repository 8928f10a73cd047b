import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { testStack, testVpc } from './util';
import {
  CacheAuth, CacheConsumer, CacheEngine, CachedDatabase, ClusterMode, DatabaseCache, MemcachedCluster, ReplicationGroup, ServerlessCache,
  ServerlessEngine, SessionStore, User, UserAuthentication, UserGroup,
} from '../src';

/**
 * Findings of the three packs on resources under `scope` (the VPC's own findings are not ours).
 *
 * The packs are run with `validateScope`, cdk-nag's entry point for tests: registered with
 * `Validations.of(app).addPlugins(...)`, cdk-nag 3.0.2 needs `appConstruct` on the validation
 * context, which aws-cdk-lib 2.257 (this project's minimum) does not provide yet, so every pack
 * reports "NagPack requires a construct tree" instead of checking anything. The rules and the
 * acknowledgment lookup are the same on both paths.
 */
function findings(app: App, scope: IConstruct): string[] {
  const packs: NagPack[] = [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks()];
  const result: string[] = [];
  for (const pack of packs) {
    for (const violation of pack.validateScope(app).violations) {
      for (const resource of violation.violatingResources) {
        if (resource.constructPath?.startsWith(`${scope.node.path}/`)) result.push(`${violation.ruleName} ${resource.constructPath}`);
      }
    }
  }
  return result.sort();
}

/** The rule ids acknowledged on a construct, with their reasons. */
function acknowledged(construct: IConstruct): Record<string, string> {
  const entries = construct.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
  return entries.length > 0 ? entries[entries.length - 1].data : {};
}

describe('cdk-nag (AwsSolutions, HIPAA Security, NIST 800-53 R5)', () => {
  let app: App;
  let stack: Stack;
  let vpc: ec2.Vpc;

  beforeEach(() => {
    app = new App();
    stack = testStack('TestStack', app);
    vpc = testVpc(stack);
  });

  test('a default replication group has no unacknowledged finding', () => {
    const cache = new ReplicationGroup(stack, 'Cache', { vpc });
    expect(findings(app, cache)).toEqual([]);
    // The generated token secret's findings are acknowledged with reasons, not hidden.
    const secret = cache.node.findChild('AuthToken');
    expect(Object.keys(acknowledged(secret)).sort()).toEqual([
      'annotation::AwsSolutions-SMG4',
      'annotation::HIPAA.Security-SecretsManagerRotationEnabled',
      'annotation::HIPAA.Security-SecretsManagerUsingKMSKey',
      'annotation::NIST.800.53.R5-SecretsManagerRotationEnabled',
      'annotation::NIST.800.53.R5-SecretsManagerUsingKMSKey',
      'annotation::PCI.DSS.321-SecretsManagerUsingKMSKey',
    ]);
    expect(acknowledged(secret)['annotation::AwsSolutions-SMG4']).toMatch(/AuthTokenUpdateStrategy ROTATE/);
    // Valkey on 6379 passes AEC5 by itself: nothing acknowledged on the group.
    expect(acknowledged(cache.node.defaultChild!)).toEqual({});
  });

  test('a group with RBAC users has no unacknowledged finding: AEC6 (no AUTH token) is acknowledged with the reason', () => {
    const users = new UserGroup(stack, 'Users', {
      users: [new User(stack, 'App'), new User(stack, 'Reporter', { userId: 'reporter', authentication: UserAuthentication.iam() })],
    });
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, auth: CacheAuth.userGroup(users) });
    expect(findings(app, cache)).toEqual([]);
    expect(findings(app, stack).filter((f) => f.includes('/App/') || f.includes('/Users/'))).toEqual([]);
    expect(acknowledged(cache.node.defaultChild!)['annotation::AwsSolutions-AEC6']).toMatch(/role-based access control/);
    const secret = users.users![0].node.findChild('Secret');
    expect(Object.keys(acknowledged(secret)).sort()).toEqual([
      'annotation::AwsSolutions-SMG4',
      'annotation::HIPAA.Security-SecretsManagerRotationEnabled',
      'annotation::HIPAA.Security-SecretsManagerUsingKMSKey',
      'annotation::NIST.800.53.R5-SecretsManagerRotationEnabled',
      'annotation::NIST.800.53.R5-SecretsManagerUsingKMSKey',
      'annotation::PCI.DSS.321-SecretsManagerUsingKMSKey',
    ]);
    expect(acknowledged(secret)['annotation::AwsSolutions-SMG4']).toMatch(/ModifyUser/);
  });

  test('default serverless caches (Valkey, Redis OSS) have no unacknowledged finding; the generated password secret says why', () => {
    const valkey = new ServerlessCache(stack, 'Valkey', { vpc });
    const redis = new ServerlessCache(stack, 'Redis', { vpc, engine: ServerlessEngine.REDIS_7 });
    expect(findings(app, valkey)).toEqual([]);
    expect(findings(app, redis)).toEqual([]);
    const secret = valkey.generatedUser!.node.findChild('Secret');
    expect(Object.keys(acknowledged(secret)).sort()).toEqual([
      'annotation::AwsSolutions-SMG4',
      'annotation::HIPAA.Security-SecretsManagerRotationEnabled',
      'annotation::HIPAA.Security-SecretsManagerUsingKMSKey',
      'annotation::NIST.800.53.R5-SecretsManagerRotationEnabled',
      'annotation::NIST.800.53.R5-SecretsManagerUsingKMSKey',
      'annotation::PCI.DSS.321-SecretsManagerUsingKMSKey',
    ]);
    expect(acknowledged(secret)['annotation::AwsSolutions-SMG4']).toMatch(/ModifyUser/);
  });

  test('a serverless cache with a customer managed key encrypts its generated secret with it: no KMS acknowledgments', () => {
    const cache = new ServerlessCache(stack, 'Cache', { vpc, kmsKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) });
    expect(findings(app, cache)).toEqual([]);
    expect(Object.keys(acknowledged(cache.generatedUser!.node.findChild('Secret'))).filter((id) => id.includes('KMSKey'))).toEqual([]);
  });

  test('a default cluster-mode group has no unacknowledged finding', () => {
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.enabled() });
    expect(findings(app, cache)).toEqual([]);
  });

  test('a default Memcached cluster has no unacknowledged finding; the default port is acknowledged', () => {
    const mc = new MemcachedCluster(stack, 'Mc', { vpc });
    expect(findings(app, mc)).toEqual([]);
    expect(Object.keys(acknowledged(mc.node.defaultChild!))).toEqual(['annotation::AwsSolutions-AEC5']);
  });

  test('Redis OSS on the default port acknowledges AEC5; on another port it needs no acknowledgment', () => {
    const onDefault = new ReplicationGroup(stack, 'Cache', { vpc, engine: CacheEngine.REDIS_7_1 });
    const onOther = new ReplicationGroup(stack, 'Other', { vpc, engine: CacheEngine.REDIS_7_1, port: 6380 });
    expect(findings(app, onDefault)).toEqual([]);
    expect(findings(app, onOther)).toEqual([]);
    expect(acknowledged(onDefault.node.defaultChild!)['annotation::AwsSolutions-AEC5']).toMatch(/security group/);
    expect(acknowledged(onOther.node.defaultChild!)).toEqual({});
  });

  test('a customer managed key removes the KMS acknowledgments', () => {
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, kmsKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) });
    expect(findings(app, cache)).toEqual([]);
    expect(Object.keys(acknowledged(cache.node.findChild('AuthToken'))).filter((id) => id.includes('KMSKey'))).toEqual([]);
  });

  test('weakening a default is reported, not hidden', () => {
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.disabled({ replicas: 0 }), snapshotRetention: Duration.days(1) });
    expect(findings(app, cache)).toEqual([
      'AwsSolutions-AEC4 TestStack/Cache/Resource',
      'HIPAA.Security-ElastiCacheRedisClusterAutomaticBackup TestStack/Cache/Resource',
      'NIST.800.53.R5-ElastiCacheRedisClusterAutomaticBackup TestStack/Cache/Resource',
    ]);
  });

  test('the patterns, their instance contracts and their alarms have no unacknowledged finding', () => {
    const sessions = new SessionStore(stack, 'Sessions', { vpc });
    const db = new rds.DatabaseCluster(stack, 'Db', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      writer: rds.ClusterInstance.serverlessV2('Writer'),
      vpc,
    });
    const products = new DatabaseCache(stack, 'Products', { vpc, database: CachedDatabase.fromCluster(db) });
    const instance = new ec2.Instance(stack, 'Instance', {
      vpc,
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    });
    sessions.addConsumer(CacheConsumer.fromInstance(instance));
    products.addConsumer(CacheConsumer.fromInstance(instance), { prefix: 'PRODUCTS' });
    const topic = new sns.Topic(stack, 'Topic', { enforceSSL: true });
    sessions.addRecommendedAlarms({ alarmActions: [new actions.SnsAction(topic)] });
    products.addRecommendedAlarms({ alarmActions: [new actions.SnsAction(topic)] });
    expect(findings(app, sessions)).toEqual([]);
    expect(findings(app, products)).toEqual([]);
  });

  test('recommended alarms without an action are reported: they would notify no one', () => {
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.disabled({ replicas: 0 }) });
    cache.addRecommendedAlarms();
    expect(findings(app, cache).filter((f) => f.includes('/RecommendedAlarms/'))).toEqual(
      ['CurrConnections', 'DatabaseMemoryUsagePercentage', 'EngineCPUUtilization', 'Evictions'].flatMap((id) => [
        `HIPAA.Security-CloudWatchAlarmAction TestStack/Cache/RecommendedAlarms/${id}/Resource`,
        `NIST.800.53.R5-CloudWatchAlarmAction TestStack/Cache/RecommendedAlarms/${id}/Resource`,
      ]).sort());
  });
});
