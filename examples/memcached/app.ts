/**
 * Memcached: a fleet of page servers in an auto scaling group behind a load balancer, sharing a
 * Memcached cluster for rendered pages. The instances get the connection contract in an SSM
 * parameter (PAGES_PARAMETER in /etc/environment); the page server reads it on first use and
 * finds the nodes by auto discovery.
 *
 *   npx cdk synth --app "npx ts-node --prefer-ts-exts examples/memcached/app.ts"
 */
import * as path from 'path';
import { App, CfnOutput, DockerImage, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import * as esbuild from 'esbuild';
import { CacheConsumer, MemcachedCluster } from '../../src';

const PAGE_SERVER_PORT = 8080;

export class MemcachedStack extends Stack {
  /** The Memcached cluster. */
  public readonly cache: MemcachedCluster;
  /** The page servers. */
  public readonly fleet: autoscaling.AutoScalingGroup;
  /** The page server's code. */
  public readonly code: s3assets.Asset;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });

    this.cache = new MemcachedCluster(this, 'Pages', { vpc, nodes: 3 });

    this.fleet = new autoscaling.AutoScalingGroup(this, 'PageServers', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL),
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
      minCapacity: 2,
      maxCapacity: 4,
      requireImdsv2: true,
    });

    // The contract first: its user data line writes PAGES_PARAMETER to /etc/environment, which
    // the service below reads.
    this.cache.addConsumer(CacheConsumer.fromAutoScalingGroup(this.fleet), { prefix: 'PAGES' });

    // The page server, bundled with esbuild into one file (its runtime dependencies included).
    this.code = new s3assets.Asset(this, 'PageServer', {
      path: path.join(__dirname, 'server'),
      bundling: {
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
        local: {
          tryBundle(outputDir: string): boolean {
            esbuild.buildSync({
              entryPoints: [path.join(__dirname, 'server', 'page-server.ts')],
              bundle: true,
              platform: 'node',
              target: 'node22',
              outfile: path.join(outputDir, 'page-server.js'),
              logLevel: 'error',
            });
            return true;
          },
        },
      },
    });
    this.code.grantRead(this.fleet);
    const zip = this.fleet.userData.addS3DownloadCommand({ bucket: this.code.bucket, bucketKey: this.code.s3ObjectKey, localFile: '/opt/page-server/code.zip' });
    this.fleet.userData.addCommands(
      'dnf install -y nodejs unzip',
      `unzip -o ${zip} -d /opt/page-server`,
      'cat > /etc/systemd/system/page-server.service <<UNIT',
      '[Unit]',
      'Description=Page server',
      'After=network-online.target',
      '[Service]',
      'EnvironmentFile=/etc/environment',
      `Environment=PORT=${PAGE_SERVER_PORT}`,
      'ExecStart=/usr/bin/node /opt/page-server/page-server.js',
      'Restart=always',
      'DynamicUser=yes',
      '[Install]',
      'WantedBy=multi-user.target',
      'UNIT',
      'systemctl daemon-reload',
      'systemctl enable --now page-server',
    );

    const lb = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', { vpc, internetFacing: true });
    const listener = lb.addListener('Http', { port: 80 });
    listener.addTargets('PageServers', {
      port: PAGE_SERVER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.fleet],
      healthCheck: { path: '/pages/health', interval: Duration.seconds(30) },
    });

    new CfnOutput(this, 'Url', { value: `http://${lb.loadBalancerDnsName}/pages/home` });
  }
}

if (require.main === module) {
  const app = new App();
  new MemcachedStack(app, 'MemcachedPages');
  app.synth();
}
