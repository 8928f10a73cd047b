import type { Client } from './client';
import { globMatch } from './util/glob';

/**
 * Channel registry of a server: who listens to which channel, pattern or shard channel, and
 * delivery of messages as RESP2 arrays or RESP3 push frames.
 */
export class PubSub {
  public readonly channels = new Map<string, Set<Client>>();
  public readonly patterns = new Map<string, Set<Client>>();
  public readonly shardChannels = new Map<string, Set<Client>>();

  constructor(private readonly markPending: (c: Client) => void) {}

  /** Delivers a message to subscribers of `channel` and of matching patterns; returns the receiver count. */
  public publish(channel: string, message: string): number {
    let receivers = 0;
    const direct = this.channels.get(channel);
    if (direct !== undefined) {
      for (const c of direct) {
        c.w.push(3);
        c.w.bulk('message');
        c.w.bulk(channel);
        c.w.bulk(message);
        this.markPending(c);
        receivers++;
      }
    }
    if (this.patterns.size > 0) {
      for (const [pattern, clients] of this.patterns) {
        if (!globMatch(pattern, channel)) continue;
        for (const c of clients) {
          c.w.push(4);
          c.w.bulk('pmessage');
          c.w.bulk(pattern);
          c.w.bulk(channel);
          c.w.bulk(message);
          this.markPending(c);
          receivers++;
        }
      }
    }
    return receivers;
  }

  /** Delivers a message to subscribers of a shard channel (SPUBLISH). */
  public publishShard(channel: string, message: string): number {
    const clients = this.shardChannels.get(channel);
    if (clients === undefined) return 0;
    for (const c of clients) {
      c.w.push(3);
      c.w.bulk('smessage');
      c.w.bulk(channel);
      c.w.bulk(message);
      this.markPending(c);
    }
    return clients.size;
  }

  /** Subscribes; returns whether the client was not yet subscribed. */
  public subscribe(kind: 'channel' | 'pattern' | 'shard', c: Client, name: string): boolean {
    const own = kind === 'channel' ? c.channels : kind === 'pattern' ? c.patterns : c.shardChannels;
    if (own.has(name)) return false;
    own.add(name);
    const registry = this.registry(kind);
    let set = registry.get(name);
    if (set === undefined) {
      set = new Set();
      registry.set(name, set);
    }
    set.add(c);
    return true;
  }

  /** Unsubscribes; returns whether the client was subscribed. */
  public unsubscribe(kind: 'channel' | 'pattern' | 'shard', c: Client, name: string): boolean {
    const own = kind === 'channel' ? c.channels : kind === 'pattern' ? c.patterns : c.shardChannels;
    if (!own.delete(name)) return false;
    const registry = this.registry(kind);
    const set = registry.get(name);
    if (set !== undefined) {
      set.delete(c);
      if (set.size === 0) registry.delete(name);
    }
    return true;
  }

  /** Removes every subscription of a client (disconnect, RESET). */
  public removeClient(c: Client): void {
    for (const name of [...c.channels]) this.unsubscribe('channel', c, name);
    for (const name of [...c.patterns]) this.unsubscribe('pattern', c, name);
    for (const name of [...c.shardChannels]) this.unsubscribe('shard', c, name);
  }

  private registry(kind: 'channel' | 'pattern' | 'shard'): Map<string, Set<Client>> {
    return kind === 'channel' ? this.channels : kind === 'pattern' ? this.patterns : this.shardChannels;
  }
}
