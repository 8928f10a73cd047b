/**
 * Helpers for the differential tests of the generic key commands: seeding collections on both
 * servers (with the local type doubles until the type's own commands exist), configuration on
 * both, replies normalized for the documented ordering differences, and keyspace notifications.
 */
import { CompatPair } from './harness';
import { Client } from '../../src/local/client';
import { parseNotifyFlags } from '../../src/local/notify';
import { RespValue, decodeReply } from '../../src/local/resp/decode';
import { makeDouble, registerDoubles } from '../local/doubles';
import { RawClient, encode } from '../local/support';

const WRITE_COMMAND = { list: 'RPUSH', set: 'SADD', zset: 'ZADD', hash: 'HSET' } as const;
export type CollectionType = keyof typeof WRITE_COMMAND;

const doubled = new Set(registerDoubles());

/**
 * Creates a collection on both servers: with its write command on the real server, and on the
 * local engine with the same command when it exists, otherwise as a test double.
 */
export async function seed(pair: CompatPair, type: CollectionType, key: string, items: readonly string[], db = 0): Promise<void> {
  const command = WRITE_COMMAND[type];
  const real = await pair.realClient.call(command, key, ...items);
  if (real.startsWith('-')) throw new Error(`${command} failed on redis-server: ${real}`);
  const local = pair.local.server;
  if (local.lookupCommand(command) !== undefined) {
    const reply = await pair.localClient.call(command, key, ...items);
    if (reply.startsWith('-')) throw new Error(`${command} failed on the local engine: ${reply}`);
    return;
  }
  if (!doubled.has(type)) throw new Error(`the local engine has the ${type} type but not ${command}`);
  local.dbs[db].set(key, makeDouble(type, items));
}

/**
 * Sets configuration parameters on both servers (the local one directly, without CONFIG).
 * Memory amounts carry a unit (`1b`) so that every configuration parser takes them.
 */
export async function configBoth(pair: CompatPair, settings: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(settings)) {
    const reply = await pair.realClient.call('CONFIG', 'SET', name, value);
    if (reply !== '+OK\r\n') throw new Error(`CONFIG SET ${name} ${value} failed on redis-server: ${reply}`);
    const server = pair.local.server;
    if (server.config.param(name) !== undefined) {
      server.config.set([[name, value]]);
    } else if (name === 'notify-keyspace-events') {
      // Until the parameter is registered, set what the server derives from it.
      server.notifyFlags = parseNotifyFlags(value) ?? 0;
    } else {
      throw new Error(`the local engine has no parameter ${name}`);
    }
  }
}

/** Decodes one complete reply. */
export function decode(raw: string): RespValue {
  const r = decodeReply(raw, 0);
  if (r === undefined || r.end !== raw.length) throw new Error(`not one complete reply: ${JSON.stringify(raw)}`);
  return r.value;
}

/** An array reply of bulk strings re-encoded with its elements sorted (the order is the server's own). */
export function sortedArray(raw: string): string {
  const v = decode(raw);
  if (v.type !== 'array') return raw;
  const items = v.value.map((x) => (x.type === 'bulk' ? x.value : JSON.stringify(x)));
  items.sort();
  return encode(items);
}

/** Runs a full SCAN iteration with the given options; returns the keys seen (sorted, distinct) and the calls made. */
export async function scanAll(client: RawClient, options: readonly string[] = []): Promise<{ keys: string[]; calls: number }> {
  const seen = new Set<string>();
  let cursor = '0';
  let calls = 0;
  do {
    const reply = decode(await client.call('SCAN', cursor, ...options));
    calls++;
    if (reply.type !== 'array') throw new Error(`SCAN failed: ${JSON.stringify(reply)}`);
    const [next, keys] = reply.value;
    if (next.type !== 'bulk' || keys.type !== 'array') throw new Error('unexpected SCAN reply');
    cursor = next.value;
    for (const k of keys.value) if (k.type === 'bulk') seen.add(k.value);
    if (calls > 100000) throw new Error('SCAN does not terminate');
  } while (cursor !== '0');
  return { keys: [...seen].sort(), calls };
}

/** A field of INFO's text, as a number. */
export async function infoField(client: RawClient, section: string, field: string): Promise<number> {
  const v = decode(await client.call('INFO', section));
  const text = v.type === 'bulk' || v.type === 'verbatim' ? v.value : '';
  const m = new RegExp(`^${field}:(\\S+)`, 'm').exec(text);
  if (!m) throw new Error(`INFO ${section} has no ${field}`);
  return Number(m[1]);
}

/**
 * Listens to every keyspace notification on both servers: a PSUBSCRIBEd connection on the real
 * one, a subscribed internal client on the local one. `take()` returns both streams of raw
 * messages received since the last call.
 */
export async function listenBoth(pair: CompatPair): Promise<{ take(): Promise<{ real: string; local: string }> }> {
  const { real } = await pair.connectBoth();
  const subscribed = await real.call('PSUBSCRIBE', '__key*');
  if (!subscribed.startsWith('*3')) throw new Error(`PSUBSCRIBE failed: ${subscribed}`);
  const local: Client = pair.local.server.createInternalClient();
  pair.local.server.pubsub.subscribe('pattern', local, '__key*');
  // An internal client has no socket: keep what the server flushes to it.
  let localOut = '';
  local.flush = () => {
    localOut += local.w.take();
  };
  return {
    async take() {
      // A PING on the real connection marks the end of what was published before it.
      const pong = '*2\r\n$4\r\npong\r\n$0\r\n\r\n';
      real.write(encode(['PING']));
      let got = '';
      for (;;) {
        const reply = await real.reply();
        if (reply === pong) break;
        got += reply;
      }
      const out = localOut + local.w.take();
      localOut = '';
      return { real: got, local: out };
    },
  };
}
