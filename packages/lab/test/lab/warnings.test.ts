import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { collectWarnings } from "../../src/lab/warnings.js";
import { around, cell, machine, report, withUsage } from "./synthetic.js";

describe("warnings", () => {
  test("a clean run has none", () => {
    const r = report([
      cell("cpu", "sequential", 1, around(100, 10)),
      cell("cpu", "thread", 2, around(50, 10)),
    ]);
    assert.deepEqual(r.warnings, []);
  });

  test("few runs", () => {
    const r = report([
      cell("cpu", "sequential", 1, around(100, 3)),
      cell("cpu", "thread", 2, around(50, 10)),
    ]);
    assert.deepEqual(r.warnings, [
      "cpu/sequential/1 ran fewer than 6 measured runs: too few for a 95% interval of the median or any judgement of significance (raise --min-runs).",
    ]);
  });

  test("every cell with few runs is one warning", () => {
    const r = report([cell("cpu", "sequential", 1, around(100, 3)), cell("cpu", "thread", 2, around(50, 3))]);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]!, /^Every cell ran fewer than 6 measured runs/);
  });

  test("high spread and outliers", () => {
    const noisy = cell("io", "async", 26, [100, 140, 60, 120, 80, 100, 70, 130]);
    const outlier = cell("io", "sequential", 1, [100, 101, 99, 100, 102, 98, 100, 400]);
    const warnings = collectWarnings(report([outlier, noisy]));
    assert.ok(warnings.includes("io/async/26: high spread (MAD is 25% of the median)."), warnings.join("\n"));
    assert.ok(
      warnings.some((w) =>
        /^Statistical outliers in io\/sequential\/1 \(modified z-score above 3\.5\)/.test(w),
      ),
    );
  });

  test("very short runs", () => {
    const r = report([cell("cpu", "sequential", 1, around(2, 10))]);
    assert.deepEqual(r.warnings, [
      "cpu/sequential/1 took under 5 ms per run: overheads and timer resolution weigh on them (raise --size).",
    ]);
  });

  test("load above the core count, at the start or by the end", () => {
    const cells = [cell("cpu", "sequential", 1, around(100, 10))];
    const start = collectWarnings(
      report(cells, { machine: machine({ cores: 2, loadAverageStart: [3.5, 1, 1] }) }),
    );
    assert.deepEqual(start, [
      "Load average was 3.50 at the start, above the 2 cores: other programs were competing, timings may be inflated.",
    ]);
    const own = collectWarnings(
      report(cells, { machine: machine({ cores: 2, loadAverageEnd: [2.5, 1, 1] }) }),
    );
    assert.deepEqual(own, [], "a load this run's own workers explain is no warning");
    const end = collectWarnings(
      report(cells, { machine: machine({ cores: 2, loadAverageEnd: [4.5, 1, 1] }) }),
    );
    assert.match(end[0]!, /^Load average rose to 4\.50 by the end, over twice the 2 cores/);
  });

  test("cells during which other processes took over a quarter of a core, with how to re-run them", () => {
    const quiet = withUsage(cell("cpu", "sequential", 1, around(100, 10)), { otherCores: 0.1 });
    const busy = withUsage(cell("cpu", "thread", 2, around(50, 10)), { otherCores: 0.81 });
    const unknown = Object.assign(cell("cpu", "process", 2, around(60, 10)), {
      load: "unavailable" as const,
    });
    assert.deepEqual(collectWarnings(report([quiet, busy, unknown])), [
      "Other processes took more than 0.25 of a core (in cores, over 500 ms windows) while cpu/thread/2 (up to 0.81) ran: their timings may be inflated; re-run it on a quieter machine: --filter cpu/thread/2.",
    ]);
    const many = [1, 2, 3, 4, 5].map((w) =>
      withUsage(cell("io", "thread", w, around(100, 10)), { otherCores: 1 }),
    );
    const [warning] = collectWarnings(report(many));
    assert.match(
      warning!,
      /while io\/thread\/1 \(up to 1\.00\), .*io\/thread\/4 \(up to 1\.00\) and 1 more ran/,
    );
    assert.match(warning!, /re-run them on a quieter machine\.$/, "no --filter suggestion for a long list");
  });

  test("variables every process start pays for", () => {
    const cells = [cell("cpu", "process", 2, around(100, 10))];
    const warnings = collectWarnings(
      report(cells, { machine: machine({ startupEnv: ["NODE_EXTRA_CA_CERTS"] }) }),
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^NODE_EXTRA_CA_CERTS is set: every Node process pays for it at start/);
    assert.deepEqual(collectWarnings(report(cells, { machine: machine({ startupEnv: [] }) })), []);
  });

  test("interrupted and failed cells come first", () => {
    const warnings = collectWarnings(
      report(
        [
          cell("io", "sequential", 1, around(100, 10), { status: "interrupted" }),
          Object.assign(cell("io", "thread", 2, []), {
            status: "failed" as const,
            error: "WorkerStartError: boom",
          }),
        ],
        { interrupted: true },
      ),
    );
    assert.equal(
      warnings[0],
      "The run was interrupted: the report holds what was measured by then (1 cell has fewer runs than asked).",
    );
    assert.equal(warnings[1], "io/thread/2 failed: WorkerStartError: boom");
  });
});

test("several noisy cells make one warning", () => {
  const warnings = collectWarnings(
    report([
      cell("io", "async", 26, [100, 140, 60, 120, 80, 100, 70, 130]),
      cell("io", "thread", 2, [100, 140, 60, 120, 80, 100, 70, 130]),
    ]),
  );
  assert.ok(
    warnings.includes("High spread (MAD above 10% of the median) in io/async/26 25%, io/thread/2 25%."),
    warnings.join("\n"),
  );
});
