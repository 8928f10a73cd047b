/**
 * Normalizers for differential tests: each papers over one documented difference, keeping the
 * bytes of everything else.
 */
import { RespValue, decodeReply } from '../../src/local/resp/decode';

const NONE: ReadonlySet<string> = new Set();

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

/** Decodes one complete reply. */
export function decode(reply: string): RespValue {
  const r = decodeReply(reply, 0);
  if (r === undefined) throw new Error(`incomplete reply: ${JSON.stringify(reply.slice(0, 200))}`);
  return r.value;
}

/** The elements of an aggregate reply (array, set, push, or a map's flattened pairs). */
export function elements(v: RespValue): RespValue[] {
  if (v.type === 'array' || v.type === 'set' || v.type === 'push') return v.value;
  if (v.type === 'map' || v.type === 'attribute') return v.value.flat();
  throw new Error(`not an aggregate: ${JSON.stringify(v)}`);
}

/** The text of a bulk or simple string reply element. */
export function text(v: RespValue): string {
  return v.type === 'bulk' || v.type === 'simple' || v.type === 'verbatim' || v.type === 'error' ? v.value : JSON.stringify(v);
}

/** The name/value pairs of a map (RESP3) or flat pair array (RESP2). */
export function pairsOf(v: RespValue): Array<[RespValue, RespValue]> {
  if (v.type === 'map') return v.value;
  if (v.type !== 'array') throw new Error(`not a map: ${v.type}`);
  const out: Array<[RespValue, RespValue]> = [];
  for (let i = 0; i < v.value.length; i += 2) out.push([v.value[i], v.value[i + 1]]);
  return out;
}

/** Rebuilds a map-like value (keeping its RESP2/RESP3 shape) from pairs. */
function withPairs(v: RespValue, pairs: Array<[RespValue, RespValue]>): RespValue {
  return v.type === 'map' ? { type: 'map', value: pairs } : { type: 'array', value: pairs.flat() };
}

/**
 * A COMMAND INFO entry made comparable: key specs without `notes` (prose the engine does not
 * copy) and subcommands sorted by name (the real server lists them in hash-table order). Names
 * in `omit` (subcommands the engine deliberately lacks) are dropped from the subcommand list.
 */
export function normalizeCommandInfo(v: RespValue, omit: ReadonlySet<string> = NONE): RespValue {
  if (v.type !== 'array' || v.value.length !== 10) return v;
  const items = [...v.value];
  const specs = items[8];
  if (specs.type === 'array' || specs.type === 'set') {
    items[8] = { type: specs.type, value: specs.value.map((spec) => withPairs(spec, pairsOf(spec).filter(([k]) => text(k) !== 'notes'))) };
  }
  const subs = items[9];
  if (subs.type === 'array' && subs.value.length > 0) {
    const normalized = subs.value.filter((sub) => !omit.has(commandName(sub))).map((sub) => normalizeCommandInfo(sub));
    normalized.sort((a, b) => commandName(a).localeCompare(commandName(b)));
    items[9] = { type: 'array', value: normalized };
  }
  return { type: 'array', value: items };
}

function commandName(v: RespValue): string {
  return v.type === 'array' ? text(v.value[0]) : '';
}

/** Documentation prose in COMMAND DOCS: the engine writes its own. */
const DOCS_PROSE = new Set(['summary', 'complexity', 'history', 'replaced_by']);

/**
 * A COMMAND DOCS reply made comparable: prose removed, commands and subcommands sorted by name,
 * and the subcommands named in `omit` (ones the engine deliberately lacks) dropped.
 */
export function normalizeDocs(v: RespValue, omit: ReadonlySet<string> = NONE): RespValue {
  const pairs = pairsOf(v)
    .filter(([name]) => !omit.has(text(name)))
    .map(([name, docs]) => [name, normalizeDocEntry(docs, omit)] as [RespValue, RespValue]);
  pairs.sort((a, b) => text(a[0]).localeCompare(text(b[0])));
  return withPairs(v, pairs);
}

function normalizeDocEntry(v: RespValue, omit: ReadonlySet<string>): RespValue {
  const pairs = pairsOf(v)
    .filter(([k]) => !DOCS_PROSE.has(text(k)))
    .map(([k, val]) => [k, text(k) === 'subcommands' ? normalizeDocs(val, omit) : val] as [RespValue, RespValue]);
  return withPairs(v, pairs);
}

