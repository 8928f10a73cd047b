/**
 * Time source of the local engine. Servers read it instead of `Date.now()` so that tests can move
 * time forward (expiry, TTLs) without sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to; for tests of expiry and TTLs. */
export class ManualClock implements Clock {
  private current: number;

  /** @param start milliseconds since the Unix epoch @default Date.now() */
  constructor(start: number = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`ManualClock can only move forward, got ${ms}`);
    this.current += ms;
  }

  /** Sets the clock to an absolute time (milliseconds since the Unix epoch). */
  set(ms: number): void {
    this.current = ms;
  }
}
