import { test } from "node:test";
import assert from "node:assert/strict";
import { compareWithBaseline, parseThreshold, renderBaseline } from "../../src/lab/regression.js";
import { around, cell, report } from "./synthetic.js";

const base = report([cell("cpu", "sequential", 1, around(100, 8)), cell("cpu", "thread", 2, around(50, 8))]);

test("a significant slowdown beyond the threshold is a regression; the rest is not", () => {
  const current = report([
    cell("cpu", "sequential", 1, around(110, 8)), // 10% slower, separated samples: p = 2/12870
    cell("cpu", "thread", 2, around(51, 8)), // 2% slower: under the 5% threshold
  ]);
  const rows = compareWithBaseline(current, base, 0.05);
  assert.deepEqual(
    rows.map((r) => [r.cellId, r.change]),
    [
      ["cpu/sequential/1", "regression"],
      ["cpu/thread/2", "within-noise"],
    ],
  );
  assert.ok(Math.abs(rows[0]!.p! - 2 / 12870) < 1e-12);
  assert.match(
    renderBaseline(rows, "saved.json", 0.05),
    /cpu\/sequential\/1: REGRESSION: 10% slower, p < 0\.001[\s\S]*1 regression\./,
  );
  // The same slowdown under a 15% threshold is not a regression.
  assert.equal(compareWithBaseline(current, base, 0.15)[0]!.change, "within-noise");
});

test("improvements, cells missing from the baseline, and too few runs", () => {
  const current = report([
    cell("cpu", "sequential", 1, around(80, 8)),
    cell("cpu", "thread", 2, around(70, 3)),
    cell("cpu", "process", 2, around(60, 8)),
  ]);
  const rows = compareWithBaseline(current, base, 0.05);
  assert.deepEqual(
    rows.map((r) => [r.cellId, r.change]),
    [
      ["cpu/sequential/1", "improvement"],
      ["cpu/thread/2", "too-few-runs"],
    ],
  );
  assert.match(renderBaseline(rows, "saved.json", 0.05), /No regression\.\n$/);
});

test("thresholds", () => {
  assert.equal(parseThreshold("5%"), 0.05);
  assert.equal(parseThreshold("2.5"), 0.025);
  assert.throws(() => parseThreshold("fast"), /--fail-if-slower must be a percentage/);
});
