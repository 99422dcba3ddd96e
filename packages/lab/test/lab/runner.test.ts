import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runBench, type BenchEvent } from "../../src/lab/runner.js";
import type { BenchOptions } from "../../src/lab/config.js";
import { NoCellMatchError } from "../../src/lab/filter.js";
import { validateReport } from "../../src/lab/validate.js";
import { findPython } from "../../src/lab/env.js";
import { renderJson } from "../../src/lab/reporters/json.js";
import type { BenchReport } from "../../src/lab/report.js";

const python = await findPython();

// Small enough for a shared 2-core machine: no timing is asserted, only the shape of the result.
const small: BenchOptions = {
  workers: [1, 2],
  warmupRuns: 1,
  minRuns: 2,
  maxRuns: 2,
  minTimeMs: 0,
  size: 0.02,
  latency: "1ms",
  python: false,
};

async function assertValid(report: BenchReport): Promise<void> {
  const result = await validateReport(JSON.parse(renderJson(report)));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
}

describe("runBench", () => {
  test("measures every cell of a small matrix; the report validates", async () => {
    const events: BenchEvent["type"][] = [];
    const report = await runBench(
      { ...small, workers: [2] },
      { onEvent: (event) => events.push(event.type) },
    );
    await assertValid(report);
    assert.deepEqual(
      report.cells.map((c) => `${c.id}:${c.status}`),
      [
        "io/sequential/1:ok",
        "io/async/26:ok",
        "io/thread/2:ok",
        "io/process/2:ok",
        "cpu/sequential/1:ok",
        "cpu/async/5:ok",
        "cpu/thread/2:ok",
        "cpu/process/2:ok",
      ],
    );
    for (const cell of report.cells) {
      assert.equal(cell.samplesMs.length, 2, cell.id);
      assert.equal(cell.startupMs.length, 1, cell.id);
      assert.ok(cell.stats && cell.startupStats, cell.id);
    }
    assert.equal(report.config.size.records, 5);
    assert.equal(report.config.python.enabled, false);
    assert.equal(report.config.python.note, "Python rows skipped (--no-python).");
    assert.equal(report.comparisons.length, 6);
    assert.deepEqual(
      report.verdicts.map((v) => v.task),
      ["io", "cpu"],
    );
    assert.equal(report.interrupted, false);
    for (const type of ["phase", "startup", "run", "cell-done"] as const)
      assert.ok(events.includes(type), type);
  });

  test("the original Python experiment joins the report as python cells", async () => {
    assert.ok(
      (await findPython()) !== null,
      "python3 not found on PATH: the lab runs the original experiment with it. Install it: apt-get install -y python3",
    );
    const report = await runBench({
      ...small,
      executors: ["sequential", "process"],
      workers: [2],
      multiplier: 9,
      pythonRecords: 2,
      pythonRepetitions: 2,
      python: true,
    });
    await assertValid(report);
    assert.equal(report.config.python.enabled, true);
    assert.deepEqual(report.config.python.workers, { io: 2, cpu: 2 });
    assert.equal(report.config.size.pythonRecords, 2);
    const python = report.cells.filter((c) => c.runtime === "python");
    assert.deepEqual(
      python.map((c) => `${c.id}:${c.status}:${c.samplesMs.length}`),
      [
        "io/py-sequential/1:ok:2",
        "io/py-process/2:ok:2",
        "cpu/py-sequential/1:ok:2",
        "cpu/py-process/2:ok:2",
      ],
    );
    assert.ok(python.every((c) => c.msPerUnit !== null));
    assert.ok(report.verdicts.some((v) => v.runtime === "python" && v.task === "cpu"));
    assert.ok(report.notes!.some((n) => n.startsWith("Python's cpu rows processed 2 of the 5 records")));
  });

  test("Ctrl-C (an aborted signal) stops cleanly and still reports", async () => {
    const controller = new AbortController();
    const report = await runBench(
      { ...small, tasks: ["cpu"], minRuns: 50, maxRuns: 50 },
      {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === "run" && !event.warmup) controller.abort();
        },
      },
    );
    assert.equal(report.interrupted, true);
    assert.ok(report.cells.some((c) => c.status === "interrupted"));
    assert.ok(report.cells.every((c) => c.samplesMs.length <= 1));
    assert.match(report.warnings[0]!, /^The run was interrupted/);
    await assertValid(report);
  });

  test("a filter keeps the cells it matches, and only their tasks; CPU, memory and load are recorded", async () => {
    const report = await runBench({ ...small, python: true, filter: "cpu/sequential/*,cpu/process/2" });
    await assertValid(report);
    assert.equal(report.config.python.enabled, false);
    assert.match(
      report.config.python.note!,
      python === null
        ? /python3 was not found/
        : /^No Python row matches --filter cpu\/sequential\/\*,cpu\/process\/2\.$/,
    );
    assert.deepEqual(
      report.cells.map((c) => c.id),
      ["cpu/sequential/1", "cpu/process/2"],
    );
    assert.deepEqual(report.config.tasks, ["cpu"]);
    assert.equal(report.config.filter, "cpu/sequential/*,cpu/process/2");
    for (const cell of report.cells) {
      assert.ok(typeof cell.resources === "object", cell.id);
      assert.equal(cell.resources.cpuUserMs.length, cell.samplesMs.length, cell.id);
      assert.ok(cell.resources.peakRssBytes > 0, cell.id);
      assert.ok(typeof cell.load === "object" && cell.load.samples >= 2 * cell.samplesMs.length, cell.id);
      assert.ok(cell.stats!.p75! >= cell.stats!.median && cell.stats!.p99! <= cell.stats!.max, cell.id);
      assert.ok(cell.throughputPerSecond! > 0, cell.id);
    }
  });

  test("a filter that matches no cell is refused before any cell runs, listing them", async () => {
    const events: string[] = [];
    await assert.rejects(
      runBench({ ...small, filter: "gpu/*" }, { onEvent: (event) => events.push(event.type) }),
      (error: unknown) => {
        assert.ok(error instanceof NoCellMatchError);
        // The cpu cells' ids need the records (async's concurrency is their count): planned first.
        assert.deepEqual(error.cellIds, [
          "io/sequential/1",
          "io/async/26",
          "io/thread/1",
          "io/thread/2",
          "io/process/1",
          "io/process/2",
          "cpu/sequential/1",
          "cpu/async/5",
          "cpu/thread/1",
          "cpu/thread/2",
          "cpu/process/1",
          "cpu/process/2",
        ]);
        return true;
      },
    );
    assert.ok(!events.includes("startup") && !events.includes("run"), events.join());
  });

  test("a user's module: any task over given inputs", async () => {
    const path = fileURLToPath(new URL("../fixtures/lab-tasks.ts", import.meta.url));
    const report = await runBench({
      ...small,
      executors: ["sequential", "async", "thread"],
      module: { path, task: "spin", inputs: [10_000, 20_000, 30_000] },
    });
    await assertValid(report);
    assert.deepEqual(report.config.tasks, ["user:spin"]);
    assert.deepEqual(report.config.module, { path, task: "spin", inputs: 3 });
    assert.deepEqual(
      report.cells.map((c) => `${c.id}:${c.status}`),
      ["user:spin/sequential/1:ok", "user:spin/async/3:ok", "user:spin/thread/1:ok", "user:spin/thread/2:ok"],
    );
    assert.equal(report.cells[0]!.work.name, "input");
  });

  test("a failing task fails its cells, not the run", async () => {
    const path = fileURLToPath(new URL("../fixtures/lab-tasks.ts", import.meta.url));
    const report = await runBench({
      ...small,
      executors: ["sequential", "thread"],
      workers: [1],
      module: { path, task: "broken", inputs: [1, 2] },
    });
    await assertValid(report);
    assert.ok(report.cells.every((c) => c.status === "failed"));
    assert.match(report.cells[1]!.error!, /RangeError: broken on 1/);
    assert.equal(report.verdicts[0]!.sentence, "user:broken: nothing was measured (2 of 2 cells failed).");
  });
});
