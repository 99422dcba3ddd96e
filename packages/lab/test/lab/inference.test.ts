import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  MIN_RUNS_FOR_INTERVAL,
  binomialHalfCdf,
  classifyChange,
  compareSamples,
  mannWhitney,
  medianInterval,
  ratioInterval,
} from "../../src/lab/inference.js";

function near(actual: number, expected: number, epsilon = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= epsilon, `expected ${expected}, got ${actual}`);
}

// Reference p-values: exact, by enumeration in Python (stdlib only, fractions), of every one of the
// C(m+n, m) ways to split the pooled values into the two groups, counting the splits whose
// min(U, mn − U) is at most the observed one. The first agrees with R's wilcox.test(1:6, 7:12)
// (p-value = 0.002165).
describe("Mann–Whitney U, exact", () => {
  test("completely separated samples of 6: p = 2/924 = 1/462", () => {
    const r = mannWhitney([1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]);
    assert.equal(r.u, 0);
    assert.equal(r.method, "mann-whitney-exact");
    near(r.p, 1 / 462);
  });

  test("3 runs each can never reach 5%: the smallest p is 2/20", () => {
    near(mannWhitney([1, 2, 3], [4, 5, 6]).p, 1 / 10);
  });

  test("overlapping samples: U = 32, p = 2/77 (enumerated)", () => {
    const r = mannWhitney([10.2, 11.5, 9.8, 12.1, 10.9, 11.1], [9.1, 10.0, 9.5, 10.4, 9.9, 8.7]);
    assert.equal(r.u, 32);
    near(r.p, 2 / 77);
  });

  test("interleaved samples of 7: U = 31, p = 391/858 (enumerated)", () => {
    const r = mannWhitney([100, 102, 98, 101, 99, 103, 97], [95, 104, 96, 105, 94, 100.5, 93]);
    assert.equal(r.u, 31);
    near(r.p, 391 / 858);
  });

  test("unequal sizes 4 and 5: U = 6, p = 26/63 (enumerated)", () => {
    const r = mannWhitney([1, 3, 5, 7], [2, 4, 6, 8, 10]);
    assert.equal(r.u, 6);
    near(r.p, 26 / 63);
  });

  test("symmetric in its arguments", () => {
    const a = [10.2, 11.5, 9.8, 12.1, 10.9, 11.1];
    const b = [9.1, 10.0, 9.5, 10.4, 9.9, 8.7];
    near(mannWhitney(a, b).p, mannWhitney(b, a).p);
  });

  test("large samples switch to the normal approximation, which agrees in the tail", () => {
    const a = Array.from({ length: 60 }, (_, i) => i);
    const b = Array.from({ length: 60 }, (_, i) => i + 0.5);
    const r = mannWhitney(a, b);
    assert.equal(r.method, "mann-whitney-normal");
    // U = 1770 of 3600: z = (1770 − 1800 + 0.5) / sqrt(3600·121/12) = −29.5/190.526 = −0.15483
    near(r.p, 0.87695, 1e-4);
  });
});

