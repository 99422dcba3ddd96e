import { test } from "node:test";
import assert from "node:assert/strict";
import { collectNotes } from "../../src/lab/notes.js";
import { around, cell, report, withUsage } from "./synthetic.js";

test("notes state the sizes and compare runtimes per unit of work, never extrapolating", () => {
  // synthetic cpu cells: 10 records, 1e7 inner iterations per run
  const r = report([
    cell("cpu", "sequential", 1, around(20)),
    cell("cpu", "thread", 2, around(11)),
    cell("cpu", "sequential", 1, around(2000, 3), { runtime: "python" }),
    cell("cpu", "process", 2, around(1100, 3), { runtime: "python" }),
  ]);
  assert.deepEqual(collectNotes(r.config, r.cells), [
    "cpu size: 10 records per run at multiplier 99 (--size 0.25; 1 is the seed's full Task 2).",
    "Python's cpu rows processed 2 of the 10 records per run (pure Python is about 100× slower): compare them with Node's per million inner iterations (ms/M iter), not by time per run. Nothing is extrapolated.",
    "Per million inner iterations, sequential: Node 2.00 ms, Python 200 ms (Python 100× slower).",
    "cpu, best of each runtime (ms per million iterations): Node thread ×2 1.10, Python process ×2 110.",
  ]);
});

test("notes say what CPU and memory cover, and when the load could not be watched", () => {
  const io = [
    withUsage(cell("io", "sequential", 1, around(20))),
    withUsage(cell("io", "thread", 2, around(11))),
  ];
  const tree = report(io);
  assert.deepEqual(collectNotes(tree.config, tree.cells), [
    "CPU time (user + system, median per run) and peak RSS are of this process (the lab, its worker threads, the embedded endpoint) and its child processes, over the measured runs.",
  ]);
  const elsewhere = report([
    withUsage(cell("io", "sequential", 1, around(20)), { scope: "process" }),
    Object.assign(cell("io", "process", 2, around(11)), {
      resources: "unavailable" as const,
      load: "unavailable" as const,
    }),
  ]);
  assert.deepEqual(collectNotes(elsewhere.config, elsewhere.cells), [
    "CPU time (user + system, median per run) and peak RSS are of this process only (the lab, its worker threads, the embedded endpoint): without /proc, child processes are not measured and process pools show n/a.",
    "The machine's load was not sampled during the runs (no /proc here): whether other programs competed cannot be told.",
  ]);
});
