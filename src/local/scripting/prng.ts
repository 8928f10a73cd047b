/**
 * The random number generator Redis gives scripts (`math.random`, `math.randomseed`): a 48-bit
 * linear congruential generator with the constants and initial state of POSIX `lrand48`, so a
 * sequence of calls returns the same numbers as on the real server. One per server, kept across
 * scripts and SCRIPT FLUSH (the real server's generator lives outside the Lua state).
 */
const MASK48 = (1n << 48n) - 1n;
const A = 0x5deece66dn;
const C = 0xbn;
const INITIAL = 0x1234abcd330en;
/** The largest value `next` returns plus one is 2^31; Redis divides by INT32_MAX. */
export const LRAND48_MAX = 2147483647;

export class Lrand48 {
  private x = INITIAL;

  /** The next value, 0..2^31-1. */
  public next(): number {
    this.x = (A * this.x + C) & MASK48;
    return Number(this.x >> 17n);
  }

  /** srand48: the seed's 32 bits become the high bits of the state. */
  public seed(seed: number): void {
    const s = BigInt.asUintN(32, BigInt(seed | 0));
    this.x = (s << 16n) | 0x330en;
  }

  /** A double in [0, 1), as Redis's math.random computes it. */
  public fraction(): number {
    return (this.next() % LRAND48_MAX) / LRAND48_MAX;
  }
}
