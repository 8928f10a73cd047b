/**
 * Normalizers for differential tests: each papers over one documented difference, keeping the
 * bytes of everything else.
 */
import { decodeReply } from '../../src/local/resp/decode';

/** Splits an aggregate reply into its header line and the raw bytes of each element. */
export function splitAggregate(reply: string): { header: string; items: string[] } {
  const headerEnd = reply.indexOf('\r\n') + 2;
  const header = reply.slice(0, headerEnd);
  const type = header[0];
  let count = Number(header.slice(1, -2));
  if (type === '%' || type === '|') count *= 2;
  const items: string[] = [];
  let pos = headerEnd;
  for (let i = 0; i < count; i++) {
    const r = decodeReply(reply, pos);
    if (r === undefined) throw new Error(`incomplete reply: ${JSON.stringify(reply.slice(0, 200))}`);
    items.push(reply.slice(pos, r.end));
    pos = r.end;
  }
  return { header, items };
}

/**
 * Sorts the name/value pairs of a map reply (RESP3 `%`) or flat pair array (RESP2 `*`): the
 * real server lists hash-table entries (CONFIG GET, COMMAND DOCS) in an order that changes with
 * its random hash seed.
 */
export function sortPairs(reply: string): string {
  if (reply[0] !== '*' && reply[0] !== '%') return reply;
  const { header, items } = splitAggregate(reply);
  const pairs: string[] = [];
  for (let i = 0; i < items.length; i += 2) pairs.push(items[i] + items[i + 1]);
  pairs.sort();
  return header + pairs.join('');
}

/** Sorts the elements of an array or set reply (COMMAND, COMMAND INFO subcommands...). */
export function sortItems(reply: string): string {
  if (reply[0] !== '*' && reply[0] !== '~') return reply;
  const { header, items } = splitAggregate(reply);
  return header + [...items].sort().join('');
}

/** Encodes a bulk string. */
export function bulk(s: string): string {
  return '$' + s.length + '\r\n' + s + '\r\n';
}

/** Replaces the value that follows the bulk-string `name` in a pair list with `<name>`. */
export function maskValueAfter(reply: string, name: string): string {
  const key = bulk(name);
  let out = reply;
  let from = 0;
  for (;;) {
    const at = out.indexOf(key, from);
    if (at < 0) return out;
    const valueStart = at + key.length;
    const r = decodeReply(out, valueStart);
    if (r === undefined) return out;
    const mask = bulk(`<${name}>`);
    out = out.slice(0, valueStart) + mask + out.slice(r.end);
    from = valueStart + mask.length;
  }
}
