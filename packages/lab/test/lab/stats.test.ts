import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  ci95,
  mad,
  max,
  mean,
  meanCi95,
  median,
  min,
  mulberry32,
  outliers,
  quantile,
  stddev,
  summarize,
  tCritical95,
} from "../../src/lab/stats.js";

function near(actual: number, expected: number, epsilon = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= epsilon, `expected ${expected}, got ${actual}`);
}

// Worked by hand: [1, 2, 3, 4, 100]
//   mean = 110 / 5 = 22; squared deviations 441 + 400 + 361 + 324 + 6084 = 7610; 7610 / 4 = 1902.5
//   |x − 3| = 2, 1, 0, 1, 97 → sorted 0, 1, 1, 2, 97 → MAD = 1
//   modified z of 100: 0.6745 × 97 / 1 = 65.4 > 3.5; of 1: 0.6745 × 2 = 1.35
//   t(0.975, 4) = 2.776445105; half-width = 2.776445105 × √1902.5 / √5 = 54.158474348
const skewed = [1, 2, 3, 4, 100];

describe("descriptive statistics", () => {
  test("of an odd sample", () => {
    assert.equal(median(skewed), 3);
    assert.equal(mean(skewed), 22);
    near(stddev(skewed), Math.sqrt(1902.5));
    assert.equal(mad(skewed), 1);
    assert.equal(min(skewed), 1);
    assert.equal(max(skewed), 100);
  });

  test("of an even sample, unsorted", () => {
    const values = [4, 1, 3, 2];
    assert.equal(median(values), 2.5);
    assert.equal(mean(values), 2.5);
    near(stddev(values), Math.sqrt(5 / 3)); // (2.25 + 2.25 + 0.25 + 0.25) / 3
    assert.equal(mad(values), 1); // |x − 2.5| = 1.5, 0.5, 0.5, 1.5
    assert.deepEqual(values, [4, 1, 3, 2], "inputs are not reordered");
  });

  test("of one value", () => {
    assert.equal(median([7]), 7);
    assert.equal(stddev([7]), 0);
    assert.equal(mad([7]), 0);
    assert.deepEqual(meanCi95([7]), { low: 7, high: 7 });
  });

  test("an empty sample throws", () => {
    assert.throws(() => median([]), RangeError);
    assert.throws(() => mean([]), RangeError);
    assert.throws(() => summarize([]), RangeError);
  });

  test("quantiles interpolate linearly (type 7)", () => {
    assert.equal(quantile([1, 2, 3, 4], 0.25), 1.75); // h = 3 × 0.25 = 0.75
    assert.equal(quantile([1, 2, 3, 4], 0), 1);
    assert.equal(quantile([1, 2, 3, 4], 1), 4);
    assert.equal(quantile([4, 3, 2, 1], 0.5), 2.5);
  });
});

describe("Student t", () => {
  test("critical values from the table", () => {
    assert.equal(tCritical95(1), 12.706204736);
    assert.equal(tCritical95(4), 2.776445105);
    assert.equal(tCritical95(30), 2.042272456);
  });

  test("critical values beyond the table are within 1e-4 of the exact quantile", () => {
    near(tCritical95(31), 2.039513446, 1e-4);
    near(tCritical95(40), 2.02107539, 1e-4);
    near(tCritical95(60), 2.000297822, 1e-4);
    near(tCritical95(120), 1.979930405, 1e-4);
    assert.ok(tCritical95(1_000_000) > 1.959963 && tCritical95(1_000_000) < 1.96);
  });

  test("rejects degrees of freedom below 1", () => {
    assert.throws(() => tCritical95(0), RangeError);
    assert.throws(() => tCritical95(2.5), RangeError);
  });

  test("interval of the mean", () => {
    // [10, 12, 14]: mean 12, s = 2, half = 4.30265273 × 2 / √3 = 4.968275424
    const ci = meanCi95([10, 12, 14]);
    near(ci.low, 12 - 4.968275423789957);
    near(ci.high, 12 + 4.968275423789957);
    const wide = meanCi95(skewed);
    near(wide.low, 22 - 54.15847434816046);
    near(wide.high, 22 + 54.15847434816046);
  });

  test("is not what the reports print: their interval is the median's, absent below 6 runs", () => {
    // The old report printed this mean interval, clamped at 0, beside the median 3.
    assert.equal(ci95(skewed), null);
    assert.deepEqual(ci95([1, 2, 3, 4, 100, 5]), {
      low: 1,
      high: 100,
      coverage: 0.96875,
      method: "order-statistic-median",
    });
  });
});

describe("the seeded PRNG", () => {
  test("the PRNG is deterministic and uniform in [0, 1)", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const draws = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(
      draws,
      Array.from({ length: 1000 }, () => b()),
    );
    assert.ok(draws.every((x) => x >= 0 && x < 1));
    near(mean(draws), 0.5, 0.05);
    assert.notDeepEqual(mulberry32(43)(), mulberry32(42)());
  });
});

describe("outliers by modified z-score", () => {
  test("flags the far value only", () => {
    assert.deepEqual(outliers(skewed), [4]);
  });

  test("falls back to the mean absolute deviation when the MAD is 0", () => {
    // median 5, deviations 0 0 0 0 1: MAD 0, meanAD 0.2 → z = 1 / (1.253314 × 0.2) = 3.99 > 3.5
    assert.deepEqual(outliers([5, 5, 5, 5, 6]), [4]);
    assert.deepEqual(outliers([5, 5, 5, 5]), []);
  });

  test("needs at least three values", () => {
    assert.deepEqual(outliers([1, 1000]), []);
  });

  test("no outliers in a tight sample", () => {
    assert.deepEqual(outliers([10, 11, 12, 13, 14]), []);
  });
});

describe("summarize", () => {
  test("fills every field", () => {
    const s = summarize(skewed);
    assert.equal(s.n, 5);
    assert.equal(s.median, 3);
    assert.equal(s.mean, 22);
    near(s.stddev, Math.sqrt(1902.5));
    assert.equal(s.mad, 1);
    assert.equal(s.min, 1);
    assert.equal(s.max, 100);
    assert.deepEqual(s.outliers, [4]);
    near(s.relativeSpread, 1 / 3);
    assert.equal(s.ci95, null, "5 runs: too few for an interval");
    // Type 7: p75 at rank 0.75 × 4 = 3 (the 4th value), p99 at 3.96: 4 + 0.96 × (100 − 4).
    assert.equal(s.p75, 4);
    near(s.p99!, 96.16);
  });

  test("relative spread is 0 when the median is 0", () => {
    assert.equal(summarize([0, 0, 0]).relativeSpread, 0);
  });
});
