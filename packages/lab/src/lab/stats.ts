/**
 * Descriptive statistics of samples of durations: pure functions, no I/O, tested against values
 * computed by hand. Intervals and tests of the median live in inference.ts.
 */
import { seededRandom } from "../letters/random.js";
import { medianInterval, type Interval } from "./inference.js";
import type { SampleStats } from "./report.js";

/** Two-sided 95% critical value of the standard normal distribution. */
const Z_975 = 1.959963984540054;

/** Modified z-scores above this mark an outlier (Iglewicz and Hoaglin). */
export const OUTLIER_Z = 3.5;

// t(0.975, df) for df = 1..30; beyond 30 the Cornish-Fisher expansion is accurate to 1e-4.
const T_975 = [
  12.706204736, 4.30265273, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252, 2.306004135,
  2.262157163, 2.228138852, 2.20098516, 2.17881283, 2.160368656, 2.144786688, 2.131449546, 2.119905299,
  2.109815578, 2.10092204, 2.093024054, 2.085963447, 2.079613845, 2.073873068, 2.06865761, 2.063898562,
  2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
] as const;

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function requireValues(values: readonly number[], what: string): void {
  if (values.length === 0) throw new RangeError(`${what} of an empty sample`);
}

/** The smallest value. Throws on an empty sample. */
export function min(values: readonly number[]): number {
  requireValues(values, "min");
  return values.reduce((a, b) => (b < a ? b : a));
}

/** The largest value. Throws on an empty sample. */
export function max(values: readonly number[]): number {
  requireValues(values, "max");
  return values.reduce((a, b) => (b > a ? b : a));
}

/** The arithmetic mean. Throws on an empty sample. */
export function mean(values: readonly number[]): number {
  requireValues(values, "mean");
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** The median (the mean of the two middle values when n is even). Throws on an empty sample. */
export function median(values: readonly number[]): number {
  requireValues(values, "median");
  return medianOfSorted(sorted(values));
}

function medianOfSorted(s: readonly number[]): number {
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The sample standard deviation (n − 1 in the denominator); 0 when n < 2. */
export function stddev(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  const squares = values.reduce((sum, x) => sum + (x - m) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}

/** The median absolute deviation from the median, unscaled. Throws on an empty sample. */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((x) => Math.abs(x - m)));
}

/**
 * The `p` quantile (0..1) by linear interpolation between order statistics (R's type 7, the
 * default of R and NumPy). Throws on an empty sample.
 */
export function quantile(values: readonly number[], p: number): number {
  requireValues(values, "quantile");
  return quantileOfSorted(sorted(values), p);
}

function quantileOfSorted(s: readonly number[], p: number): number {
  const h = (s.length - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const a = s[lo]!;
  const b = s[Math.min(lo + 1, s.length - 1)]!;
  return a + (h - lo) * (b - a);
}

/**
 * The two-sided 95% critical value of Student's t distribution with `df` degrees of freedom:
 * exact (to 9 digits) up to 30, the Cornish-Fisher expansion beyond.
 */
export function tCritical95(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be ≥ 1, got ${df}`);
  const exact = T_975[df - 1];
  if (exact !== undefined) return exact;
  const z = Z_975;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * df) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3)
  );
}

export type { Interval } from "./inference.js";

/**
 * The 95% confidence interval of the mean by Student's t; degenerate (a point) when n = 1. With
 * `nonNegative` (durations) the low end is clamped at 0.
 */
export function meanCi95(values: readonly number[], options: { nonNegative?: boolean } = {}): Interval {
  const m = mean(values);
  if (values.length < 2) return { low: m, high: m };
  const half = (tCritical95(values.length - 1) * stddev(values)) / Math.sqrt(values.length);
  const low = m - half;
  return { low: options.nonNegative ? Math.max(0, low) : low, high: m + half };
}

/**
 * A small, fast, seedable PRNG (mulberry32, shared with the endpoint's data and the ratio
 * bootstrap): the same seed gives the same stream everywhere.
 */
export const mulberry32: (seed: number) => () => number = seededRandom;

/**
 * The 95% confidence interval reported beside a median: the order-statistic interval of the
 * median itself (see inference.ts), or null below the runs one needs. One statistic per column:
 * the interval belongs to the number printed.
 */
export function ci95(values: readonly number[]): SampleStats["ci95"] {
  const interval = medianInterval(values);
  return interval && { ...interval, method: "order-statistic-median" };
}

/**
 * Indexes of the outliers: values whose modified z-score `0.6745 (x − median) / MAD` exceeds
 * 3.5 in absolute value. When the MAD is 0 (over half the values equal), the mean absolute
 * deviation stands in: `(x − median) / (1.253314 × meanAD)`; when that is 0 too, there are none.
 */
export function outliers(values: readonly number[]): number[] {
  if (values.length < 3) return [];
  const m = median(values);
  const deviations = values.map((x) => Math.abs(x - m));
  const madValue = median(deviations);
  let scale: number;
  if (madValue > 0) scale = madValue / 0.6745;
  else {
    const meanAd = mean(deviations);
    if (meanAd === 0) return [];
    scale = 1.253314 * meanAd;
  }
  const out: number[] = [];
  deviations.forEach((d, i) => {
    if (d / scale > OUTLIER_Z) out.push(i);
  });
  return out;
}

/** Every statistic of a sample of durations, as the report stores it. Throws on an empty sample. */
export function summarize(samples: readonly number[]): SampleStats {
  requireValues(samples, "summary");
  const med = median(samples);
  const madValue = mad(samples);
  return {
    n: samples.length,
    median: med,
    mean: mean(samples),
    stddev: stddev(samples),
    mad: madValue,
    min: min(samples),
    max: max(samples),
    ci95: ci95(samples),
    outliers: outliers(samples),
    relativeSpread: med === 0 ? 0 : madValue / med,
    p75: quantile(samples, 0.75),
    p99: quantile(samples, 0.99),
  };
}
