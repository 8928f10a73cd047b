import type { Client } from '../client';
import { Notify } from '../notify';
import { Errors, ReplyError } from './types';
import type { Entry } from '../store/db';
import { RObject, RValue, TypeName, typeOf } from '../store/types';

/**
 * Keyspace access for command handlers, with the side effects the real server attaches to each
 * kind of access: hit/miss statistics and `keymiss` notifications for reads, WATCH invalidation for
 * writes, and the `dirty` counter that drives propagation.
 */

/** Reads a key as a read command does (counts a hit or a miss). */
export function lookupRead(c: Client, key: string): RValue | undefined {
  const entry = c.db.lookup(key, c.now, !c.noTouch);
  const server = c.server;
  if (entry === undefined) {
    server.stats.keyspaceMisses++;
    if (server.notifyFlags & Notify.KEY_MISS) server.notify(Notify.KEY_MISS, 'keymiss', key, c.db.id);
    return undefined;
  }
  server.stats.keyspaceHits++;
  return entry.value;
}

/** Reads a key as a write command does (no hit/miss accounting). */
export function lookupWrite(c: Client, key: string): RValue | undefined {
  return c.db.lookup(key, c.now, true)?.value;
}

/** The entry of a key, for commands that change a value in place. */
export function lookupEntry(c: Client, key: string): Entry | undefined {
  return c.db.lookup(key, c.now, true);
}

/** A string value for reading; null when missing; WRONGTYPE for another type. */
export function readString(c: Client, key: string): string | null {
  const value = lookupRead(c, key);
  if (value === undefined) return null;
  if (typeof value !== 'string') throw new ReplyError(Errors.WRONGTYPE);
  return value;
}

/** Checks that a value has the given type; throws WRONGTYPE otherwise. */
export function expectType<T extends RObject>(value: RValue, type: TypeName): T {
  if (typeOf(value) !== type) throw new ReplyError(Errors.WRONGTYPE);
  return value as T;
}

/**
 * Records a change of `key` by the running command: WATCH invalidation and the dirty counter
 * (which makes the command propagate to replicas).
 */
export function keyChanged(c: Client, key: string, dirtyBy = 1): void {
  c.db.signalModified(key);
  c.server.dirty += dirtyBy;
}

/** Stores a value (SET semantics: replaces any value, clears the TTL unless `keepTtl`). */
export function setKey(c: Client, key: string, value: RValue, keepTtl = false): void {
  c.db.set(key, value, keepTtl);
  keyChanged(c, key);
}

/** Deletes a key; returns whether it existed. */
export function deleteKey(c: Client, key: string): boolean {
  if (!c.db.delete(key)) return false;
  keyChanged(c, key);
  return true;
}

/** Removes a collection that became empty, with the `del` notification. */
export function deleteIfEmpty(c: Client, key: string, value: RObject): boolean {
  if (value.length > 0) return false;
  c.db.delete(key);
  c.server.notify(Notify.GENERIC, 'del', key, c.db.id);
  return true;
}

/** Publishes a keyspace notification for the running command's database. */
export function notify(c: Client, cls: number, event: string, key: string): void {
  if (c.server.notifyFlags !== 0) c.server.notify(cls, event, key, c.db.id);
}
