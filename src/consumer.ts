import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';

/** Options for `addConsumer`. */
export interface AddConsumerOptions {
  /**
   * The prefix of the connection contract variables written into the consumer
   * (`<prefix>_HOST`, `<prefix>_PORT`, ...): upper-case letters, digits and underscores.
   * Give each cache a consumer uses its own prefix.
   *
   * @default 'CACHE'
   */
  readonly prefix?: string;
}

/** What a cache hands a consumer when it is added. */
export interface CacheConsumerBindOptions {
  /** The cache the consumer is given access to. */
  readonly cache: IConstruct;

  /** The cache's network connections; the consumer is allowed in on their default port. */
  readonly connections: ec2.Connections;

  /** The connection contract, with prefixed variable names. */
  readonly environment: Record<string, string>;

  /** The prefix the variables carry. */
  readonly prefix: string;

  /**
   * The secret the consumer must be able to read (the AUTH token).
   *
   * @default - no secret
   */
  readonly secret?: secretsmanager.ISecret;
}

/**
 * Something that connects to a cache: `addConsumer` opens the cache's security group to it on the
 * cache port only, lets it read the auth secret, and writes the connection contract into its
 * environment.
 */
export abstract class CacheConsumer {
  /**
   * A Lambda function. It must be in a VPC (the cache has no public endpoint); its security
   * groups are allowed in on the cache port and the contract goes into its environment variables.
   */
  public static fromFunction(fn: lambda.Function): CacheConsumer {
    return new FunctionConsumer(fn);
  }

  /** The construct that receives the contract (used to reject duplicate prefixes). */
  public abstract readonly target: IConstruct;

  /** Called by the cache's `addConsumer`. */
  public abstract bind(options: CacheConsumerBindOptions): void;
}

class FunctionConsumer extends CacheConsumer {
  constructor(private readonly fn: lambda.Function) {
    super();
  }

  public get target(): IConstruct {
    return this.fn;
  }

  public bind(options: CacheConsumerBindOptions): void {
    if (!this.fn.isBoundToVpc) {
      throw new Error(
        `addConsumer: the function ${this.fn.node.path} is not in a VPC, so it cannot reach the cache ${options.cache.node.path}. ` +
        'Create the function with vpc (the cache\'s VPC) and vpcSubnets.',
      );
    }
    options.connections.allowDefaultPortFrom(this.fn, `${this.fn.node.path} connects to the cache`);
    options.secret?.grantRead(this.fn);
    for (const [name, value] of Object.entries(options.environment)) {
      this.fn.addEnvironment(name, value);
    }
  }
}
