/** Helpers for the local tests of keys, expiry and eviction: a server on a fake clock, its events. */
import { RawClient } from './support';
import { FakeClock, RedisServerOptions, RunningRedisServer, startRedisServer } from '../../src/local';
import { Client } from '../../src/local/client';
import { parseNotifyFlags } from '../../src/local/notify';
import { RespValue, decodeReply } from '../../src/local/resp/decode';

export interface TestNode {
  readonly server: RunningRedisServer;
  readonly clock: FakeClock;
  readonly client: RawClient;
  /** Commands replicated so far (with MULTI/EXEC where the server wraps them). */
  readonly propagated: string[][];
  /** Sends a command, returns the raw reply. */
  call(...argv: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** A server on a fake clock (engine 'redis' 7.0.15 unless told otherwise) with one raw client. */
export async function startNode(options: RedisServerOptions = {}): Promise<TestNode> {
  const clock = new FakeClock();
  const server = await startRedisServer({ engine: 'redis', version: '7.0.15', clock, ...options });
  const propagated: string[][] = [];
  server.server.onPropagate((_db, argv) => propagated.push([...argv]));
  const client = await RawClient.connect(server.port);
  return {
    server,
    clock,
    client,
    propagated,
    call: (...argv: string[]) => client.call(...argv),
    stop: async () => {
      client.close();
      await server.stop();
    },
  };
}

/**
 * Runs a command at once on an internal client and returns its raw reply: nothing else (no timer,
 * no active expire cycle) can run between two such calls.
 */
export function exec(node: TestNode, ...argv: string[]): string {
  const server = node.server.server;
  const c = server.createInternalClient();
  server.execute(c, argv);
  server.removeClient(c);
  return c.w.take();
}

/** Decodes a complete raw reply. */
export function value(raw: string): RespValue {
  const r = decodeReply(raw, 0);
  if (r === undefined) throw new Error(`incomplete reply ${JSON.stringify(raw)}`);
  return r.value;
}

/** An integer reply as a number. */
export function int(raw: string): number {
  const m = /^:(-?\d+)\r\n$/.exec(raw);
  if (!m) throw new Error(`not an integer reply: ${JSON.stringify(raw)}`);
  return Number(m[1]);
}

/** An array of bulk strings as strings. */
export function strings(raw: string): string[] {
  const v = value(raw);
  if (v.type !== 'array') throw new Error(`not an array: ${JSON.stringify(raw)}`);
  return v.value.map((x) => (x.type === 'bulk' ? x.value : `<${x.type}>`));
}

/**
 * Collects keyspace notifications: an internal client subscribed to every keyspace channel.
 * `take()` returns the (channel, message) pairs published since the last call.
 */
export function listen(node: TestNode): { take(): Array<[string, string]> } {
  const server = node.server.server;
  const c: Client = server.createInternalClient();
  server.pubsub.subscribe('pattern', c, '__key*');
  let out = '';
  c.flush = () => {
    out += c.w.take();
  };
  return {
    take() {
      const raw = out + c.w.take();
      out = '';
      const events: Array<[string, string]> = [];
      let offset = 0;
      while (offset < raw.length) {
        const r = decodeReply(raw, offset);
        if (r === undefined) throw new Error('incomplete notification');
        offset = r.end;
        if (r.value.type !== 'array' && r.value.type !== 'push') continue;
        const parts = r.value.value.map((x) => (x.type === 'bulk' ? x.value : ''));
        events.push([parts[2], parts[3]]);
      }
      return events;
    },
  };
}

/** Sets notify-keyspace-events (directly while the parameter is not registered). */
export function notifications(node: TestNode, flags: string): void {
  const server = node.server.server;
  if (server.config.param('notify-keyspace-events') !== undefined) server.config.set([['notify-keyspace-events', flags]]);
  else server.notifyFlags = parseNotifyFlags(flags) ?? 0;
}

/** INFO field as a number. */
export async function info(node: TestNode, section: string, field: string): Promise<number> {
  const v = value(await node.call('INFO', section));
  const text = v.type === 'bulk' || v.type === 'verbatim' ? v.value : '';
  const m = new RegExp(`^${field}:(\\S+)`, 'm').exec(text);
  if (!m) throw new Error(`INFO ${section} has no ${field}`);
  return Number(m[1]);
}
