/**
 * Descriptive statistics of numbers, for summarize() and tableOne(). Internal to lib/analyse.
 *
 * @module
 */

/** The `p` quantile of sorted numbers, linearly interpolated (R's type 7, as Polars' "linear"). */
export function quantile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)]) - sorted[lo]);
}

/** Mean, standard deviation (n - 1), median and quartiles of numbers. */
export function numberStats(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = n ? sorted.reduce((a, b) => a + b, 0) / n : null;
  const sd = n > 1 ? Math.sqrt(sorted.reduce((a, b) => a + (b - mean!) ** 2, 0) / (n - 1)) : null;
  return {
    mean,
    sd,
    median: quantile(sorted, 0.5),
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    min: n ? sorted[0] : null,
    max: n ? sorted[n - 1] : null,
  };
}
