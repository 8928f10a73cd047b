/**
 * Base64 for meta-command keys (the `b` flag), with memcached's leniency when decoding: bytes
 * outside the alphabet are skipped, the remaining count must be a non-zero multiple of four, and
 * decoding stops after the first block that holds padding.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const INVALID = 0x80;
const DECODE = new Uint8Array(256).fill(INVALID);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
DECODE[0x3d] = 0; // '='

/** Decodes `buf[start, end)`; undefined where memcached's decoder returns 0 (failure). */
export function decodeKeyBase64(buf: Uint8Array, start: number, end: number): Buffer | undefined {
  let count = 0;
  for (let i = start; i < end; i++) if (DECODE[buf[i]] !== INVALID) count++;
  if (count === 0 || count % 4 !== 0) return undefined;

  const out = Buffer.allocUnsafe((count / 4) * 3);
  let pos = 0;
  let pad = 0;
  let n = 0;
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    const v = DECODE[c];
    if (v === INVALID) continue;
    if (c === 0x3d) pad++;
    if (n === 0) b0 = v;
    else if (n === 1) b1 = v;
    else if (n === 2) b2 = v;
    n++;
    if (n === 4) {
      out[pos++] = ((b0 << 2) | (b1 >> 4)) & 0xff;
      out[pos++] = ((b1 << 4) | (b2 >> 2)) & 0xff;
      out[pos++] = ((b2 << 6) | v) & 0xff;
      n = 0;
      if (pad) {
        if (pad === 1) pos -= 1;
        else if (pad === 2) pos -= 2;
        else return undefined;
        break;
      }
    }
  }
  if (pos === 0) return undefined;
  return out.subarray(0, pos);
}

/** Standard base64 with padding. */
export function encodeKeyBase64(key: Buffer): string {
  return key.toString('base64');
}
