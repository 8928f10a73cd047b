import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { CacheSubnetGroup, ICacheSubnetGroup } from '../subnet-group';
import { checkNotBoth } from './validation';

export interface CacheNetworkOptions {
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly subnetGroup?: ICacheSubnetGroup;
  readonly securityGroups?: ec2.ISecurityGroup[];
  readonly port: number;
  /** What the security group is for, e.g. "ElastiCache replication group". */
  readonly kind: string;
}

export interface CacheNetwork {
  readonly subnetGroup: ICacheSubnetGroup;
  readonly securityGroups: ec2.ISecurityGroup[];
  readonly connections: ec2.Connections;
}

/**
 * The subnet group and security groups of a cache. A new security group allows no ingress and no
 * egress (a cache never opens connections); consumers are let in on the cache port only.
 */
export function cacheNetwork(scope: Construct, options: CacheNetworkOptions): CacheNetwork {
  checkNotBoth('subnetGroup', options.subnetGroup, 'vpcSubnets', options.vpcSubnets);
  const subnetGroup = options.subnetGroup ?? new CacheSubnetGroup(scope, 'SubnetGroup', {
    vpc: options.vpc,
    vpcSubnets: options.vpcSubnets,
    description: `Subnets for ${scope.node.path}`,
  });
  if (options.securityGroups !== undefined && options.securityGroups.length === 0) {
    throw new Error('securityGroups must contain at least one security group, got an empty list: omit it to create one');
  }
  const securityGroups = options.securityGroups ?? [
    new ec2.SecurityGroup(scope, 'SecurityGroup', {
      vpc: options.vpc,
      description: `${options.kind} ${scope.node.path}`,
      allowAllOutbound: false,
    }),
  ];
  const connections = new ec2.Connections({ securityGroups, defaultPort: ec2.Port.tcp(options.port) });
  return { subnetGroup, securityGroups, connections };
}
