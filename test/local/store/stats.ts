/** Statistics helpers for the randomness tests. */

/** Chi-square statistic of observed counts against a uniform expectation. */
export function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + ((c - expected) ** 2) / expected, 0);
}

/**
 * A bound for the chi-square statistic with `dof` degrees of freedom that a uniform source exceeds
 * with probability far below one in a million (Wilson-Hilferty approximation at z = 5).
 */
export function chiSquareLimit(dof: number): number {
  const z = 5;
  return dof * (1 - 2 / (9 * dof) + z * Math.sqrt(2 / (9 * dof))) ** 3;
}
