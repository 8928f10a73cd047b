/**
 * Order-insensitive comparison of replies for collections whose order the real server does not
 * define (hash-table encodings, random picks): the elements of an aggregate reply are sorted by
 * their raw bytes, in groups (a field with its value), and the reply is re-assembled. Everything
 * else (types, lengths, element bytes) still has to match exactly.
 */
import { decodeReply } from '../../src/local/resp/decode';

/** The header line and the raw elements of the aggregate reply at `offset`. */
export function splitAggregate(raw: string, offset = 0): { header: string; items: string[]; end: number } {
  const lineEnd = raw.indexOf('\r\n', offset);
  const header = raw.slice(offset, lineEnd + 2);
  const prefix = raw[offset];
  if (!'*~%>'.includes(prefix)) throw new Error(`not an aggregate reply: ${JSON.stringify(raw.slice(offset, offset + 40))}`);
  const count = Number(raw.slice(offset + 1, lineEnd)) * (prefix === '%' ? 2 : 1);
  const items: string[] = [];
  let pos = lineEnd + 2;
  for (let i = 0; i < count; i++) {
    const r = decodeReply(raw, pos);
    if (r === undefined) throw new Error('incomplete reply');
    items.push(raw.slice(pos, r.end));
    pos = r.end;
  }
  return { header, items, end: pos };
}

function sortGroups(items: string[], group: number): string[] {
  const groups: string[] = [];
  for (let i = 0; i < items.length; i += group) groups.push(items.slice(i, i + group).join(''));
  return groups.sort();
}

/**
 * Sorts the elements of an aggregate reply, `group` at a time (2 for RESP2 field/value lists;
 * maps are always sorted by pair). Error and scalar replies come back unchanged.
 */
export function unordered(raw: string, group = 1): string {
  if (!'*~%>'.includes(raw[0]) || raw.startsWith('*-1')) return raw;
  const { header, items, end } = splitAggregate(raw);
  const size = raw[0] === '%' ? 2 : group;
  return header + sortGroups(items, size).join('') + raw.slice(end);
}

/** For `[cursor, [elements]]` scan replies: the cursor stays, the elements are sorted. */
export function unorderedScan(raw: string, group = 1): string {
  if (raw[0] !== '*') return raw;
  const outer = splitAggregate(raw);
  return outer.header + outer.items[0] + unordered(outer.items[1], group);
}

/** The raw elements of an aggregate reply (for membership checks of random picks). */
export function itemsOf(raw: string): string[] {
  return splitAggregate(raw).items;
}
