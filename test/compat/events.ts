/**
 * Keyspace notifications seen on both sides of a {@link CompatPair}: a RawClient subscribed with
 * PSUBSCRIBE on the real server, and an internal client subscribed directly on the local
 * engine's channel registry. Both deliver RESP2 `pmessage` frames, compared byte for byte.
 */
import { CompatPair } from './harness';
import type { Client } from '../../src/local/client';
import type { RawClient } from '../local/support';

const PATTERN = '__key*__:*';

export class EventTap {
  public static async attach(pair: CompatPair): Promise<EventTap> {
    const { real } = await pair.connectBoth();
    await real.call('PSUBSCRIBE', PATTERN);
    const server = pair.local.server;
    const local = server.createInternalClient();
    let received = '';
    // An internal client has no socket: keep what would have been written to it.
    local.flush = () => {
      received += local.w.take();
    };
    server.pubsub.subscribe('pattern', local, PATTERN);
    return new EventTap(real, local, () => {
      local.flush();
      const out = received;
      received = '';
      return out;
    });
  }

  private constructor(private readonly real: RawClient, private readonly local: Client, private readonly takeLocal: () => string) {}

  /** The notifications each side published since the last call, as raw frames. */
  public async take(): Promise<{ real: string; local: string }> {
    let real = '';
    for (;;) {
      try {
        real += await this.real.reply(150);
      } catch {
        break;
      }
    }
    return { real, local: this.takeLocal() };
  }

  public detach(pair: CompatPair): void {
    pair.local.server.pubsub.removeClient(this.local);
    this.real.close();
  }
}
