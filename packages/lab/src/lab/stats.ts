/**
 * Statistics of samples of durations: pure functions, no I/O, deterministic (the bootstrap uses a
 * seeded PRNG), tested against values computed by hand.
 */
import { seededRandom } from "../letters/random.js";
import type { SampleStats } from "./report.js";

/** Two-sided 95% critical value of the standard normal distribution. */
const Z_975 = 1.959963984540054;

/** Samples at least this large get a bootstrap interval of the median; smaller ones Student t. */
export const BOOTSTRAP_MIN_N = 10;

/** Resamples drawn by the bootstrap. */
export const BOOTSTRAP_RESAMPLES = 2000;

/** Seed of the bootstrap's PRNG, fixed so that a report's intervals are reproducible. */
export const BOOTSTRAP_SEED = 0x5eed;

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

/** A 95% interval. */
export interface Interval {
  low: number;
  high: number;
}

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
 * A small, fast, seedable PRNG (mulberry32, shared with the endpoint's data): the same seed
 * gives the same stream everywhere, which keeps bootstrap intervals reproducible.
 */
export const mulberry32: (seed: number) => () => number = seededRandom;

/**
 * The 95% confidence interval of the median by the percentile bootstrap: `resamples` resamples
 * with replacement, drawn from a PRNG seeded with `seed`, so the same sample always gets the same
 * interval.
 */
export function medianCi95(
  values: readonly number[],
  options: { resamples?: number; seed?: number } = {},
): Interval {
  requireValues(values, "bootstrap");
  const { resamples = BOOTSTRAP_RESAMPLES, seed = BOOTSTRAP_SEED } = options;
  const random = mulberry32(seed);
  const n = values.length;
  const draw = new Array<number>(n);
  const medians = new Array<number>(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) draw[i] = values[Math.floor(random() * n)]!;
    medians[r] = median(draw);
  }
  medians.sort((a, b) => a - b);
  return { low: quantileOfSorted(medians, 0.025), high: quantileOfSorted(medians, 0.975) };
}

/**
 * The 95% confidence interval reported for a sample of durations: of the median by bootstrap when
 * n ≥ `BOOTSTRAP_MIN_N`, else of the mean by Student t, clamped at 0 (a bootstrap of 5 values is
 * too coarse).
 */
export function ci95(values: readonly number[]): SampleStats["ci95"] {
  if (values.length >= BOOTSTRAP_MIN_N) return { ...medianCi95(values), method: "bootstrap-median" };
  return { ...meanCi95(values, { nonNegative: true }), method: "student-t-mean" };
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
  };
}

/** A speedup of a candidate over a baseline, with its interval. */
export interface Speedup {
  /** baseline median ÷ candidate median: above 1 the candidate is faster. */
  ratio: number;
  /**
   * From the two intervals: [baseline low ÷ candidate high, baseline high ÷ candidate low];
   * `high` is `Infinity` when the candidate's interval reaches 0.
   */
  ci95: Interval;
}

/**
 * How many times faster `candidate` is than `baseline`: the ratio of medians, with the widest
 * interval the two 95% intervals allow (a conservative bound, not a formal CI of the ratio).
 */
export function speedup(baseline: SampleStats, candidate: SampleStats): Speedup {
  return {
    ratio: divide(baseline.median, candidate.median),
    ci95: {
      low: divide(Math.max(0, baseline.ci95.low), candidate.ci95.high),
      high: divide(baseline.ci95.high, Math.max(0, candidate.ci95.low)),
    },
  };
}

function divide(a: number, b: number): number {
  if (b > 0) return a / b;
  return a > 0 ? Number.POSITIVE_INFINITY : 1;
}

/** The outcome of comparing two samples. */
export interface ComparisonResult {
  /** Which one has the lower median (is faster), or "tie" when the medians are equal. */
  faster: "a" | "b" | "tie";
  /** False when the two 95% intervals overlap: the difference may be noise. */
  significant: boolean;
  /** Slower median ÷ faster median (≥ 1). */
  ratio: number;
}

/**
 * Compares two samples of durations. The difference is significant only when the intervals are
 * disjoint, and never when either sample has a single run (its interval is a point, not a range).
 */
export function compare(a: SampleStats, b: SampleStats): ComparisonResult {
  const overlap = a.ci95.low <= b.ci95.high && b.ci95.low <= a.ci95.high;
  const faster = a.median < b.median ? "a" : b.median < a.median ? "b" : "tie";
  const ratio = faster === "a" ? divide(b.median, a.median) : divide(a.median, b.median);
  return { faster, significant: !overlap && faster !== "tie" && a.n > 1 && b.n > 1, ratio };
}
