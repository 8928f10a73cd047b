import { IResource, RemovalPolicy, Resource, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnSubnetGroup } from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';
import { lowerCaseName } from './private/naming';
import { fail } from './private/validation';

/** A cache subnet group. */
export interface ICacheSubnetGroup extends IResource {
  /**
   * The subnet group name.
   *
   * @attribute
   */
  readonly cacheSubnetGroupName: string;
}

/** Properties of a {@link CacheSubnetGroup}. */
export interface CacheSubnetGroupProps {
  /** The VPC whose subnets the caches use. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets to use.
   *
   * @default - the VPC's private subnets with egress; if it has none, its isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The subnet group name: up to 255 letters, digits or hyphens, stored lower-case.
   * Changing it replaces the subnet group and every cache that uses it.
   *
   * @default - a lower-case name derived from the construct path
   */
  readonly cacheSubnetGroupName?: string;

  /**
   * A description.
   *
   * @default - "Subnets for <construct path>"
   */
  readonly description?: string;

  /**
   * What happens to the subnet group when it leaves the stack.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

const MAX_NAME_LENGTH = 255;

/**
 * The subnets a cache's nodes are placed in.
 *
 * The name is lower-case (ElastiCache stores it so), and caches refer to it with `Ref` and an
 * explicit dependency, so the subnet group always exists before the cache (aws/aws-cdk#4411).
 *
 * @resource AWS::ElastiCache::SubnetGroup
 */
export class CacheSubnetGroup extends Resource implements ICacheSubnetGroup {
  /** Imports an existing subnet group by name. */
  public static fromCacheSubnetGroupName(scope: Construct, id: string, cacheSubnetGroupName: string): ICacheSubnetGroup {
    class Import extends Resource implements ICacheSubnetGroup {
      public readonly cacheSubnetGroupName = cacheSubnetGroupName;
    }
    return new Import(scope, id);
  }

  /**
   * The default subnets for a cache: private with egress, else isolated; never public.
   * @internal
   */
  public static _defaultSubnets(vpc: ec2.IVpc): ec2.SubnetSelection {
    if (vpc.privateSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    if (vpc.isolatedSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    return fail('vpc has no private or isolated subnets: pass vpcSubnets to choose the subnets for the cache');
  }

  public readonly cacheSubnetGroupName: string;

  /** The subnets in the group. */
  public readonly subnetIds: string[];

  constructor(scope: Construct, id: string, props: CacheSubnetGroupProps) {
    super(scope, id);
    const name = props.cacheSubnetGroupName;
    if (name !== undefined && !Token.isUnresolved(name)) {
      if (name.length < 1 || name.length > MAX_NAME_LENGTH || !/^[A-Za-z0-9-]+$/.test(name)) {
        fail(`cacheSubnetGroupName must be 1 to ${MAX_NAME_LENGTH} letters, digits or hyphens, got '${name}'`);
      }
      if (name !== name.toLowerCase()) {
        fail(`cacheSubnetGroupName must be lower case (ElastiCache stores it lower-case), got '${name}': use '${name.toLowerCase()}'`);
      }
    }
    const selection = props.vpc.selectSubnets(props.vpcSubnets ?? CacheSubnetGroup._defaultSubnets(props.vpc));
    if (selection.subnetIds.length === 0) {
      fail('vpcSubnets selects no subnets: choose subnets of the VPC for the cache');
    }
    this.subnetIds = selection.subnetIds;

    const resource = new CfnSubnetGroup(this, 'Resource', {
      cacheSubnetGroupName: name ?? lowerCaseName(this, MAX_NAME_LENGTH),
      description: props.description ?? `Subnets for ${this.node.path}`,
      subnetIds: selection.subnetIds,
    });
    resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.DESTROY);
    this.cacheSubnetGroupName = resource.ref;
  }
}
