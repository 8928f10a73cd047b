/** Time source of a server: wall-clock milliseconds. Tests inject a {@link FakeClock}. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to. */
export class FakeClock implements Clock {
  constructor(private ms: number = Date.UTC(2026, 0, 1)) {}

  public now(): number {
    return this.ms;
  }

  /** Moves time forward by `ms` milliseconds. */
  public advance(ms: number): void {
    this.ms += ms;
  }

  public set(ms: number): void {
    this.ms = ms;
  }
}
