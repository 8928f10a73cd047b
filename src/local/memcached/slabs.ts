/**
 * memcached's memory model, kept as accounting: items are sized as memcached sizes them, placed in
 * the same slab classes (chunk sizes growing by 1.25 from 96 bytes), and memory is handed out in
 * 1 MiB pages per class. A class may take a new page while the total stays within the memory
 * limit (or when it has none yet); otherwise the class evicts from its own LRU. This reproduces
 * when memcached evicts and what `stats slabs` / `stats items` report.
 */

/** sizeof(item) on 64-bit memcached 1.6: the per-item header. */
export const ITEM_HEADER_SIZE = 48;
/** The CAS value stored with each item. */
export const ITEM_CAS_SIZE = 8;
/** Client flags are stored only when non-zero. */
export const ITEM_FLAGS_SIZE = 4;
export const SLAB_PAGE_SIZE = 1024 * 1024;
const CHUNK_SIZE = 48; // -n default: minimum space for key + value + flags
const GROWTH_FACTOR = 1.25;
const CHUNK_ALIGN = 8;
export const DEFAULT_ITEM_SIZE_MAX = 1024 * 1024;

/**
 * Bytes memcached charges for an item (ITEM_ntotal): header, key with its terminator, flags when
 * non-zero, data with its trailing "\r\n", and the CAS.
 */
export function itemTotalSize(keyLength: number, flags: number, valueLength: number): number {
  return ITEM_HEADER_SIZE + keyLength + 1 + (flags === 0 ? 0 : ITEM_FLAGS_SIZE) + valueLength + 2 + ITEM_CAS_SIZE;
}

export interface SlabClass {
  readonly id: number;
  readonly size: number;
  readonly perPage: number;
}

/** The slab classes for a given chunk size limit (memcached's slabs_init without -o slab_sizes). */
export function slabClasses(chunkSizeMax: number = SLAB_PAGE_SIZE / 2): SlabClass[] {
  const classes: SlabClass[] = [];
  let size = ITEM_HEADER_SIZE + CHUNK_SIZE;
  let id = 1;
  // memcached stops one class short of its array size (63 usable classes); the factor loop ends
  // well before that with default settings.
  while (id < 63) {
    if (size >= chunkSizeMax / GROWTH_FACTOR) break;
    if (size % CHUNK_ALIGN) size += CHUNK_ALIGN - (size % CHUNK_ALIGN);
    classes.push({ id, size, perPage: Math.floor(SLAB_PAGE_SIZE / size) });
    size = Math.floor(size * GROWTH_FACTOR); // unsigned int arithmetic truncates
    id++;
  }
  classes.push({ id, size: chunkSizeMax, perPage: Math.floor(SLAB_PAGE_SIZE / chunkSizeMax) });
  return classes;
}
