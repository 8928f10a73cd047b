import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import { grantConsumerAccess, writeContractParameter } from './private/consumers';
import { IUser } from './user';

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

  /**
   * The user the consumer connects as, on a cache with role-based access control (a user group):
   * a password user (the consumer reads its secret; `CACHE_AUTH=password`) or an IAM user (the
   * consumer gets `elasticache:Connect` on the cache and the user; `CACHE_AUTH=iam`). Required
   * on caches given a user group, not allowed on caches without one. The user must be in the
   * cache's user group.
   *
   * @default - no user on a cache without a user group; on a serverless cache that created its
   * own user group, its `generatedUser`
   */
  readonly user?: IUser;
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
   * Secrets the consumer must be able to read: the cache's AUTH token or RBAC password, and for a
   * database cache the database's credentials.
   *
   * @default - no secret
   */
  readonly secrets?: secretsmanager.ISecret[];

  /**
   * Resources the consumer needs `elasticache:Connect` on (IAM authentication: the cache and the
   * user).
   *
   * @default - no `elasticache:Connect` grant
   */
  readonly connectResourceArns?: string[];

  /**
   * More ports of the cache the consumer must reach besides the default port, such as a
   * serverless cache's reader port.
   *
   * @default - the default port only
   */
  readonly additionalPorts?: ec2.Port[];

  /**
   * Other resources the consumer must reach on their default port, such as the database behind a
   * database cache.
   *
   * @default - only the cache
   */
  readonly additionalConnections?: ec2.IConnectable[];
}

/** Options for {@link CacheConsumer.fromContainer}. */
export interface ContainerConsumerOptions {
  /**
   * What carries the container's network traffic: its `ecs.FargateService` or `ecs.Ec2Service`
   * (in `awsvpc` network mode), or `ec2.Connections` of the security groups the task runs with.
   * With `bridge` or `host` network mode pass the cluster's capacity (its auto scaling group):
   * the traffic then leaves from the instances' security groups.
   */
  readonly connectable: ec2.IConnectable;
}

/**
 * Something that connects to a cache: `addConsumer` opens the cache's security group to it on the
 * cache port only, grants it what the cache's authentication needs (reading the secret, or
 * `elasticache:Connect`), and hands it the connection contract.
 */
export abstract class CacheConsumer {
  /**
   * A Lambda function. It must be in a VPC (the cache has no public endpoint); its security
   * groups are allowed in on the cache port and the contract goes into its environment variables.
   */
  public static fromFunction(fn: lambda.Function): CacheConsumer {
    return new FunctionConsumer(fn);
  }

  /**
   * A container of an ECS task definition: the contract goes into the container's environment
   * variables, the task role receives the grants, and `options.connectable` (the service) is
   * allowed in on the cache port.
   */
  public static fromContainer(container: ecs.ContainerDefinition, options: ContainerConsumerOptions): CacheConsumer {
    return new ContainerConsumer(container, options.connectable);
  }

  /**
   * An EC2 instance. The contract is stored as JSON in an SSM String parameter (one per cache and
   * prefix); the instance role may read that parameter only, and the instance's user data writes
   * `<prefix>_PARAMETER=<parameter ARN>` into `/etc/environment` (Linux) or the machine
   * environment (Windows), where the runtime helpers' `loadConnection()` finds it. User data
   * runs at first boot: add consumers before the instance is created, or replace it.
   */
  public static fromInstance(instance: ec2.Instance): CacheConsumer {
    return new InstanceConsumer(instance, instance, instance.osType, () => instance.userData);
  }

  /**
   * An auto scaling group: like {@link fromInstance} for every instance it launches (the
   * parameter ARN is in the group's user data, in its launch template or launch configuration:
   * adding a consumer changes it, and running instances are replaced as the group's update policy
   * says).
   */
  public static fromAutoScalingGroup(group: autoscaling.AutoScalingGroup): CacheConsumer {
    return new InstanceConsumer(group, group, group.osType, () => group.userData);
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
    grantConsumerAccess(this.fn, this.fn, this.fn.node.path, options);
    for (const [name, value] of Object.entries(options.environment)) {
      this.fn.addEnvironment(name, value);
    }
  }
}

class ContainerConsumer extends CacheConsumer {
  constructor(private readonly container: ecs.ContainerDefinition, private readonly connectable: ec2.IConnectable) {
    super();
  }

  public get target(): IConstruct {
    return this.container;
  }

  public bind(options: CacheConsumerBindOptions): void {
    if (this.connectable.connections.securityGroups.length === 0) {
      throw new Error(
        `addConsumer: the connectable given for the container ${this.container.node.path} has no security groups, so the cache ` +
        `${options.cache.node.path} cannot let it in. Pass the FargateService or Ec2Service (awsvpc network mode), or with bridge ` +
        'or host network mode the auto scaling group that provides the cluster\'s capacity.',
      );
    }
    grantConsumerAccess(this.connectable, this.container.taskDefinition.taskRole, this.container.node.path, options);
    for (const [name, value] of Object.entries(options.environment)) {
      this.container.addEnvironment(name, value);
    }
  }
}

class InstanceConsumer extends CacheConsumer {
  constructor(
    private readonly construct: IConstruct & ec2.IConnectable & iam.IGrantable,
    public readonly target: IConstruct,
    private readonly osType: ec2.OperatingSystemType,
    private readonly userData: () => ec2.UserData,
  ) {
    super();
  }

  public bind(options: CacheConsumerBindOptions): void {
    const parameter = writeContractParameter(options);
    grantConsumerAccess(this.construct, this.construct, this.construct.node.path, options);
    iam.Grant.addToPrincipal({
      grantee: this.construct,
      actions: ['ssm:GetParameter'],
      resourceArns: [parameter.parameterArn],
    });
    const name = `${options.prefix}_PARAMETER`;
    const userData = this.userData();
    if (this.osType === ec2.OperatingSystemType.WINDOWS) {
      userData.addCommands(`[Environment]::SetEnvironmentVariable('${name}', '${parameter.parameterArn}', 'Machine')`);
    } else {
      userData.addCommands(`echo '${name}=${parameter.parameterArn}' >> /etc/environment`);
    }
  }
}
