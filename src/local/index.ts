/**
 * `cdk-elasticache/local`: the local engine. Pure Node.js servers speaking the Redis and memcached
 * protocols, started alone or as the topology of a synthesized stack, for tests without AWS.
 * Not part of the jsii API.
 */
export { startRedisServer, RedisServer, RedisServerOptions, RunningRedisServer, EngineFlavor, ELASTICACHE_RESTRICTED } from './server';
export { FakeClock, Clock, systemClock } from './store/clock';
export { ListenerTls } from './net/listener';
export { LocalCa, KeyAndCert } from './tls/ca';
export { LocalElastiCache, LocalElastiCacheOptions, LocalCache, LocalConsumer } from './topology/local-elasticache';
export { LocalRedisGroup, LocalEndpoint } from './topology/redis-group';
export { TemplateSource, CfnTemplate } from './topology/template';
