/**
 * Inference on samples of durations, all about the median (the number the reports print): its
 * distribution-free confidence interval, a rank test of a difference, and a bootstrap interval of
 * a ratio of medians. Pure functions, deterministic (the bootstrap's PRNG is seeded). The choices
 * are explained in docs/design.md ("Statistics").
 */
import { seededRandom } from "../letters/random.js";

/** A 95% interval. */
export interface Interval {
  low: number;
  high: number;
}

/** Two-sided level of the tests: a difference with p below this is significant. */
export const ALPHA = 0.05;

/**
 * The fewest runs a 95% interval of the median can be built from without assuming a distribution:
 * [min, max] of n runs covers the median with probability 1 − 2·0.5ⁿ, which first reaches 95% at
 * n = 6 (96.9%). Below it the reports print no interval and judge no significance.
 */
export const MIN_RUNS_FOR_INTERVAL = 6;

/**
 * Differences smaller than this fraction are "within noise" even when the test detects them
 * (criterion's noise threshold): a 2% shift is real on a quiet machine and meaningless on the next.
 */
export const NOISE_THRESHOLD = 0.05;

/** Resamples of the ratio bootstrap. */
export const RATIO_RESAMPLES = 2000;

/** Seed of the ratio bootstrap, fixed so that a report's speedup intervals are reproducible. */
export const RATIO_SEED = 0x5eed;

/** Above this many pairs (m·n) the exact Mann–Whitney distribution gives way to the normal one. */
export const EXACT_PAIRS_MAX = 2500;

function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function medianOfSorted(s: readonly number[]): number {
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** log C(n, k), summed in logs so that large n neither overflows nor underflows. */
function logChoose(n: number, k: number): number {
  let sum = 0;
  for (let i = 1; i <= k; i++) sum += Math.log(n - k + i) - Math.log(i);
  return sum;
}

/** P(B ≤ j) for B ~ Binomial(n, ½). */
export function binomialHalfCdf(n: number, j: number): number {
  if (j < 0) return 0;
  if (j >= n) return 1;
  let total = 0;
  for (let i = 0; i <= j; i++) total += Math.exp(logChoose(n, i) - n * Math.LN2);
  return Math.min(1, total);
}

/**
 * The order-statistic 95% confidence interval of the median: [x₍k₎, x₍n−k+1₎] with the largest k
 * whose coverage 1 − 2·P(B ≤ k−1), B ~ Binomial(n, ½), is still ≥ 95%. Exact for any continuous
 * distribution (no normality, no resampling), it always contains the sample median, and it is
 * null below {@link MIN_RUNS_FOR_INTERVAL} runs, where no such interval exists.
 */
export function medianInterval(values: readonly number[]): (Interval & { coverage: number }) | null {
  const n = values.length;
  if (n < MIN_RUNS_FOR_INTERVAL) return null;
  let k = 1;
  while (k + 1 <= n / 2 && 1 - 2 * binomialHalfCdf(n, k) >= 0.95) k++;
  const s = sortedCopy(values);
  return { low: s[k - 1]!, high: s[n - k]!, coverage: 1 - 2 * binomialHalfCdf(n, k - 1) };
}

/** Ranks 1..N of the pooled values, ties sharing their mean rank (midranks). */
function midranks(pooled: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = pooled.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(pooled.length);
  let tieTerm = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]!.value === order[i]!.value) j++;
    const rank = (i + j + 2) / 2;
    for (let t = i; t <= j; t++) ranks[order[t]!.index] = rank;
    const size = j - i + 1;
    tieTerm += size ** 3 - size;
    i = j + 1;
  }
  return { ranks, tieTerm };
}

/**
 * P(U ≤ u) under the null hypothesis for sample sizes m and n, exactly: the recurrence
 * p(m, n, u) = m/(m+n)·p(m−1, n, u−n) + n/(m+n)·p(m, n−1, u) over probabilities (not counts, which
 * overflow), the same distribution as enumerating every one of the C(m+n, m) arrangements.
 */
function exactUCdf(m: number, n: number, u: number): number {
  // table[i][j] is the distribution of U for sizes i and j, as an array over U = 0..i·j.
  let previous: number[][] = Array.from({ length: n + 1 }, () => [1]);
  for (let i = 1; i <= m; i++) {
    const row: number[][] = [[1]];
    for (let j = 1; j <= n; j++) {
      const dist = new Array<number>(i * j + 1).fill(0);
      const fromLeft = previous[j]!; // sizes i−1, j: the largest value belongs to the first sample
      const fromDown = row[j - 1]!; // sizes i, j−1: it belongs to the second
      const a = i / (i + j);
      for (let v = 0; v < fromLeft.length; v++) dist[v + j] = dist[v + j]! + a * fromLeft[v]!;
      for (let v = 0; v < fromDown.length; v++) dist[v] = dist[v]! + (1 - a) * fromDown[v]!;
      row.push(dist);
    }
    previous = row;
  }
  const dist = previous[n]!;
  let total = 0;
  for (let v = 0; v <= Math.min(Math.floor(u + 1e-9), dist.length - 1); v++) total += dist[v]!;
  return Math.min(1, total);
}

/** The standard normal CDF (Abramowitz–Stegun 7.1.26 on erf, |error| < 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Which form of the test produced a p-value. */
export type RankTest = "mann-whitney-exact" | "mann-whitney-normal";

/** A Mann–Whitney U test of two samples. */
export interface RankTestResult {
  /** U of the first sample: pairs (a, b) with a > b, ties counting ½. */
  u: number;
  /** Two-sided p-value. */
  p: number;
  method: RankTest;
}

