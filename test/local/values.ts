/**
 * Values of every collection type for tests of the generic key commands (COPY, DUMP/RESTORE,
 * SORT, OBJECT, eviction), built through the types' registered codecs so the tests exercise the
 * real types.
 */
import '../../src/local';
import { RObject, codecFor } from '../../src/local/store/types';

/**
 * A value of the given type from the arguments its write command would take: list elements, set
 * members, `score member` pairs for a sorted set (as ZADD takes them), `field value` pairs for a hash.
 */
export function makeValue(type: 'list' | 'set' | 'zset' | 'hash', items: readonly string[]): RObject {
  const codec = codecFor(type);
  if (codec === undefined) throw new Error(`no codec registered for ${type}`);
  if (type === 'zset') {
    // The sorted set codec holds member, score pairs.
    const pairs: string[] = [];
    for (let i = 0; i < items.length; i += 2) pairs.push(items[i + 1], items[i]);
    return codec.restore(pairs);
  }
  return codec.restore(type === 'set' ? [...new Set(items)] : items);
}
