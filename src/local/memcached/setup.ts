import type { MemcachedServerOptions } from './server';
import { DEFAULT_ITEM_SIZE_MAX } from './slabs';
import { ServerState } from './state';
import { MemcachedStore } from './store';
import { systemClock } from '../store/clock';

const MIB = 1024 * 1024;

function validate(options: MemcachedServerOptions): { memoryLimit: number; itemSizeMax: number } {
  const mb = options.memoryLimitMb ?? 64;
  if (!Number.isInteger(mb) || mb < 1) throw new Error(`memoryLimitMb must be a positive integer, got ${mb}`);
  const memoryLimit = mb * MIB;
  const itemSizeMax = options.maxItemSize ?? DEFAULT_ITEM_SIZE_MAX;
  if (!Number.isInteger(itemSizeMax) || itemSizeMax < 1024) {
    throw new Error(`maxItemSize cannot be less than 1024 bytes, got ${itemSizeMax}`);
  }
  if (itemSizeMax > 1024 * MIB) throw new Error(`maxItemSize cannot be higher than a gigabyte, got ${itemSizeMax}`);
  if (itemSizeMax > memoryLimit / 2) {
    throw new Error(`maxItemSize cannot be higher than half of memoryLimitMb (${memoryLimit / 2} bytes), got ${itemSizeMax}`);
  }
  const maxConnections = options.maxConnections ?? 1024;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw new Error(`maxConnections must be a positive integer, got ${maxConnections}`);
  }
  return { memoryLimit, itemSizeMax };
}

/** Validates the options and builds the state a server's connections share. */
export function createServerState(options: MemcachedServerOptions = {}): ServerState {
  const { memoryLimit, itemSizeMax } = validate(options);
  const clock = options.clock ?? systemClock;
  const store = new MemcachedStore({ clock, memoryLimit, itemSizeMax });
  return new ServerState({
    store,
    clock,
    version: options.version ?? '1.6.18',
    discovery: options.discovery,
    saslUsers: options.sasl === undefined ? undefined : new Map(Object.entries(options.sasl.users)),
    settings: {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      maxConnections: options.maxConnections ?? 1024,
      itemSizeMax,
      sasl: options.sasl !== undefined,
      tls: options.tls !== undefined,
      verbosity: 0,
    },
  });
}
