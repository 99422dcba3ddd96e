import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { decideVerdicts, formatSpeedup } from "../../src/lab/verdict.js";
import { around, cell, report } from "./synthetic.js";

function sentence(r: ReturnType<typeof report>, task: string, runtime = "node"): string {
  const verdict = r.verdicts.find((v) => v.task === task && (v.runtime ?? "node") === runtime);
  assert.ok(verdict, `no verdict for ${task} (${runtime})`);
  return verdict.sentence;
}

describe("verdicts", () => {
  test("io: async wins, pools bounded by their workers", () => {
    const r = report([
      cell("io", "sequential", 1, around(1300)),
      cell("io", "async", 26, around(100)),
      cell("io", "thread", 1, around(1310)),
      cell("io", "thread", 8, around(210)),
      cell("io", "process", 1, around(1320)),
      cell("io", "process", 8, around(220)),
    ]);
    const verdict = r.verdicts[0]!;
    assert.equal(verdict.winnerCellId, "io/async/26");
    assert.equal(verdict.speedup, 13);
    assert.equal(verdict.significant, true);
    const text = sentence(r, "io");
    assert.match(text, /^io: async is 13\.0× faster than sequential; /);
    assert.match(
      text,
      /thread and process pools are bounded by workers × latency \(thread ×1 → ×8: 0\.99× → 6\.2×\)/,
    );
    assert.doesNotMatch(text, /not significant/);
  });

  test("cpu: a pool wins and async gains nothing", () => {
    const r = report([
      cell("cpu", "sequential", 1, around(800)),
      cell("cpu", "async", 10, around(805)),
      cell("cpu", "thread", 2, around(420), { startup: [30] }),
      cell("cpu", "process", 2, around(450), { startup: [120] }),
    ]);
    const text = sentence(r, "cpu");
    assert.match(text, /^cpu: thread ×2 is 1\.90× faster than sequential; /);
    assert.match(text, /async gains nothing \(0\.99×\)/);
    assert.match(text, /2 workers on 2 cores: ideal 2×, measured 1\.90×/);
    assert.match(text, /thread ×2 beats process ×2 by 1\.07×/);
    assert.match(text, /2 workers start in 30\.0 ms as threads and 120 ms as processes/);
    assert.doesNotMatch(text, /bounded/);
  });

  test("overlapping intervals are reported as not significant, with the ties", () => {
    const r = report([
      cell("cpu", "sequential", 1, around(100, 8, 0.2)),
      cell("cpu", "thread", 2, around(95, 8, 0.2)),
      cell("cpu", "process", 2, around(97, 8, 0.2)),
    ]);
    const text = sentence(r, "cpu");
    assert.match(text, /thread ×2 is 1\.05× faster than sequential, but that is not significant/);
    assert.match(text, /process ×2 is within noise of it/);
    assert.equal(r.verdicts[0]!.significant, false);
  });

  test("sequential winning says so", () => {
    const r = report([cell("cpu", "sequential", 1, around(100)), cell("cpu", "process", 1, around(130))]);
    assert.equal(
      sentence(r, "cpu"),
      "cpu: nothing beats sequential; the closest, process ×1, runs at 0.77× (significantly slower).",
    );
    assert.equal(r.verdicts[0]!.winnerCellId, "cpu/sequential/1");
  });

  test("no sequential baseline", () => {
    const r = report([cell("io", "async", 26, around(100)), cell("io", "thread", 4, around(400))]);
    assert.match(sentence(r, "io"), /async was fastest \(median 100 ms\); there is no sequential baseline/);
    assert.equal(r.verdicts[0]!.speedup, null);
  });

  test("nothing measured", () => {
    const failed = cell("io", "thread", 2, [], { status: "failed" });
    const r = report([failed]);
    assert.equal(sentence(r, "io"), "io: nothing was measured (1 of 1 cells failed).");
  });

  test("Python rows get their own verdict, with the GIL clause when threads do not help", () => {
    const r = report([
      cell("cpu", "sequential", 1, around(80)),
      cell("cpu", "thread", 2, around(42)),
      cell("cpu", "sequential", 1, around(7000, 3), { runtime: "python" }),
      cell("cpu", "thread", 2, around(7100, 3), { runtime: "python" }),
      cell("cpu", "process", 2, around(3700, 3), { runtime: "python" }),
    ]);
    assert.deepEqual(
      r.verdicts.map((v) => [v.task, v.runtime ?? "node"]),
      [
        ["cpu", "node"],
        ["cpu", "python"],
      ],
    );
    const text = sentence(r, "cpu", "python");
    assert.match(text, /^cpu \(Python\): process ×2 is 1\.89× faster than sequential; /);
    assert.match(text, /threads gain nothing \(0\.99×\): the GIL/);
  });

  test("single runs are not judged", () => {
    const r = report([
      cell("io", "sequential", 1, [500], { runtime: "python" }),
      cell("io", "thread", 4, [150], { runtime: "python" }),
    ]);
    assert.match(sentence(r, "io", "python"), /3\.3× faster than sequential, from single runs/);
  });

  test("the verdict follows the data, not the executor's name", () => {
    // Same shapes as the io test but with thread the fastest: the sentence must name thread.
    const r = report([
      cell("io", "sequential", 1, around(1300)),
      cell("io", "async", 26, around(600)),
      cell("io", "thread", 8, around(200)),
    ]);
    assert.match(sentence(r, "io"), /^io: thread ×8 is 6\.5× faster than sequential/);
  });

  test("formatSpeedup", () => {
    assert.equal(formatSpeedup(13.64), "13.6×");
    assert.equal(formatSpeedup(1.04), "1.04×");
    assert.equal(formatSpeedup(null), "∞×");
    assert.equal(decideVerdicts(report([])).length, 0);
  });
});