/**
 * The two-sided Mann–Whitney U (Wilcoxon rank-sum) test: does one sample tend to take larger values
 * than the other? It fits medians where a t-test fits means: no normality assumed, one wild run
 * moves it by one rank only. Exact (the permutation distribution of U) up to
 * {@link EXACT_PAIRS_MAX} pairs, beyond that the normal approximation with tie and continuity
 * corrections. Ties are midranked; the exact form then uses the untied distribution, which timings
 * measured in fractions of a microsecond almost never need.
 */
export function mannWhitney(a: readonly number[], b: readonly number[]): RankTestResult {
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) throw new RangeError("Mann–Whitney test of an empty sample");
  const { ranks, tieTerm } = midranks([...a, ...b]);
  const rankSum = ranks.slice(0, m).reduce((x, y) => x + y, 0);
  const u = rankSum - (m * (m + 1)) / 2;
  const lower = Math.min(u, m * n - u);
  if (m * n <= EXACT_PAIRS_MAX) {
    return { u, p: Math.min(1, 2 * exactUCdf(m, n, lower)), method: "mann-whitney-exact" };
  }
  const N = m + n;
  const variance = ((m * n) / 12) * (N + 1 - tieTerm / (N * (N - 1)));
  if (variance <= 0) return { u, p: 1, method: "mann-whitney-normal" };
  const z = (lower - (m * n) / 2 + 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * normalCdf(z)), method: "mann-whitney-normal" };
}

/** The quantile of sorted values by linear interpolation (R's type 7). */
function quantileOfSorted(s: readonly number[], p: number): number {
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const x = s[lo]!;
  const y = s[Math.min(lo + 1, s.length - 1)]!;
  return x + (h - lo) * (y - x);
}

function resampledMedian(values: readonly number[], random: () => number, draw: number[]): number {
  const n = values.length;
  for (let i = 0; i < n; i++) draw[i] = values[Math.floor(random() * n)]!;
  draw.sort((x, y) => x - y);
  return medianOfSorted(draw);
}

/**
 * The 95% percentile-bootstrap interval of median(baseline) ÷ median(candidate): both samples
 * resampled independently `resamples` times from one PRNG seeded with `seed`, so the same samples
 * always give the same interval. Null below {@link MIN_RUNS_FOR_INTERVAL} runs in either sample
 * (a bootstrap of 3 values has 10 distinct medians at most, an interval it cannot support).
 */
export function ratioInterval(
  baseline: readonly number[],
  candidate: readonly number[],
  options: { resamples?: number; seed?: number } = {},
): Interval | null {
  if (baseline.length < MIN_RUNS_FOR_INTERVAL || candidate.length < MIN_RUNS_FOR_INTERVAL) return null;
  const { resamples = RATIO_RESAMPLES, seed = RATIO_SEED } = options;
  const random = seededRandom(seed);
  const drawA = new Array<number>(baseline.length);
  const drawB = new Array<number>(candidate.length);
  const ratios: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const top = resampledMedian(baseline, random, drawA);
    const bottom = resampledMedian(candidate, random, drawB);
    if (bottom > 0) ratios.push(top / bottom);
  }
  if (ratios.length === 0) return null;
  ratios.sort((x, y) => x - y);
  return { low: quantileOfSorted(ratios, 0.025), high: quantileOfSorted(ratios, 0.975) };
}

/** What a comparison of a candidate with a baseline found. */
export type Change = "faster" | "slower" | "within-noise" | "too-few-runs";

/**
 * The comparison's meaning, from which every reporter's words are generated: too few runs to tell;
 * a significant (p < {@link ALPHA}) change beyond the noise threshold either way; else within noise.
 * `ratio` is baseline ÷ candidate (above 1 the candidate is faster).
 */
export function classifyChange(n: { baseline: number; candidate: number }, ratio: number, p: number): Change {
  if (n.baseline < MIN_RUNS_FOR_INTERVAL || n.candidate < MIN_RUNS_FOR_INTERVAL) return "too-few-runs";
  if (p >= ALPHA) return "within-noise";
  if (ratio >= 1 + NOISE_THRESHOLD) return "faster";
  if (ratio <= 1 / (1 + NOISE_THRESHOLD)) return "slower";
  return "within-noise";
}

/** A full comparison of two samples of durations: ratio of medians, its interval, the test. */
export interface SampleComparison {
  /** median(baseline) ÷ median(candidate). */
  ratio: number;
  ci95: Interval | null;
  p: number;
  test: RankTest;
  change: Change;
}

/**
 * Compares `candidate` with `baseline`. `ceiling`, when given, caps the interval's top at what the
 * machine allows (e.g. a CPU-bound pool cannot beat min(workers, cores)), never below the ratio.
 */
export function compareSamples(
  baseline: readonly number[],
  candidate: readonly number[],
  options: { ceiling?: number } = {},
): SampleComparison {
  const a = sortedCopy(baseline);
  const b = sortedCopy(candidate);
  const top = medianOfSorted(a);
  const bottom = medianOfSorted(b);
  const ratio = bottom > 0 ? top / bottom : top > 0 ? Number.POSITIVE_INFINITY : 1;
  const { p, method } = mannWhitney(a, b);
  let ci95 = ratioInterval(a, b);
  if (ci95 && options.ceiling !== undefined) {
    const cap = Math.max(options.ceiling, ratio);
    ci95 = { low: Math.min(ci95.low, cap), high: Math.min(ci95.high, cap) };
  }
  return {
    ratio,
    ci95,
    p,
    test: method,
    change: classifyChange({ baseline: a.length, candidate: b.length }, ratio, p),
  };
}
