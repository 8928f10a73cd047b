import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClusterMode, ReplicationGroup } from './src';
import { LocalElastiCache } from './src/local';
const app = new App();
const stack = new Stack(app, 'B', { env: { account: '123456789012', region: 'us-east-1' } });
const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 3, natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.enabled({ shards: 100, replicasPerShard: 4 }) });
const t = app.synth().getStackByName('B').template;
(async () => {
  for (let i = 0; i < 2; i++) {
    const s = Date.now();
    const l = await LocalElastiCache.start(t);
    const mid = Date.now();
    await l.stop();
    console.log('start', mid - s, 'stop', Date.now() - mid);
  }
})();
