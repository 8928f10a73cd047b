import type { Client } from '../client';
import { parseBigLong } from './args';
import { parseScanArgs } from './scan';
import { Errors, ReplyError } from './types';

/**
 * Helpers shared by the hash and set commands: count arguments of the random-member commands,
 * the output guard for their "may repeat" mode, and the early checks of HSCAN/SSCAN.
 */

const LONG_MAX = 9223372036854775807n;

/**
 * The count of HRANDFIELD/SRANDMEMBER: any 64-bit integer but LONG_MIN, with the server's
 * messages. Returned as a number (exact up to 2^53, which no reply can reach anyway).
 */
export function parseRandomCount(arg: string): number {
  const n = parseBigLong(arg);
  if (n === undefined) throw new ReplyError(Errors.NOT_INTEGER);
  if (n < -LONG_MAX) throw new ReplyError(`ERR value is out of range, value must between -${LONG_MAX} and ${LONG_MAX}`);
  return Number(n);
}

/** HRANDFIELD ... WITHVALUES: the count times two must still fit a long. */
export function checkWithValuesCount(arg: string): void {
  const n = BigInt(arg);
  if (n < -LONG_MAX / 2n || n > LONG_MAX / 2n) throw new ReplyError('ERR value is out of range');
}

/** SPOP's count (getPositiveLongFromObjectOrReply): a non-negative 64-bit integer. */
export function parsePositiveCount(arg: string): number {
  const n = parseBigLong(arg);
  if (n === undefined || n < 0n) throw new ReplyError('ERR value is out of range, must be positive');
  return Number(n);
}

/**
 * Largest reply a "may repeat" random command (negative count) builds, in bytes. The real server
 * streams such a reply until the client's output buffer limit closes the connection, or until
 * memory runs out when (as by default) normal clients have no limit; here the connection is
 * closed once the reply passes this size, and the server keeps serving everyone else.
 * Adjustable for tests.
 */
export const replyLimits = { random: 256 * 1024 * 1024 };

/**
 * Called while writing a long random reply that started at `mark` in the output: false (and the
 * reply discarded, the connection marked to close) once it passes `replyLimits.random`.
 */
export function withinReplyLimit(c: Client, mark: number): boolean {
  const limit = replyLimits.random;
  if (c.w.out.length - mark <= limit) return true;
  c.w.out = c.w.out.slice(0, mark);
  c.closeAfterReply = true;
  c.server.log(`Closing client ${c.id}: the reply of '${c.lastCommand?.fullName ?? ''}' would exceed ${limit} bytes`);
  return false;
}

/**
 * HSCAN/SSCAN check the cursor before looking the key up, and the options only after it
 * exists (a missing key answers an empty scan even with bad options).
 */
export function checkScanCursor(c: Client, argv: readonly string[]): void {
  parseScanArgs([argv[0], argv[1], argv[2]], 2, { strtoulCursor: c.server.engine === 'redis' });
}

/** The reply of a scan over a missing key. */
export function writeEmptyScan(c: Client): void {
  c.w.raw('*2\r\n$1\r\n0\r\n*0\r\n');
}

/** Where the server deletes a whole key on its own (SPOP of everything), it propagates DEL or UNLINK. */
export function serverDelCommand(c: Client): string {
  const config = c.server.config;
  // Valkey 8 defaults lazyfree-lazy-server-del to yes; Redis 7.0 to no.
  const lazy = config.param('lazyfree-lazy-server-del') !== undefined
    ? config.getBool('lazyfree-lazy-server-del')
    : c.server.engine === 'valkey';
  return lazy ? 'UNLINK' : 'DEL';
}
