/**
 * A key of a non-string type on both servers, for WRONGTYPE checks of the string-family commands.
 * The real server gets an RPUSH; the local engine gets RPUSH too when its list commands are
 * registered, otherwise a minimal list value is put into its keyspace directly.
 */
import type { CompatPair } from './harness';
import { RObject } from '../../src/local/store/types';

class ListStandIn extends RObject {
  public readonly type = 'list' as const;
  constructor(private readonly items: string[]) {
    super();
    this.bytes = 64;
  }

  public get length(): number {
    return this.items.length;
  }

  public encoding(): string {
    return 'listpack';
  }

  public clone(): RObject {
    return new ListStandIn([...this.items]);
  }
}

export async function makeListOnBoth(pair: CompatPair, key: string, db = 0): Promise<void> {
  const real = await pair.realClient.call('RPUSH', key, 'a');
  expect(real).toBe(':1\r\n');
  const local = await pair.localClient.call('RPUSH', key, 'a');
  if (local.startsWith('-ERR unknown command')) pair.local.server.dbs[db].set(key, new ListStandIn(['a']));
  else expect(local).toBe(':1\r\n');
}
