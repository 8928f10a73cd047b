/**
 * Glob-style matching as the server's stringmatchlen does it (KEYS, SCAN MATCH, PSUBSCRIBE, ACL
 * key and channel patterns, CONFIG GET): `*` any run, `?` any one byte, `[abc]`, `[^a-z]`, and `\x`
 * for a literal x. Linear backtracking on the last `*` keeps the worst case O(pattern × subject).
 */
export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  const plen = pattern.length;
  const slen = subject.length;
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < slen) {
    if (p < plen) {
      const pc = pattern.charCodeAt(p);
      if (pc === 42 /* * */) {
        while (p < plen && pattern.charCodeAt(p) === 42) p++;
        if (p === plen) return true;
        starP = p;
        starS = s;
        continue;
      }
      const step = matchOne(pattern, p, subject.charCodeAt(s), nocase);
      if (step > 0) {
        p += step;
        s++;
        continue;
      }
    }
    if (starP < 0) return false;
    p = starP;
    s = ++starS;
  }
  while (p < plen && pattern.charCodeAt(p) === 42) p++;
  return p === plen;
}

/** Whether a pattern could match anything other than itself (has an unescaped special). */
export function isGlobPattern(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/**
 * Matches one pattern element at `p` against byte `c`. Returns the element's length in the
 * pattern when it matches, 0 when it does not.
 */
function matchOne(pattern: string, p: number, c: number, nocase: boolean): number {
  const plen = pattern.length;
  const pc = pattern.charCodeAt(p);
  if (pc === 63 /* ? */) return 1;
  if (pc === 92 /* \ */ && p + 1 < plen) {
    const lit = pattern.charCodeAt(p + 1);
    return (nocase ? lower(lit) === lower(c) : lit === c) ? 2 : 0;
  }
  if (pc === 91 /* [ */) {
    let i = p + 1;
    const negate = i < plen && pattern.charCodeAt(i) === 94; /* ^ */
    if (negate) i++;
    let matched = false;
    for (;;) {
      if (i >= plen) {
        // An unterminated class: the server treats the end of the pattern as its end.
        i = plen - 1;
        break;
      }
      const cc = pattern.charCodeAt(i);
      if (cc === 93 /* ] */) break;
      if (cc === 92 && i + 1 < plen) {
        i++;
        const lit = pattern.charCodeAt(i);
        if (nocase ? lower(lit) === lower(c) : lit === c) matched = true;
      } else if (i + 2 < plen && pattern.charCodeAt(i + 1) === 45 /* - */) {
        let start = cc;
        let end = pattern.charCodeAt(i + 2);
        if (start > end) [start, end] = [end, start];
        let x = c;
        if (nocase) {
          start = lower(start);
          end = lower(end);
          x = lower(x);
        }
        if (x >= start && x <= end) matched = true;
        i += 2;
      } else if (nocase ? lower(cc) === lower(c) : cc === c) {
        matched = true;
      }
      i++;
    }
    if (negate) matched = !matched;
    return matched ? i - p + 1 : 0;
  }
  return (nocase ? lower(pc) === lower(c) : pc === c) ? 1 : 0;
}
