/**
 * The IP protocols a cache's endpoints use. Changing it replaces the cache.
 *
 * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/network-type.html
 */
export enum NetworkType {
  /** IPv4 only. */
  IPV4 = 'ipv4',
  /** IPv6 only (Valkey 7.2+, Redis OSS 6.2+, Memcached 1.6.6+, on Nitro node types). */
  IPV6 = 'ipv6',
  /** IPv4 and IPv6 (same requirements as IPV6). */
  DUAL_STACK = 'dual_stack',
}
