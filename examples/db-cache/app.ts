/**
 * Database cache: a product API on Aurora PostgreSQL with a Valkey cache in front. The
 * DatabaseCache pattern lets the function reach both (security groups, both secrets) and writes the
 * caching settings into its contract: entries live 10 minutes (with 10% jitter) and are deleted when
 * the handler writes a product.
 *
 *   npx cdk synth --app "npx ts-node --prefer-ts-exts examples/db-cache/app.ts"
 */
import * as path from 'path';
import { App, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { CacheConsumer, CachedDatabase, DatabaseCache, InvalidationStrategy } from '../../src';

export class DbCacheStack extends Stack {
  /** The Aurora PostgreSQL cluster. */
  public readonly database: rds.DatabaseCluster;
  /** The cache in front of it. */
  public readonly cache: DatabaseCache;
  /** The product API's function. */
  public readonly handler: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });

    this.database = new rds.DatabaseCluster(this, 'Database', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      writer: rds.ClusterInstance.serverlessV2('Writer'),
      serverlessV2MinCapacity: 0.5,
      serverlessV2MaxCapacity: 2,
      defaultDatabaseName: 'shop',
      storageEncrypted: true,
      vpc,
    });

    this.cache = new DatabaseCache(this, 'ProductCache', {
      vpc,
      database: CachedDatabase.fromCluster(this.database),
      ttl: Duration.minutes(10),
      invalidation: InvalidationStrategy.onWrite({ jitter: 0.1 }),
    });

    this.handler = new nodejs.NodejsFunction(this, 'ProductHandler', {
      entry: path.join(__dirname, 'handler.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      vpc,
      timeout: Duration.seconds(15),
      // The Lambda runtime provides the AWS SDK; pg's optional native binding is not used.
      bundling: { externalModules: ['@aws-sdk/*', 'pg-native'] },
    });

    // Ingress to the cache and the database, both secrets, CACHE_* with CACHE_TTL,
    // CACHE_INVALIDATION and CACHE_DB_*.
    this.cache.addConsumer(CacheConsumer.fromFunction(this.handler));

    const api = new apigwv2.HttpApi(this, 'Api');
    api.addRoutes({
      path: '/products/{id}',
      methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.PUT],
      integration: new HttpLambdaIntegration('Products', this.handler),
    });
    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint });
  }
}

if (require.main === module) {
  const app = new App();
  new DbCacheStack(app, 'DbCache');
  app.synth();
}
