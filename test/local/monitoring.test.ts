import * as fc from 'fast-check';
import { LatencyHistogram, LatencyMonitor, Slowlog } from '../../src/local/monitoring';

describe('Slowlog', () => {
  test('keeps the newest entries first, bounded, with increasing ids', () => {
    const log = new Slowlog();
    for (let i = 0; i < 5; i++) log.push(['PING', String(i)], 10 + i, 1000 + i, '127.0.0.1:1', 'c', 3);
    expect(log.entries.map((e) => [e.id, e.argv[1], e.duration, e.time])).toEqual([[4, '4', 14, 1004], [3, '3', 13, 1003], [2, '2', 12, 1002]]);
    log.trim(1);
    expect(log.entries.map((e) => e.id)).toEqual([4]);
    log.reset();
    log.push(['PING'], 1, 1, '', '', 10);
    expect(log.entries.map((e) => e.id)).toEqual([5]);
  });

  test('shortens long arguments and long argument lists as the real server does', () => {
    const log = new Slowlog();
    const argv = ['SET', 'k', 'v'.repeat(200), ...Array.from({ length: 40 }, (_, i) => String(i))];
    log.push(argv, 1, 1, '', '', 10);
    const kept = log.entries[0].argv;
    expect(kept.length).toBe(32);
    expect(kept[2]).toBe(`${'v'.repeat(128)}... (72 more bytes)`);
    expect(kept[30]).toBe('27');
    expect(kept[31]).toBe('... (12 more arguments)');
    log.push(['ECHO', 'x'.repeat(128)], 1, 1, '', '', 10);
    expect(log.entries[0].argv[1]).toBe('x'.repeat(128));
  });
});

describe('LatencyMonitor', () => {
  test('one sample per second (the largest), 160 samples at most, all-time maximum kept', () => {
    const m = new LatencyMonitor();
    m.add('command', 5, 100);
    m.add('command', 9, 100);
    m.add('command', 3, 100);
    m.add('command', 2, 101);
    expect(m.events.get('command')?.samples).toEqual([{ time: 100, latency: 9 }, { time: 101, latency: 2 }]);
    for (let t = 200; t < 400; t++) m.add('command', 1, t);
    const series = m.events.get('command');
    expect(series?.samples.length).toBe(160);
    expect(series?.samples[0].time).toBe(240);
    expect(series?.max).toBe(9);
  });

  test('RESET forgets the named events, or all of them', () => {
    const m = new LatencyMonitor();
    m.add('a', 1, 1);
    m.add('b', 1, 1);
    m.add('c', 1, 1);
    expect(m.reset(['a', 'nosuch'])).toBe(1);
    expect([...m.events.keys()]).toEqual(['b', 'c']);
    expect(m.reset([])).toBe(2);
    expect(m.events.size).toBe(0);
  });
});

describe('LatencyHistogram', () => {
  test('percentiles stay within the two-significant-digit precision of the real histogram', () => {
    const h = new LatencyHistogram();
    for (let us = 1; us <= 1000; us++) h.record(us * 1000);
    expect(h.count).toBe(1000);
    for (const [p, expected] of [[50, 500_000], [99, 990_000], [99.9, 999_000], [100, 1_000_000]]) {
      const value = h.percentile(p);
      expect({ p, ok: Math.abs(value - expected) / expected < 0.025 }).toEqual({ p, ok: true });
    }
  });

  test('percentiles are monotonic and bounded by the recorded values (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 10_000_000_000 }), { minLength: 1, maxLength: 200 }), (values) => {
      const h = new LatencyHistogram();
      for (const v of values) h.record(v);
      const p50 = h.percentile(50);
      const p99 = h.percentile(99);
      const p100 = h.percentile(100);
      expect(p50).toBeLessThanOrEqual(p99);
      expect(p99).toBeLessThanOrEqual(p100);
      expect(p100).toBeGreaterThanOrEqual(Math.max(...values));
      expect(p100).toBeLessThanOrEqual(Math.max(...values) * 1.02);
    }));
  });

  test('LATENCY HISTOGRAM buckets are cumulative over power-of-two microseconds', () => {
    const h = new LatencyHistogram();
    for (const us of [1, 3, 3, 100, 5000]) h.record(us * 1000);
    expect(h.cumulativeUsec()).toEqual([[2, 1], [4, 3], [128, 4], [8192, 5]]);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.cumulativeUsec()).toEqual([]);
  });
});
