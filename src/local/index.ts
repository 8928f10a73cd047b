/**
 * `cdk-elasticache/local`: the local engine. Pure Node.js servers speaking the Redis and memcached
 * protocols, started alone or as the topology of a synthesized stack, for tests without AWS.
 * Not part of the jsii API.
 */
export { startRedisServer, RedisServer, ELASTICACHE_RESTRICTED } from './server';
export type { RedisServerOptions, RunningRedisServer, EngineFlavor } from './server';
export { FakeClock, systemClock } from './store/clock';
export type { Clock } from './store/clock';
export type { ListenerTls } from './net/listener';
export { LocalCa } from './tls/ca';
export type { KeyAndCert } from './tls/ca';
export { LocalElastiCache } from './topology/local-elasticache';
export type { LocalElastiCacheOptions, LocalCache, LocalConsumer } from './topology/local-elasticache';
export { LocalRedisGroup } from './topology/redis-group';
export type { LocalEndpoint } from './topology/redis-group';
export type { TemplateSource, CfnTemplate } from './topology/template';
