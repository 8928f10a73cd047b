/**
 * HyperLogLog sketches stored as plain string values, byte for byte in the layout the real server
 * uses, so that GET/SET/DUMP of a sketch move between servers and the counts agree exactly.
 *
 * Layout: a 16-byte header — the magic `HYLL`, one encoding byte (0 dense, 1 sparse), three
 * unused bytes, and the cached cardinality as a little-endian 64-bit integer whose top bit marks
 * the cache as stale — followed by 16384 six-bit registers.
 *
 * - Dense: the registers packed LSB-first, 12288 bytes.
 * - Sparse: run-length opcodes covering all 16384 registers in order:
 *   `00xxxxxx` ZERO (1..64 zero registers), `01xxxxxx yyyyyyyy` XZERO (1..16384 zero registers,
 *   14-bit length), `1vvvvvxx` VAL (1..4 registers holding the value 1..32).
 *   A sketch starts sparse and turns dense when a register needs a value above 32 or when the
 *   sparse form would grow past `hll-sparse-max-bytes`.
 *
 * Elements are hashed with MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the register,
 * and the register records the position of the first set bit among the remaining 50 (1..51).
 * Counts use Ertl's improved estimator ("New cardinality estimation algorithms for HyperLogLog
 * sketches", 2017), which needs only the histogram of register values.
 */

export const HLL_REGISTERS = 16384;
export const HLL_HEADER = 16;
/** Bytes of a dense sketch: header plus 16384 six-bit registers. */
export const HLL_DENSE_BYTES = HLL_HEADER + (HLL_REGISTERS * 6) / 8;
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;

/** Largest value and run length a sparse VAL opcode holds, and the longest ZERO run. */
const VAL_MAX = 32;
const VAL_MAX_RUN = 4;
const ZERO_MAX_RUN = 64;
/** The position of the first set bit ranges over 1..51 (50 hash bits plus a sentinel). */
const Q = 50;

// ------------------------------------------------------------------------------------------------
// Hashing

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
const SEED = 0xadc83b19;

/** Result registers of {@link mul64}, to keep the hash free of allocations. */
let productHi = 0;
let productLo = 0;

/** (aHi:aLo * bHi:bLo) mod 2^64, into productHi:productLo. */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  productLo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  productHi = (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
}

/** Result registers of {@link hash}. */
let hashHi = 0;
let hashLo = 0;

/** MurmurHash64A of a byte string, as [high 32 bits, low 32 bits] (for tests and tools). */
export function murmurHash64A(s: string, seed: number = SEED): [number, number] {
  hash(s, seed);
  return [hashHi, hashLo];
}

/** MurmurHash64A of a byte string (little-endian 8-byte blocks), into hashHi:hashLo. */
function hash(s: string, seed: number): void {
  const len = s.length;
  mul64(0, len, M_HI, M_LO);
  let hHi = productHi;
  let hLo = (productLo ^ seed) >>> 0;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    let kLo = (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24)) >>> 0;
    let kHi = (s.charCodeAt(i + 4) | (s.charCodeAt(i + 5) << 8) | (s.charCodeAt(i + 6) << 16) | (s.charCodeAt(i + 7) << 24)) >>> 0;
    mul64(kHi, kLo, M_HI, M_LO);
    kHi = productHi;
    kLo = (productLo ^ (productHi >>> 15)) >>> 0; // k ^= k >> 47
    mul64(kHi, kLo, M_HI, M_LO);
    hHi = (hHi ^ productHi) >>> 0;
    hLo = (hLo ^ productLo) >>> 0;
    mul64(hHi, hLo, M_HI, M_LO);
    hHi = productHi;
    hLo = productLo;
  }
  const tail = len & 7;
  if (tail > 0) {
    for (let j = 0; j < tail; j++) {
      const byte = s.charCodeAt(blocks + j);
      if (j < 4) hLo ^= byte << (8 * j);
      else hHi ^= byte << (8 * (j - 4));
    }
    mul64(hHi >>> 0, hLo >>> 0, M_HI, M_LO);
    hHi = productHi;
    hLo = productLo;
  }
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  mul64(hHi, hLo, M_HI, M_LO);
  hashHi = productHi;
  hashLo = (productLo ^ (productHi >>> 15)) >>> 0;
}