describe("the order-statistic interval of the median", () => {
  // Coverage 1 − 2·P(B ≤ k − 1) for B ~ Binomial(n, ½), worked in Python with math.comb:
  //   n = 6: k = 1 → [x₁, x₆], 1 − 2/64 = 0.96875
  //   n = 9: k = 2 → [x₂, x₈], 1 − 2·10/512 = 0.9609375
  //   n = 10: k = 2 → [x₂, x₉], 1 − 2·11/1024 = 0.978515625 (k = 3 would give 0.890625)
  //   n = 20: k = 6 → [x₆, x₁₅], 0.9586105346679688
  //   n = 30: k = 10 → [x₁₀, x₂₁], 0.9572260547429323
  const cases: [number, number, number][] = [
    [6, 1, 0.96875],
    [9, 2, 0.9609375],
    [10, 2, 0.978515625],
    [20, 6, 0.9586105346679688],
    [30, 10, 0.9572260547429323],
  ];
  for (const [n, k, coverage] of cases) {
    test(`n = ${n}: [x(${k}), x(${n - k + 1})], coverage ${coverage}`, () => {
      const values = Array.from({ length: n }, (_, i) => (n - i) * 10); // reversed: it must sort
      const ci = medianInterval(values);
      assert.ok(ci);
      assert.equal(ci.low, k * 10);
      assert.equal(ci.high, (n - k + 1) * 10);
      near(ci.coverage, coverage);
    });
  }

  test(`none below ${MIN_RUNS_FOR_INTERVAL} runs: [min, max] of 5 covers only 93.75%`, () => {
    assert.equal(medianInterval([1, 2, 3, 4, 5]), null);
    assert.equal(medianInterval([347]), null);
    near(1 - 2 * binomialHalfCdf(5, 0), 0.9375);
  });

  test("always contains the median it belongs to, even for a bimodal sample", () => {
    // The case: 9 runs, two clusters; the old Student-t interval of the mean excluded the median.
    const bimodal = [100, 101, 102, 102, 102, 190, 195, 198, 200];
    const ci = medianInterval(bimodal)!;
    assert.ok(ci.low <= 102 && 102 <= ci.high, JSON.stringify(ci));
    assert.deepEqual([ci.low, ci.high], [101, 198]);
  });

  test("binomial CDF by hand: P(B ≤ 2 | n = 10) = 56/1024", () => {
    near(binomialHalfCdf(10, 2), 56 / 1024);
    assert.equal(binomialHalfCdf(10, -1), 0);
    assert.equal(binomialHalfCdf(10, 10), 1);
    // Large n does not overflow: symmetric, so P(B ≤ 999 | n = 1999) = ½.
    near(binomialHalfCdf(1999, 999), 0.5, 1e-9);
  });
});

describe("the bootstrap interval of a ratio of medians", () => {
  const base = [200, 204, 198, 202, 199, 201, 203, 197];
  const fast = [100, 102, 99, 101, 98, 103, 100.5, 99.5];

  test("is reproducible (seeded) and contains the ratio of medians", () => {
    const a = ratioInterval(base, fast)!;
    assert.deepEqual(ratioInterval(base, fast), a);
    const ratio = 200.5 / 100.25;
    assert.ok(a.low <= ratio && ratio <= a.high, JSON.stringify(a));
    // Never wider than the most extreme ratios the samples allow.
    assert.ok(a.low >= 197 / 103 && a.high <= 204 / 98, JSON.stringify(a));
  });

  test("constant samples give the exact ratio", () => {
    assert.deepEqual(ratioInterval([10, 10, 10, 10, 10, 10], [5, 5, 5, 5, 5, 5]), { low: 2, high: 2 });
  });

  test("none below the runs an interval needs", () => {
    assert.equal(ratioInterval([1, 2, 3], base), null);
    assert.equal(ratioInterval(base, [1]), null);
  });

  test("a different seed gives a (slightly) different interval", () => {
    assert.notDeepEqual(ratioInterval(base, fast, { seed: 1 }), ratioInterval(base, fast, { seed: 2 }));
  });
});

describe("what a comparison means", () => {
  test("classification from runs, ratio and p", () => {
    const n = { baseline: 10, candidate: 10 };
    assert.equal(classifyChange({ baseline: 3, candidate: 10 }, 5, 0), "too-few-runs");
    assert.equal(classifyChange(n, 1.9, 0.001), "faster");
    assert.equal(classifyChange(n, 0.7, 0.001), "slower");
    assert.equal(classifyChange(n, 1.9, 0.2), "within-noise");
    assert.equal(classifyChange(n, 1.02, 0.001), "within-noise"); // under the 5% noise threshold
  });

  test("compareSamples: a clear 2× win", () => {
    const base = [200, 204, 198, 202, 199, 201, 203, 197];
    const fast = [100, 102, 99, 101, 98, 103, 100.5, 99.5];
    const c = compareSamples(base, fast);
    assert.equal(c.change, "faster");
    assert.equal(c.test, "mann-whitney-exact");
    near(c.p, 2 / 12870); // separated samples of 8: 2 / C(16, 8)
    near(c.ratio, 200.5 / 100.25);
  });

  test("compareSamples caps the interval at the machine's ceiling, never below the ratio", () => {
    const base = [200, 240, 198, 260, 199, 201, 230, 197];
    const fast = [100, 60, 99, 101, 70, 103, 100.5, 99.5];
    const free = compareSamples(base, fast).ci95!;
    const capped = compareSamples(base, fast, { ceiling: 2 }).ci95!;
    assert.ok(free.high > 2, JSON.stringify(free));
    const ratio = compareSamples(base, fast).ratio;
    assert.equal(capped.high, Math.max(2, ratio));
  });
});
