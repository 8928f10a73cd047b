import { IConstruct } from 'constructs';
import { CacheConsumer, CacheConsumerBindOptions } from '../consumer';

/** Which caches wrote which prefix into which consumer. */
const REGISTRY = new WeakMap<IConstruct, Map<string, IConstruct>>();

/** Adds a consumer to a cache: rejects a prefix the consumer already receives, then binds. */
export function addConsumerTo(consumer: CacheConsumer, options: CacheConsumerBindOptions): void {
  const seen = REGISTRY.get(consumer.target) ?? new Map<string, IConstruct>();
  const previous = seen.get(options.prefix);
  if (previous !== undefined) {
    throw new Error(previous === options.cache
      ? `${consumer.target.node.path} is already a consumer of ${options.cache.node.path} with prefix ${options.prefix}`
      : `${consumer.target.node.path} already receives the ${options.prefix}_* variables from ${previous.node.path}: ` +
        `pass another prefix, e.g. addConsumer(consumer, { prefix: '${options.prefix}_2' })`);
  }
  consumer.bind(options);
  seen.set(options.prefix, options.cache);
  REGISTRY.set(consumer.target, seen);
}
