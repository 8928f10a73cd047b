import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { testStack } from './util';
import { CacheEngine, CacheParameterGroup, MemcachedVersion } from '../src';

describe('CacheParameterGroup', () => {
  let stack: Stack;

  beforeEach(() => {
    stack = testStack('TestStack', new App());
  });

  test('derives the family from the engine', () => {
    const group = new CacheParameterGroup(stack, 'Params', {
      engine: CacheEngine.REDIS_6_2,
      parameters: { 'maxmemory-policy': 'volatile-lru', 'cluster-enabled': 'yes' },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: 'redis6.x',
      Description: 'Parameters for TestStack/Params',
      Properties: { 'maxmemory-policy': 'volatile-lru', 'cluster-enabled': 'yes' },
    });
    expect(group.family).toBe('redis6.x');
    expect(group.clusterEnabled).toBe(true);
    expect(stack.resolve(group.cacheParameterGroupName)).toEqual({ Ref: stack.getLogicalId(group.node.defaultChild as CfnElement) });
  });

  test('without parameters the group has no properties and cluster-enabled is off', () => {
    const group = new CacheParameterGroup(stack, 'Params', { engine: MemcachedVersion.LATEST, description: 'Memcached' });
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: 'memcached1.6', Description: 'Memcached', Properties: Match.absent(),
    });
    expect(group.clusterEnabled).toBe(false);
  });

  test.each([
    ['default.valkey8', 'valkey8', false],
    ['default.valkey8.cluster.on', 'valkey8', true],
    ['default.redis6.x.cluster.on', 'redis6.x', true],
    ['default.memcached1.6', 'memcached1.6', false],
    ['my-custom-params', undefined, undefined],
  ])('importing %s knows family %s and cluster-enabled %s', (name, family, clusterEnabled) => {
    const group = CacheParameterGroup.fromCacheParameterGroupName(stack, 'Imported', name);
    expect(group.cacheParameterGroupName).toBe(name);
    expect(group.family).toBe(family);
    expect(group.clusterEnabled).toBe(clusterEnabled);
  });

  describe('validation errors', () => {
    test.each<{ testDescription: string; engine: CacheEngine | MemcachedVersion; parameters: Record<string, string>; errorMessage: string }>([
      { testDescription: 'cluster-enabled on memcached', engine: MemcachedVersion.LATEST, parameters: { 'cluster-enabled': 'yes' }, errorMessage: "parameters 'cluster-enabled' applies only to Valkey and Redis OSS, not to the memcached1.6 family" },
      { testDescription: 'cluster-enabled true', engine: CacheEngine.VALKEY_8_1, parameters: { 'cluster-enabled': 'true' }, errorMessage: "parameters 'cluster-enabled' must be 'yes' or 'no', got 'true'" },
      { testDescription: 'a parameter name with a space', engine: CacheEngine.VALKEY_8_1, parameters: { 'maxmemory policy': 'x' }, errorMessage: "parameters names must be non-empty and without spaces, got 'maxmemory policy'" },
    ])('$testDescription', ({ engine, parameters, errorMessage }) => {
      expect(() => new CacheParameterGroup(stack, 'Params', { engine, parameters })).toThrow(errorMessage);
    });

    test('an unknown family', () => {
      expect(() => new CacheParameterGroup(stack, 'Params', { engine: { engineName: 'redis', version: '1.0', parameterGroupFamily: 'redis1.0' } }))
        .toThrow("parameter group family must be one of valkey8, valkey7, memcached1.4, memcached1.5, memcached1.6, redis2.6, redis2.8, redis3.2, redis4.0, redis5.0, redis6.x, redis7, got 'redis1.0'");
    });

    test('an empty imported name', () => {
      expect(() => CacheParameterGroup.fromCacheParameterGroupName(stack, 'Imported', '')).toThrow('cacheParameterGroupName must not be empty');
    });
  });
});
