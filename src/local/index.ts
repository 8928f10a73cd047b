/**
 * `cdk-elasticache/local`: the local engine. Pure Node.js servers speaking the Redis and memcached
 * protocols, started alone or as the topology of a synthesized stack, for tests without AWS.
 * Not part of the jsii API.
 */
export { startMemcachedServer } from './memcached/server';
export type { MemcachedServer, MemcachedServerOptions, MemcachedSaslOptions } from './memcached/server';
export { ClusterDiscovery, formatClusterConfig, LEGACY_CONFIG_KEY } from './memcached/discovery';
export type { MemcachedDiscovery, DiscoveryNode } from './memcached/discovery';
export { FakeClock, systemClock } from './store/clock';
export type { Clock } from './store/clock';
export type { ListenerTls } from './net/listener';
