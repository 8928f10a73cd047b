/**
 * Keyspace notification classes (the `notify-keyspace-events` flags) and their text form.
 */
export const Notify = {
  KEYSPACE: 1 << 0, // K
  KEYEVENT: 1 << 1, // E
  GENERIC: 1 << 2, // g
  STRING: 1 << 3, // $
  LIST: 1 << 4, // l
  SET: 1 << 5, // s
  HASH: 1 << 6, // h
  ZSET: 1 << 7, // z
  EXPIRED: 1 << 8, // x
  EVICTED: 1 << 9, // e
  STREAM: 1 << 10, // t
  KEY_MISS: 1 << 11, // m
  MODULE: 1 << 12, // d
  NEW: 1 << 13, // n
} as const;

/** `A`: every class except m and n. */
const ALL = Notify.GENERIC | Notify.STRING | Notify.LIST | Notify.SET | Notify.HASH | Notify.ZSET
  | Notify.EXPIRED | Notify.EVICTED | Notify.STREAM | Notify.MODULE;

const LETTERS: Array<[string, number]> = [
  ['g', Notify.GENERIC], ['$', Notify.STRING], ['l', Notify.LIST], ['s', Notify.SET], ['h', Notify.HASH],
  ['z', Notify.ZSET], ['x', Notify.EXPIRED], ['e', Notify.EVICTED], ['K', Notify.KEYSPACE],
  ['E', Notify.KEYEVENT], ['t', Notify.STREAM], ['m', Notify.KEY_MISS], ['d', Notify.MODULE], ['n', Notify.NEW],
];

/** Parses the flags string; undefined when it has an unknown letter. */
export function parseNotifyFlags(text: string): number | undefined {
  let flags = 0;
  for (const ch of text) {
    if (ch === 'A') {
      flags |= ALL;
      continue;
    }
    const entry = LETTERS.find(([letter]) => letter === ch);
    if (entry === undefined) return undefined;
    flags |= entry[1];
  }
  return flags;
}

/** The flags as CONFIG GET prints them (the server's canonical order, `A` for the full set). */
export function formatNotifyFlags(flags: number): string {
  let out = '';
  if ((flags & ALL) === ALL) {out += 'A';} else {
    for (const [letter, bit] of LETTERS.slice(0, 8)) if (flags & bit) out += letter;
    if (flags & Notify.STREAM) out += 't';
    if (flags & Notify.MODULE) out += 'd';
    if (flags & Notify.NEW) out += 'n';
  }
  if (flags & Notify.KEYSPACE) out += 'K';
  if (flags & Notify.KEYEVENT) out += 'E';
  if (flags & Notify.KEY_MISS) out += 'm';
  return out;
}
