/**
 * `cdk-elasticache/local`: the local engine for tests, in-process and pure Node.js. Not part of
 * the jsii API.
 */
export * from './clock';
export * from './memcached/discovery';
export * from './memcached/server';
