import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { testStack, testVpc } from './util';
import { CacheEngine, ClusterMode, MemcachedCluster, ReplicationGroup } from '../src';

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
});
