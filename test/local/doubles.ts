/**
 * Small collection values for tests of the generic key commands (COPY, DUMP/RESTORE, SORT,
 * OBJECT, eviction) that must work for any registered value type. Their codecs are registered
 * only for types no type module has registered, so the real types win once they exist.
 */
import { EncodingConfig, RObject, ValueCodec, codecFor, registerCodec } from '../../src/local/store/types';

const ELEMENT_OVERHEAD = 16;

abstract class ItemsDouble extends RObject {
  public readonly items: string[];
  constructor(items: readonly string[]) {
    super();
    this.items = [...items];
    this.bytes = 48 + this.items.reduce((n, s) => n + ELEMENT_OVERHEAD + s.length, 0);
  }

  public push(item: string): void {
    this.items.push(item);
    this.account(ELEMENT_OVERHEAD + item.length);
  }

  public encoding(_config: EncodingConfig): string {
    return 'listpack';
  }
}

/** A list: items in order. */
export class ListDouble extends ItemsDouble {
  public readonly type = 'list';
  public get length(): number {
    return this.items.length;
  }

  public clone(): ListDouble {
    return new ListDouble(this.items);
  }
}

/** A set: distinct members in insertion order. */
export class SetDouble extends ItemsDouble {
  public readonly type = 'set';
  constructor(members: readonly string[]) {
    super([...new Set(members)]);
  }

  public get length(): number {
    return this.items.length;
  }

  public clone(): SetDouble {
    return new SetDouble(this.items);
  }
}

/** A sorted set: flat score, member pairs (as ZADD takes them). */
export class ZSetDouble extends ItemsDouble {
  public readonly type = 'zset';
  public get length(): number {
    return this.items.length / 2;
  }

  /** Members by ascending score, then by member bytes, as a sorted set orders them. */
  public members(): string[] {
    const pairs: Array<[number, string]> = [];
    for (let i = 0; i < this.items.length; i += 2) pairs.push([Number(this.items[i]), this.items[i + 1]]);
    pairs.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    return pairs.map((p) => p[1]);
  }

  public clone(): ZSetDouble {
    return new ZSetDouble(this.items);
  }
}

/** A hash: flat field, value pairs. */
export class HashDouble extends ItemsDouble {
  public readonly type = 'hash';
  public get length(): number {
    return this.items.length / 2;
  }

  public clone(): HashDouble {
    return new HashDouble(this.items);
  }
}

const DOUBLE_CODECS: Array<[RObject['type'], ValueCodec<any>]> = [
  ['list', { tag: 0xe1, dump: (v: ListDouble) => [...v.items], restore: (items) => new ListDouble(items), sortElements: (v: ListDouble) => [...v.items] }],
  ['set', { tag: 0xe2, dump: (v: SetDouble) => [...v.items], restore: (items) => new SetDouble(items), sortElements: (v: SetDouble) => [...v.items] }],
  ['zset', {
    tag: 0xe3,
    dump: (v: ZSetDouble) => [...v.items],
    restore: (items) => {
      if (items.length % 2 !== 0) throw new Error('odd number of items');
      return new ZSetDouble(items);
    },
    sortElements: (v: ZSetDouble) => v.members(),
  }],
  ['hash', {
    tag: 0xe4,
    dump: (v: HashDouble) => [...v.items],
    restore: (items) => {
      if (items.length % 2 !== 0) throw new Error('odd number of items');
      return new HashDouble(items);
    },
  }],
];

/** Registers the doubles' codecs for the types that have none yet; returns the types it registered. */
export function registerDoubles(): string[] {
  const registered: string[] = [];
  for (const [type, codec] of DOUBLE_CODECS) {
    if (codecFor(type) !== undefined) continue;
    registerCodec(type as Exclude<RObject['type'], never>, codec);
    registered.push(type);
  }
  return registered;
}

/** A double of the given type from the arguments its write command would take. */
export function makeDouble(type: 'list' | 'set' | 'zset' | 'hash', items: readonly string[]): RObject {
  switch (type) {
    case 'list': return new ListDouble(items);
    case 'set': return new SetDouble(items);
    case 'zset': return new ZSetDouble(items);
    case 'hash': return new HashDouble(items);
  }
}
