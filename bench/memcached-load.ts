/**
 * Load generator for bench/memcached.ts, run as a child process so that it does not share an
 * event loop with the server under test. It receives a job over IPC, drives N connections with a
 * get/set mix on the text protocol (one request in flight per connection, or batches), and
 * replies with the request count and latencies.
 */
import * as net from 'node:net';

export interface LoadJob {
  readonly port: number;
  readonly connections: number;
  /** Requests written per batch on each connection (1 = no pipelining). */
  readonly depth: number;
  readonly durationMs: number;
  readonly keys: number;
  readonly valueSize: number;
  /** Share of gets among requests, 0..1. */
  readonly getRatio: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly elapsedMs: number;
  readonly gets: number;
  readonly hits: number;
  /** Latency percentiles in microseconds. */
  readonly p50: number;
  readonly p99: number;
}

/** Latencies in microseconds, in a growable typed array. */
class Samples {
  private data = new Float64Array(1 << 20);
  length = 0;
  add(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  percentile(p: number): number {
    const sorted = this.data.subarray(0, this.length).sort();
    return sorted[Math.min(this.length - 1, Math.floor(p * this.length))];
  }
}

/** A small deterministic PRNG (xorshift32), so both servers see the same request stream. */
function rng(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

async function runJob(job: LoadJob): Promise<LoadResult> {
  const value = 'v'.repeat(job.valueSize);
  const getReq: Buffer[] = [];
  const setReq: Buffer[] = [];
  for (let k = 0; k < job.keys; k++) {
    const key = `key:${String(k).padStart(8, '0')}`;
    getReq.push(Buffer.from(`get ${key}\r\n`));
    setReq.push(Buffer.from(`set ${key} 0 0 ${job.valueSize}\r\n${value}\r\n`));
  }
  const samples = new Samples();
  let requests = 0;
  let gets = 0;
  let hits = 0;
  let running = true;
  const started = performance.now();

  const drive = (index: number) => new Promise<void>((resolve, reject) => {
    const random = rng(0x9e3779b9 ^ (index * 7919));
    const socket = net.connect({ host: '127.0.0.1', port: job.port });
    socket.setNoDelay(true);
    // Kinds of the requests in flight: true = get.
    const kinds: boolean[] = [];
    let sentAt = 0;
    let buf: Buffer = Buffer.alloc(0);
    const sendBatch = () => {
      const parts: Buffer[] = [];
      for (let i = 0; i < job.depth; i++) {
        const k = Math.floor(random() * job.keys);
        const isGet = random() < job.getRatio;
        kinds.push(isGet);
        parts.push(isGet ? getReq[k] : setReq[k]);
      }
      sentAt = performance.now();
      socket.write(parts.length === 1 ? parts[0] : Buffer.concat(parts));
    };
    socket.on('connect', sendBatch);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      let pos = 0;
      for (;;) {
        if (kinds.length === 0) break;
        let consumed: number;
        if (kinds[0]) {
          gets++;
          // "END\r\n" (miss) or "VALUE <key> <flags> <bytes>\r\n<data>\r\nEND\r\n".
          if (buf.length - pos < 5) break;
          if (buf[pos] === 0x45) {
            consumed = 5;
          } else {
            const eol = buf.indexOf(13, pos);
            if (eol < 0) break;
            const space = buf.lastIndexOf(32, eol);
            const bytes = Number(buf.toString('latin1', space + 1, eol));
            const total = eol + 2 + bytes + 2 + 5 - pos;
            if (buf.length - pos < total) break;
            consumed = total;
            hits++;
          }
        } else {
          if (buf.length - pos < 8) break;
          consumed = 8; // STORED\r\n
        }
        pos += consumed;
        kinds.shift();
        requests++;
        samples.add((performance.now() - sentAt) * 1000);
      }
      buf = pos === buf.length ? Buffer.alloc(0) : buf.subarray(pos);
      if (kinds.length === 0) {
        if (running) {sendBatch();} else {
          socket.destroy();
          resolve();
        }
      }
    });
  });

  const timer = setTimeout(() => { running = false; }, job.durationMs);
  await Promise.all(Array.from({ length: job.connections }, (_, i) => drive(i)));
  clearTimeout(timer);
  const elapsedMs = performance.now() - started;
  return { requests, elapsedMs, gets, hits, p50: samples.percentile(0.5), p99: samples.percentile(0.99) };
}

/** Stores every key once, so that gets hit. */
async function preload(port: number, keys: number, valueSize: number): Promise<void> {
  const value = 'v'.repeat(valueSize);
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise((r) => socket.once('connect', r));
  let pending = keys;
  let received = 0;
  await new Promise<void>((resolve) => {
    socket.on('data', (d: Buffer) => {
      received += d.length;
      if (received >= pending * 8) resolve();
    });
    let batch = '';
    for (let k = 0; k < keys; k++) batch += `set key:${String(k).padStart(8, '0')} 0 0 ${valueSize} noreply\r\n${value}\r\n`;
    pending = 1;
    socket.write(batch + 'set key:done 0 0 1\r\nx\r\n');
  });
  socket.destroy();
}

process.on('message', (msg: { preload?: { port: number; keys: number; valueSize: number }; job?: LoadJob }) => {
  void (async () => {
    if (msg.preload) {
      await preload(msg.preload.port, msg.preload.keys, msg.preload.valueSize);
      process.send!({ done: true });
    } else if (msg.job) {
      process.send!({ result: await runJob(msg.job) });
    }
  })().catch((e: Error) => process.send!({ error: e.message }));
});
