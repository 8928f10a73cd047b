import { CacheNodeType } from '../../node-type';

/** Memory of an ElastiCache node type in bytes, from the library's node type table. */
export function nodeMemoryBytes(nodeType: string): number | undefined {
  const memory = CacheNodeType.of(nodeType).memory;
  return memory === undefined ? undefined : memory.toMebibytes() * 1024 * 1024;
}
