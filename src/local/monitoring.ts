/**
 * The server's self-observation: the slow log (SLOWLOG), the latency monitor (LATENCY) and
 * per-command latency histograms (INFO latencystats, LATENCY HISTOGRAM).
 */

/** One SLOWLOG entry. */
export interface SlowlogEntry {
  readonly id: number;
  /** Unix time in seconds. */
  readonly time: number;
  /** Microseconds the command took. */
  readonly duration: number;
  /** Arguments, already shortened as the server shortens them. */
  readonly argv: readonly string[];
  readonly peer: string;
  readonly name: string;
}

const SLOWLOG_ENTRY_MAX_ARGC = 32;
const SLOWLOG_ENTRY_MAX_STRING = 128;

/** The slow log: newest entry first, bounded by slowlog-max-len. */
export class Slowlog {
  public entries: SlowlogEntry[] = [];
  private nextId = 0;

  /**
   * Records a command: at most 32 arguments (the last one says how many more there were) and
   * 128 bytes per argument (with a note of how many more bytes there were).
   */
  public push(argv: readonly string[], duration: number, time: number, peer: string, name: string, maxLen: number): void {
    const argc = Math.min(argv.length, SLOWLOG_ENTRY_MAX_ARGC);
    const args: string[] = [];
    for (let j = 0; j < argc; j++) {
      if (argc !== argv.length && j === argc - 1) {
        args.push(`... (${argv.length - argc + 1} more arguments)`);
      } else if (argv[j].length > SLOWLOG_ENTRY_MAX_STRING) {
        args.push(`${argv[j].slice(0, SLOWLOG_ENTRY_MAX_STRING)}... (${argv[j].length - SLOWLOG_ENTRY_MAX_STRING} more bytes)`);
      } else {
        args.push(argv[j]);
      }
    }
    this.entries.unshift({ id: this.nextId++, time, duration, argv: args, peer, name });
    this.trim(maxLen);
  }

  public trim(maxLen: number): void {
    if (this.entries.length > maxLen) this.entries.length = maxLen;
  }

  public reset(): void {
    this.entries = [];
  }
}

/** A latency sample of an event class. */
export interface LatencySample {
  /** Unix time in seconds. */
  readonly time: number;
  /** Milliseconds. */
  readonly latency: number;
}

/** Per event class: the last 160 samples (one per second at most) and the all-time maximum. */
export interface LatencySeries {
  samples: LatencySample[];
  max: number;
}

const LATENCY_TS_LEN = 160;

/** The latency monitor: events slower than latency-monitor-threshold milliseconds. */
export class LatencyMonitor {
  public readonly events = new Map<string, LatencySeries>();

  /** Adds a sample; samples within the same second keep the largest. */
  public add(event: string, latencyMs: number, timeSeconds: number): void {
    let series = this.events.get(event);
    if (series === undefined) {
      series = { samples: [], max: 0 };
      this.events.set(event, series);
    }
    if (latencyMs > series.max) series.max = latencyMs;
    const last = series.samples[series.samples.length - 1];
    if (last !== undefined && last.time === timeSeconds) {
      if (latencyMs > last.latency) series.samples[series.samples.length - 1] = { time: timeSeconds, latency: latencyMs };
      return;
    }
    series.samples.push({ time: timeSeconds, latency: latencyMs });
    if (series.samples.length > LATENCY_TS_LEN) series.samples.shift();
  }

  /** Resets the given events (all when none); returns how many were reset. */
  public reset(events: readonly string[]): number {
    if (events.length === 0) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    let n = 0;
    for (const e of events) if (this.events.delete(e.toLowerCase()) || this.events.delete(e)) n++;
    return n;
  }
}

/**
 * A latency histogram with about two significant digits: values below 64 are counted exactly,
 * larger ones in 64 linear sub-buckets per power of two (at most 1.6% off). It gives the
 * percentiles of INFO latencystats and the power-of-two buckets of LATENCY HISTOGRAM.
 */
export class LatencyHistogram {
  public count = 0;
  /** Counts by bucket index (see {@link indexOf}), allocated on the first sample. */
  private counts: Uint32Array | null = null;

  /** Records one duration in nanoseconds (at least 1 ns, as the server clamps). */
  public record(nanos: number): void {
    const index = indexOf(nanos < 1 ? 1 : Math.floor(nanos));
    const counts = this.counts ??= new Uint32Array(BUCKETS);
    counts[index]++;
    this.count++;
  }

  /** The value (nanoseconds) at a percentile: the upper bound of the bucket that reaches it. */
  public percentile(p: number): number {
    const counts = this.counts;
    if (this.count === 0 || counts === null) return 0;
    const target = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let index = 0; index < counts.length; index++) {
      seen += counts[index];
      if (seen >= target) return upperOf(index);
    }
    return 0;
  }

  /**
   * Cumulative counts per power-of-two microsecond bucket, for LATENCY HISTOGRAM:
   * pairs of (bucket upper bound in usec, calls at or below it), only where the count grows.
   */
  public cumulativeUsec(): Array<[number, number]> {
    const counts = this.counts;
    const out: Array<[number, number]> = [];
    if (counts === null) return out;
    let total = 0;
    for (let index = 0; index < counts.length; index++) {
      if (counts[index] === 0) continue;
      total += counts[index];
      const usec = 2 ** Math.max(0, Math.ceil(Math.log2(upperOf(index) / 1000)));
      const last = out[out.length - 1];
      if (last !== undefined && last[0] === usec) last[1] = total;
      else out.push([usec, total]);
    }
    return out;
  }

  public reset(): void {
    this.counts = null;
    this.count = 0;
  }
}

const SUB = 64;
const SUB_BITS = 6;
/** Enough buckets for durations up to 2^53 ns. */
const BUCKETS = SUB + (53 - SUB_BITS + 1) * SUB;

function indexOf(v: number): number {
  if (v < SUB) return v;
  const bucket = v < 0x80000000 ? 31 - Math.clz32(v) : Math.min(53, Math.floor(Math.log2(v)));
  const width = 2 ** (bucket - SUB_BITS);
  const sub = Math.min(SUB - 1, Math.floor((v - 2 ** bucket) / width));
  return SUB + (bucket - SUB_BITS) * SUB + sub;
}

function upperOf(index: number): number {
  if (index < SUB) return index;
  const bucket = Math.floor((index - SUB) / SUB) + SUB_BITS;
  const sub = (index - SUB) % SUB;
  const width = 2 ** (bucket - SUB_BITS);
  return 2 ** bucket + (sub + 1) * width - 1;
}
