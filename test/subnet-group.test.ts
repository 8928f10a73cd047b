import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { testStack, testVpc } from './util';
import { CacheSubnetGroup } from '../src';

describe('CacheSubnetGroup', () => {
  let stack: Stack;
  let vpc: ec2.Vpc;

  beforeEach(() => {
    stack = testStack('My-Stack', new App());
    vpc = testVpc(stack);
  });

  test('generates a lower-case name from the construct path and uses private subnets', () => {
    const group = new CacheSubnetGroup(stack, 'Sessions_Subnets', { vpc });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::ElastiCache::SubnetGroup', {
      Properties: {
        CacheSubnetGroupName: Match.stringLikeRegexp('^mystack-sessionssubnets-[0-9a-f]{8}$'),
        Description: 'Subnets for My-Stack/Sessions_Subnets',
        SubnetIds: vpc.privateSubnets.map((s) => ({ Ref: stack.getLogicalId(s.node.defaultChild as ec2.CfnSubnet) })),
      },
      DeletionPolicy: 'Delete',
    });
    expect(stack.resolve(group.cacheSubnetGroupName)).toEqual({ Ref: stack.getLogicalId(group.node.defaultChild as any) });
    expect(group.subnetIds).toHaveLength(3);
  });

  test('takes an explicit lower-case name, subnets and removal policy', () => {
    new CacheSubnetGroup(stack, 'Subnets', {
      vpc,
      cacheSubnetGroupName: 'sessions-subnets',
      description: 'Isolated subnets',
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Template.fromStack(stack).hasResource('AWS::ElastiCache::SubnetGroup', {
      Properties: {
        CacheSubnetGroupName: 'sessions-subnets',
        Description: 'Isolated subnets',
        SubnetIds: vpc.isolatedSubnets.map((s) => ({ Ref: stack.getLogicalId(s.node.defaultChild as ec2.CfnSubnet) })),
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('generated names stay within 255 characters for deep paths', () => {
    let scope: Construct = stack;
    for (let i = 0; i < 20; i++) scope = new Construct(scope, `VeryLongConstructIdNumber${i}`);
    const group = new CacheSubnetGroup(scope, 'Subnets', { vpc });
    const name: string = (group.node.defaultChild as any).cacheSubnetGroupName;
    expect(name.length).toBeLessThanOrEqual(255);
    expect(name).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
    expect(name).not.toContain('--');
  });

  test('imports by name', () => {
    expect(CacheSubnetGroup.fromCacheSubnetGroupName(stack, 'Imported', 'shared-subnets').cacheSubnetGroupName).toBe('shared-subnets');
  });

  describe('validation errors', () => {
    test.each([
      { testDescription: 'an upper-case name', name: 'Sessions', errorMessage: "cacheSubnetGroupName must be lower case (ElastiCache stores it lower-case), got 'Sessions': use 'sessions'" },
      { testDescription: 'a name with a dot', name: 'a.b', errorMessage: "cacheSubnetGroupName must be 1 to 255 letters, digits or hyphens, got 'a.b'" },
      { testDescription: 'a 256-character name', name: 'a'.repeat(256), errorMessage: 'cacheSubnetGroupName must be 1 to 255 letters, digits or hyphens' },
    ])('$testDescription', ({ name, errorMessage }) => {
      expect(() => new CacheSubnetGroup(stack, 'Subnets', { vpc, cacheSubnetGroupName: name })).toThrow(errorMessage);
    });

    test('a selection without subnets', () => {
      expect(() => new CacheSubnetGroup(stack, 'Subnets', { vpc, vpcSubnets: { subnets: [] } }))
        .toThrow('vpcSubnets selects no subnets: choose subnets of the VPC for the cache');
    });
  });
});