function trailingZeros(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * The register an element goes to and the value it offers, packed as `index * 64 + value`:
 * index = low 14 bits of the hash, value = 1 + the number of zero bits above them before a one
 * (51 when all 50 are zero).
 */
export function elementRegister(element: string): number {
  hash(element, SEED);
  const index = hashLo & (HLL_REGISTERS - 1);
  const low = hashLo >>> 14; // 18 bits
  let value: number;
  if (low !== 0) value = 1 + trailingZeros(low);
  else if (hashHi !== 0) value = 19 + trailingZeros(hashHi);
  else value = Q + 1;
  return index * 64 + value;
}

// ------------------------------------------------------------------------------------------------
// Registers

function denseGet(b: Uint8Array, index: number): number {
  const bit = index * 6;
  const at = HLL_HEADER + (bit >>> 3);
  const shift = bit & 7;
  const next = shift > 2 ? b[at + 1] : 0;
  return ((b[at] >>> shift) | (next << (8 - shift))) & 63;
}

function denseSet(b: Uint8Array, index: number, value: number): void {
  const bit = index * 6;
  const at = HLL_HEADER + (bit >>> 3);
  const shift = bit & 7;
  b[at] = (b[at] & ~(63 << shift)) | (value << shift);
  // A register starting in the top two bits of a byte spills into the next one.
  if (shift > 2) b[at + 1] = (b[at + 1] & ~(63 >>> (8 - shift))) | (value >>> (8 - shift));
}

function valOpcode(value: number, run: number): number {
  return 0x80 | ((value - 1) << 2) | (run - 1);
}

/** Writes a run of zero registers as ZERO or XZERO into `out` at `at`; returns the bytes written. */
function writeZeros(out: Uint8Array, at: number, run: number): number {
  if (run > ZERO_MAX_RUN) {
    out[at] = 0x40 | ((run - 1) >>> 8);
    out[at + 1] = (run - 1) & 0xff;
    return 2;
  }
  out[at] = run - 1;
  return 1;
}

const scratch = new Uint8Array(5);

/**
 * A sketch being read or changed: its bytes (with spare room for sparse growth; the byte after the
 * end is always zero, as the server's strings are NUL-terminated) and its length.
 */
export class Hll {
  /** An empty sketch: sparse, one XZERO opcode for all registers, cached count 0. */
  public static empty(): Hll {
    const b = new Uint8Array(HLL_HEADER + 2 + 8);
    b.set([72, 89, 76, 76, HLL_SPARSE]); // HYLL
    writeZeros(b, HLL_HEADER, HLL_REGISTERS);
    return new Hll(b, HLL_HEADER + 2);
  }

  /** A sketch from a string value already checked with {@link isHllString}. */
  public static fromString(s: string): Hll {
    const b = Buffer.alloc(s.length + 8);
    b.write(s, 0, 'latin1');
    return new Hll(b, s.length);
  }

  private constructor(private bytes: Uint8Array, private len: number) {}

  public get encoding(): number {
    return this.bytes[4];
  }

  public get length(): number {
    return this.len;
  }

  public toString(): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.len).toString('latin1');
  }

  public invalidateCache(): void {
    this.bytes[15] |= 0x80;
  }

  /**
   * Adds an element. Returns 1 when a register changed, 0 when not, -1 when a sparse sketch
   * turns out to be corrupt.
   */
  public add(element: string, sparseMaxBytes: number): number {
    const packed = elementRegister(element);
    return this.set(packed >>> 6, packed & 63, sparseMaxBytes);
  }

  /** Raises register `index` to `value` if it is lower; same results as {@link add}. */
  public set(index: number, value: number, sparseMaxBytes: number): number {
    if (this.bytes[4] === HLL_DENSE) {
      if (denseGet(this.bytes, index) >= value) return 0;
      denseSet(this.bytes, index, value);
      return 1;
    }
    return this.sparseSet(index, value, sparseMaxBytes);
  }

  private reserve(extra: number): void {
    if (this.len + extra + 1 <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.len + extra + 1, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.len));
    this.bytes = grown;
  }

  private sparseSet(index: number, value: number, sparseMaxBytes: number): number {
    if (value > VAL_MAX) return this.promoteAndSet(index, value);
    this.reserve(3);
    const b = this.bytes;
    let end = this.len;

    // Find the opcode covering the register, and the one before it.
    let p = HLL_HEADER;
    let first = 0; // first register covered by the opcode at p
    let prev = -1;
    let span = 0;
    let opLen = 1;
    while (p < end) {
      const op = b[p];
      if ((op & 0xc0) === 0) {
        span = (op & 0x3f) + 1;
        opLen = 1;
      } else if (op & 0x80) {
        span = (op & 3) + 1;
        opLen = 1;
      } else {
        span = (((op & 0x3f) << 8) | b[p + 1]) + 1;
        opLen = 2;
      }
      if (index <= first + span - 1) break;
      prev = p;
      p += opLen;
      first += span;
    }
    if (span === 0 || p >= end) return -1;
    const op = b[p];
    const isVal = (op & 0x80) !== 0;
    const isXZero = !isVal && (op & 0x40) !== 0;
    const isZero = !isVal && !isXZero;
    const next = p + opLen;

    let updated = false;
    if (isVal) {
      const current = ((op >>> 2) & 0x1f) + 1;
      if (current >= value) return 0;
      if (span === 1) {
        b[p] = valOpcode(value, 1);
        updated = true;
      }
    } else if (isZero && span === 1) {
      b[p] = valOpcode(value, 1);
      updated = true;
    }

    if (!updated) {
      // Split the opcode into up to three: the registers before ours, ours, the ones after.
      const last = first + span - 1;
      let n = 0;
      if (isVal) {
        const current = ((op >>> 2) & 0x1f) + 1;
        if (index !== first) scratch[n++] = valOpcode(current, index - first);
        scratch[n++] = valOpcode(value, 1);
        if (index !== last) scratch[n++] = valOpcode(current, last - index);
      } else {
        if (index !== first) n += writeZeros(scratch, n, index - first);
        scratch[n++] = valOpcode(value, 1);
        if (index !== last) n += writeZeros(scratch, n, last - index);
      }
      const delta = n - opLen;
      if (delta > 0 && this.len + delta > sparseMaxBytes) return this.promoteAndSet(index, value);
      if (delta !== 0 && next < end) b.copyWithin(next + delta, next, end);
      this.len += delta;
      end += delta;
      b[this.len] = 0;
      b.set(scratch.subarray(0, n), p);
    }

    // Merge neighbouring VAL opcodes with the same value, scanning a few opcodes from `prev`.
    p = prev >= 0 ? prev : HLL_HEADER;
    let budget = 5;
    while (p < end && budget-- > 0) {
      const o = b[p];
      if ((o & 0xc0) === 0x40) {
        p += 2;
        continue;
      }
      if ((o & 0xc0) === 0) {
        p++;
        continue;
      }
      if (p + 1 < end && (b[p + 1] & 0x80)) {
        const v1 = ((o >>> 2) & 0x1f) + 1;
        const v2 = ((b[p + 1] >>> 2) & 0x1f) + 1;
        const run = (o & 3) + (b[p + 1] & 3) + 2;
        if (v1 === v2 && run <= VAL_MAX_RUN) {
          b[p + 1] = valOpcode(v1, run);
          b.copyWithin(p, p + 1, end);
          this.len--;
          end--;
          b[this.len] = 0;
          continue;
        }
      }
      p++;
    }
    this.invalidateCache();
    return 1;
  }

  private promoteAndSet(index: number, value: number): number {
    if (!this.toDense()) return -1;
    denseSet(this.bytes, index, value);
    return 1;
  }

  /** Converts a sparse sketch to dense (keeping the header's cache bytes); false if corrupt. */
  public toDense(): boolean {
    const b = this.bytes;
    if (b[4] === HLL_DENSE) return true;
    const dense = new Uint8Array(HLL_DENSE_BYTES + 1);
    dense.set(b.subarray(0, HLL_HEADER));
    dense[4] = HLL_DENSE;
    let index = 0;
    for (let p = HLL_HEADER; p < this.len;) {
      const op = b[p];
      if ((op & 0xc0) === 0) {
        index += (op & 0x3f) + 1;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        index += (((op & 0x3f) << 8) | b[p + 1]) + 1;
        p += 2;
      } else {
        const run = (op & 3) + 1;
        const value = ((op >>> 2) & 0x1f) + 1;
        if (index + run > HLL_REGISTERS) break;
        for (let k = 0; k < run; k++) denseSet(dense, index++, value);
        p++;
      }
    }
    if (index !== HLL_REGISTERS) return false;
    this.bytes = dense;
    this.len = HLL_DENSE_BYTES;
    return true;
  }

  /** Raises `max[i]` to each register's value; false for a corrupt sparse sketch. */
  public mergeInto(max: Uint8Array): boolean {
    const b = this.bytes;
    if (b[4] === HLL_DENSE) {
      for (let i = 0; i < HLL_REGISTERS; i++) {
        const v = denseGet(b, i);
        if (v > max[i]) max[i] = v;
      }
      return true;
    }
    let index = 0;
    for (let p = HLL_HEADER; p < this.len;) {
      const op = b[p];
      if ((op & 0xc0) === 0) {
        index += (op & 0x3f) + 1;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        index += (((op & 0x3f) << 8) | b[p + 1]) + 1;
        p += 2;
      } else {
        const run = (op & 3) + 1;
        const value = ((op >>> 2) & 0x1f) + 1;
        if (index + run > HLL_REGISTERS) break;
        for (let k = 0; k < run; k++, index++) if (value > max[index]) max[index] = value;
        p++;
      }
    }
    return index === HLL_REGISTERS;
  }

  /** The register values (dense sketches; PFDEBUG GETREG). */
  public registers(): Uint8Array {
    const out = new Uint8Array(HLL_REGISTERS);
    for (let i = 0; i < HLL_REGISTERS; i++) out[i] = denseGet(this.bytes, i);
    return out;
  }

  /**
   * The estimated cardinality, or -1 for a sparse sketch whose opcodes do not cover exactly
   * 16384 registers.
   */
  public count(): number {
    const histogram = new Float64Array(64);
    const b = this.bytes;
    if (b[4] === HLL_DENSE) {
      for (let i = 0; i < HLL_REGISTERS; i++) histogram[denseGet(b, i)]++;
      return estimate(histogram);
    }
    let index = 0;
    for (let p = HLL_HEADER; p < this.len;) {
      const op = b[p];
      if ((op & 0xc0) === 0) {
        const run = (op & 0x3f) + 1;
        index += run;
        histogram[0] += run;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        const run = (((op & 0x3f) << 8) | b[p + 1]) + 1;
        index += run;
        histogram[0] += run;
        p += 2;
      } else {
        const run = (op & 3) + 1;
        index += run;
        histogram[((op >>> 2) & 0x1f) + 1] += run;
        p++;
      }
    }
    return index === HLL_REGISTERS ? estimate(histogram) : -1;
  }

  /** The cached cardinality, or undefined when the cache is stale. */
  public cachedCount(): number | undefined {
    const b = this.bytes;
    return readCache((i) => b[i]);
  }

  /** Stores a freshly computed cardinality in the header (marks the cache valid). */
  public storeCount(n: number): void {
    let v = n;
    for (let i = 8; i < 16; i++) {
      this.bytes[i] = v % 256;
      v = Math.floor(v / 256);
    }
  }

  /** PFDEBUG DECODE: the sparse opcodes as text (`Z:n` XZERO, `z:n` ZERO, `v:value,run` VAL). */
  public describeSparse(): string {
    const b = this.bytes;
    const parts: string[] = [];
    for (let p = HLL_HEADER; p < this.len;) {
      const op = b[p];
      if ((op & 0xc0) === 0) {
        parts.push(`z:${(op & 0x3f) + 1}`);
        p++;
      } else if ((op & 0xc0) === 0x40) {
        parts.push(`Z:${(((op & 0x3f) << 8) | b[p + 1]) + 1}`);
        p += 2;
      } else {
        parts.push(`v:${((op >>> 2) & 0x1f) + 1},${(op & 3) + 1}`);
        p++;
      }
    }
    return parts.join(' ');
  }
}

