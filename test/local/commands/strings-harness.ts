import { FakeClock } from '../../../src/local';
import type { Client } from '../../../src/local/client';
import { RedisServer, RedisServerOptions } from '../../../src/local/server';
import type { Watcher } from '../../../src/local/store/db';

/**
 * An in-process server (no socket) for command tests: runs requests through the full dispatch and
 * records what the server propagates to replicas and which keyspace events it raises.
 */
export class Engine {
  public readonly clock = new FakeClock();
  public readonly server: RedisServer;
  public readonly client: Client;
  /** Commands sent to replicas, in order. */
  public readonly propagated: string[][] = [];
  /** Keyspace events as `event key`. */
  public readonly events: string[] = [];

  constructor(options: RedisServerOptions = {}) {
    this.server = new RedisServer({ clock: this.clock, ...options });
    this.client = this.server.createInternalClient();
    this.server.onPropagate((_db, argv) => this.propagated.push([...argv]));
    this.server.notifyFlags = 0xffff;
    this.server.notify = (_cls: number, event: string, key: string) => {
      this.events.push(`${event} ${key}`);
    };
  }

  /** Runs one request; returns the raw reply. */
  public run(...argv: string[]): string {
    this.server.execute(this.client, argv);
    return this.client.w.take();
  }

  /** Runs one request and returns what it propagated and which events it raised. */
  public effects(...argv: string[]): { reply: string; propagated: string[][]; events: string[] } {
    const p = this.propagated.length;
    const e = this.events.length;
    const reply = this.run(...argv);
    return { reply, propagated: this.propagated.slice(p), events: this.events.slice(e) };
  }

  /** A watcher of `key` (WATCH), to see whether a command invalidates it. */
  public watch(key: string): Watcher {
    const watcher: Watcher = { dirtyCas: false };
    this.server.dbs[0].watch(key, watcher);
    return watcher;
  }

  /** The stored value of a key (undefined when missing). */
  public value(key: string): unknown {
    return this.server.dbs[0].get(key, this.clock.now(), false);
  }
}
