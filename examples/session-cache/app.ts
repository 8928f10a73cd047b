/**
 * Session cache: a stateless HTTP API whose sessions live in a Valkey replication group. The
 * SessionStore pattern gives the group session defaults (Multi-AZ, volatile-lru, a 30-minute
 * default TTL) and hands the function the connection contract; handler.ts uses it in three lines.
 *
 *   npx cdk synth --app "npx ts-node --prefer-ts-exts examples/session-cache/app.ts"
 */
import * as path from 'path';
import { App, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { CacheConsumer, ReplicationGroup, SessionStore } from '../../src';

export class SessionCacheStack extends Stack {
  /** The session store. */
  public readonly sessions: SessionStore;
  /** Its replication group: Valkey, one replica in another AZ, TLS and an AUTH token. */
  public readonly cache: ReplicationGroup;
  /** The function that reads and writes sessions. */
  public readonly handler: nodejs.NodejsFunction;
  /** The HTTP API in front of it: GET, PUT and DELETE /sessions/{id}. */
  public readonly api: apigwv2.HttpApi;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });

    this.sessions = new SessionStore(this, 'Sessions', { vpc, sessionTtl: Duration.minutes(30) });
    this.cache = this.sessions.cache;

    this.handler = new nodejs.NodejsFunction(this, 'SessionHandler', {
      entry: path.join(__dirname, 'handler.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      vpc,
      timeout: Duration.seconds(10),
      // The Lambda runtime provides the AWS SDK; ioredis and cdk-elasticache/runtime are bundled.
      bundling: { externalModules: ['@aws-sdk/*'] },
    });

    // Security group rule on the cache port, read access to the token secret, CACHE_* variables
    // (with CACHE_SESSION_TTL).
    this.sessions.addConsumer(CacheConsumer.fromFunction(this.handler));

    this.api = new apigwv2.HttpApi(this, 'Api');
    this.api.addRoutes({
      path: '/sessions/{id}',
      methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.PUT, apigwv2.HttpMethod.DELETE],
      integration: new HttpLambdaIntegration('Sessions', this.handler),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'SessionsEndpoint', { value: this.cache.primaryEndpoint.socketAddress });
  }
}

if (require.main === module) {
  const app = new App();
  new SessionCacheStack(app, 'SessionCache');
  app.synth();
}