function readCache(byteAt: (i: number) => number): number | undefined {
  if (byteAt(15) & 0x80) return undefined;
  let n = 0;
  for (let i = 15; i >= 8; i--) n = n * 256 + byteAt(i);
  return n;
}

/** The cached cardinality of a sketch string, or undefined when stale (no copy of the value). */
export function cachedCountOf(s: string): number | undefined {
  return readCache((i) => s.charCodeAt(i));
}

/**
 * Whether a string value is a sketch the server accepts: at least a header, the magic, a known
 * encoding, and the exact length for dense. (Sparse opcodes are checked when they are read.)
 */
export function isHllString(s: string): boolean {
  if (s.length < HLL_HEADER) return false;
  if (s.charCodeAt(0) !== 72 || s.charCodeAt(1) !== 89 || s.charCodeAt(2) !== 76 || s.charCodeAt(3) !== 76) return false;
  const encoding = s.charCodeAt(4);
  if (encoding > HLL_SPARSE) return false;
  return encoding !== HLL_DENSE || s.length === HLL_DENSE_BYTES;
}

// ------------------------------------------------------------------------------------------------
// Estimation

const ALPHA_INF = 0.721347520444481703680; // 1 / (2 ln 2)

/** Ertl's sigma(x) = x + sum_k x^(2^k) 2^(k-1), by iteration until the sum stops changing. */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous !== z);
  return z;
}

/** Ertl's tau(x) = (1 - x - sum_k (1 - x^(2^-k))^2 2^-k) / 3. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (previous !== z);
  return z / 3;
}

/** The cardinality estimate from a histogram of register values (index = value). */
export function estimate(histogram: ArrayLike<number>): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histogram[Q + 1]) / m);
  for (let j = Q; j >= 1; j--) {
    z += histogram[j];
    z *= 0.5;
  }
  z += m * sigma(histogram[0] / m);
  return Math.round((ALPHA_INF * m * m) / z);
}

/** The estimate for raw registers (one byte each), as PFCOUNT computes over several keys. */
export function estimateRegisters(registers: Uint8Array): number {
  const histogram = new Float64Array(256);
  for (let i = 0; i < registers.length; i++) histogram[registers[i]]++;
  return estimate(histogram);
}
