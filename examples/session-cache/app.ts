/**
 * Session cache: a Lambda function that stores and reads user sessions in a Valkey replication
 * group. The function receives the connection contract (CACHE_HOST, CACHE_PORT, CACHE_TLS,
 * CACHE_AUTH, CACHE_SECRET_ARN, ...) from `addConsumer`; handler.ts turns it into a client.
 *
 *   npx cdk synth --app "npx ts-node --prefer-ts-exts examples/session-cache/app.ts"
 */
import * as path from 'path';
import { App, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { CacheConsumer, ReplicationGroup } from '../../src';

export class SessionCacheStack extends Stack {
  /** The session store: Valkey, one replica in another AZ, TLS and an AUTH token. */
  public readonly cache: ReplicationGroup;
  /** The function that reads and writes sessions. */
  public readonly handler: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });

    this.cache = new ReplicationGroup(this, 'Sessions', {
      vpc,
      description: 'User sessions',
      parameters: { 'maxmemory-policy': 'volatile-lru' },
    });

    this.handler = new nodejs.NodejsFunction(this, 'SessionHandler', {
      entry: path.join(__dirname, 'handler.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      vpc,
      timeout: Duration.seconds(10),
      // The Lambda runtime provides the AWS SDK; ioredis and the contract reader are bundled.
      bundling: { externalModules: ['@aws-sdk/*'] },
    });

    // Security group rule on the cache port, read access to the token secret, CACHE_* variables.
    this.cache.addConsumer(CacheConsumer.fromFunction(this.handler));

    new CfnOutput(this, 'SessionsEndpoint', { value: this.cache.primaryEndpoint.socketAddress });
    new CfnOutput(this, 'SessionHandlerName', { value: this.handler.functionName });
  }
}

if (require.main === module) {
  const app = new App();
  new SessionCacheStack(app, 'SessionCache');
  app.synth();
}
