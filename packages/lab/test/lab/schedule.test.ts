import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { estimateRemainingMs, isSatisfied, nextRound, remainingRuns } from "../../src/lab/schedule.js";
import { planCells } from "../../src/lab/cells.js";
import { defaultWorkers, endpointTemplate, resolveOptions } from "../../src/lab/config.js";

const rule = { minRuns: 3, maxRuns: 10, minTimeMs: 1000 };
const progress = (samplesMs: number[], closed = false) => ({ samplesMs, closed });

describe("adaptive run count", () => {
  test("needs both min runs and min time, capped by max runs", () => {
    assert.equal(isSatisfied(progress([500, 500]), rule), false); // time met, runs not
    assert.equal(isSatisfied(progress([100, 100, 100]), rule), false); // runs met, time not
    assert.equal(isSatisfied(progress([400, 400, 400]), rule), true);
    assert.equal(isSatisfied(progress(Array.from({ length: 10 }, () => 1)), rule), true); // cap
    assert.equal(isSatisfied(progress([], true), rule), true); // closed
  });

  test("remaining runs from the median so far", () => {
    assert.equal(remainingRuns(progress([]), rule, 100), 10); // 1000 ms at 100 ms, capped at 10
    assert.equal(remainingRuns(progress([]), rule, 600), 3); // min runs dominate
    assert.equal(remainingRuns(progress([100, 100, 100]), rule), 7);
    assert.equal(remainingRuns(progress([400, 400, 400]), rule), 0);
  });

  test("ETA sums the cells' remaining runs", () => {
    assert.equal(estimateRemainingMs([progress([]), progress([])], rule), null);
    // a: 1 run of 500 → 2 more (min runs) = 1000 ms; b: unknown, takes a's median 500 → 3 runs = 1500
    assert.equal(estimateRemainingMs([progress([500]), progress([])], rule), 2500);
  });

  test("a round is every unsatisfied cell, in plan order", () => {
    const cells = [progress([400, 400, 400]), progress([1]), progress([], true), progress([])];
    assert.deepEqual(nextRound(cells, rule), [cells[1], cells[3]]);
  });
});

describe("matrix and options", () => {
  test("cells: sequential once, async once with every input in flight, pools per worker count", () => {
    const ids = planCells("io", ["sequential", "async", "thread", "process"], [1, 4], 26).map((p) => p.id);
    assert.deepEqual(ids, [
      "io/sequential/1",
      "io/async/26",
      "io/thread/1",
      "io/thread/4",
      "io/process/1",
      "io/process/4",
    ]);
  });

  test("default workers: more than the cores for io, up to the cores for cpu", () => {
    assert.deepEqual(defaultWorkers(2, false), { io: [1, 2, 4, 8], cpu: [1, 2], user: [1, 2] });
    assert.deepEqual(defaultWorkers(16, false), { io: [1, 2, 4, 8, 16], cpu: [1, 8, 16], user: [1, 8, 16] });
    assert.deepEqual(defaultWorkers(2, true), { io: [1, 4], cpu: [1, 2], user: [1, 2] });
  });

  test("quick changes the defaults; explicit options win", () => {
    const quick = resolveOptions({ quick: true }, 2);
    // Exactly 6 runs: the fewest with an interval of the median and a test that can reach p < 0.05.
    assert.equal(quick.minRuns, 6);
    assert.equal(quick.maxRuns, 6);
    assert.equal(quick.size, 0.03);
    const custom = resolveOptions({ quick: true, minRuns: 7, workers: [3, 1, 3] }, 2);
    assert.equal(custom.minRuns, 7);
    assert.equal(custom.maxRuns, 7);
    assert.deepEqual(custom.workersByTask.io, [1, 3]);
  });

  test("out-of-range options throw RangeError naming the option", () => {
    assert.throws(
      () => resolveOptions({ minRuns: 5, maxRuns: 2 }, 2),
      /maxRuns \(2\) is below minRuns \(5\)/,
    );
    assert.throws(() => resolveOptions({ size: 0 }, 2), /size must be in/);
    assert.throws(() => resolveOptions({ executors: [] }, 2), /executors must name/);
  });

  test("endpoint templates", () => {
    assert.equal(endpointTemplate("http://x/{letter}.json"), "http://x/{letter}.json");
    assert.equal(endpointTemplate("http://x:8080/"), "http://x:8080/api/company/search/?q={letter}");
  });
});
