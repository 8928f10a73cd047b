/**
 * Cluster mode: a rate limiter for an API, on a Valkey group with cluster mode enabled (3 shards,
 * one replica each), with the recommended alarms sent to an SNS topic. The function reaches the
 * configuration endpoint through the contract (prefix LIMITS) with a cluster-aware client.
 *
 *   npx cdk synth --app "npx ts-node --prefer-ts-exts examples/cluster-mode/app.ts"
 */
import * as path from 'path';
import { App, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CacheConsumer, CacheNodeType, ClusterMode, ReplicationGroup, ReplicationGroupAlarms } from '../../src';

export class ClusterModeStack extends Stack {
  /** The cluster-mode-enabled group. */
  public readonly cache: ReplicationGroup;
  /** Its recommended alarms. */
  public readonly alarms: ReplicationGroupAlarms;
  /** Where alarms go. */
  public readonly topic: sns.Topic;
  /** The rate limiter. */
  public readonly handler: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 3, natGateways: 1 });

    this.cache = new ReplicationGroup(this, 'Limits', {
      vpc,
      nodeType: CacheNodeType.R7G_LARGE,
      clusterMode: ClusterMode.enabled({ shards: 3, replicasPerShard: 1 }),
      // Counters expire by themselves; under memory pressure drop the nearest to expiring.
      parameters: { 'maxmemory-policy': 'volatile-ttl' },
    });

    this.topic = new sns.Topic(this, 'Alarms');
    this.alarms = this.cache.addRecommendedAlarms({
      alarmActions: [new actions.SnsAction(this.topic)],
      okActions: [new actions.SnsAction(this.topic)],
    });

    this.handler = new nodejs.NodejsFunction(this, 'RateLimiter', {
      entry: path.join(__dirname, 'handler.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      vpc,
      timeout: Duration.seconds(5),
      environment: { REQUESTS_PER_MINUTE: '100' },
      bundling: { externalModules: ['@aws-sdk/*'] },
    });
    this.cache.addConsumer(CacheConsumer.fromFunction(this.handler), { prefix: 'LIMITS' });

    new CfnOutput(this, 'ConfigurationEndpoint', { value: this.cache.configurationEndpoint.socketAddress });
    new CfnOutput(this, 'AlarmTopic', { value: this.topic.topicArn });
  }
}

if (require.main === module) {
  const app = new App();
  new ClusterModeStack(app, 'ClusterMode');
  app.synth();
}
