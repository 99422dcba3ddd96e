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
    assert.match(text, /^io: async is 13\.0× faster than sequential \(95% CI [\d.]+–[\d.]+×\); /);
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
    assert.match(text, /^cpu: thread ×2 is 1\.90× faster than sequential \(95% CI /);
    assert.match(text, /async is within noise of sequential \(0\.99×\): the work keeps the event loop busy/);
    assert.match(text, /2 workers on 2 cores: ideal 2×, measured 1\.90×/);
    assert.match(text, /thread ×2 beats process ×2 by 1\.07×/);
    assert.match(text, /2 workers start in 30\.0 ms as threads and 120 ms as processes/);
    assert.doesNotMatch(text, /bounded/);
  });

  test("a lead within noise is not called faster", () => {
    const r = report([
      cell("cpu", "sequential", 1, around(100, 8, 0.2)),
      cell("cpu", "thread", 2, around(95, 8, 0.2)),
      cell("cpu", "process", 2, around(97, 8, 0.2)),
    ]);
    const text = sentence(r, "cpu");
    assert.equal(
      text,
      "cpu: nothing is measurably faster than sequential (thread ×2 and process ×2 are within noise of it).",
    );
    assert.equal(r.verdicts[0]!.significant, false);
    assert.equal(r.verdicts[0]!.winnerCellId, "cpu/sequential/1", "the cheapest of the tied cells");
  });

  test("never '1.00× faster': a detected 0.1% lead is within the noise threshold", () => {
    // Disjoint samples (p = 2/12870) but a 0.1% difference: real, and meaningless.
    const r = report([
      cell("cpu", "sequential", 1, around(1001, 8, 0.0001)),
      cell("cpu", "thread", 1, around(1000, 8, 0.0001)),
    ]);
    const text = sentence(r, "cpu");
    assert.doesNotMatch(text, /1\.00× faster/);
    assert.equal(
      text,
      "cpu: nothing is measurably faster than sequential (thread ×1 is within noise of it).",
    );
    assert.equal(r.comparisons[0]!.change, "within-noise");
  });

  test("the issue's bimodal 9 runs: the interval is the median's and significance follows the test", () => {
    // sequential: 5 fast runs and 4 slow ones (median 102); thread: a tight 110. The old report printed
    // "102 ms [105–187]" (the mean's interval) and called thread "significantly slower".
    const r = report([
      cell("cpu", "sequential", 1, [100, 101, 102, 102, 102, 190, 195, 198, 200]),
      cell("cpu", "thread", 1, around(110, 9, 0.01)),
    ]);
    const seq = r.cells[0]!.stats!;
    assert.ok(
      seq.ci95 && seq.ci95.low <= seq.median && seq.median <= seq.ci95.high,
      JSON.stringify(seq.ci95),
    );
    // Mann–Whitney: 5 of sequential's runs are below all of thread's, 4 above: no evidence either way.
    const cmp = r.comparisons[0]!;
    assert.equal(cmp.change, "within-noise");
    assert.ok(cmp.pValue > 0.5, String(cmp.pValue));
    assert.equal(
      sentence(r, "cpu"),
      "cpu: nothing is measurably faster than sequential (thread ×1 is within noise of it).",
    );
    assert.equal(r.verdicts[0]!.significant, false);
  });

  test("sequential winning says so", () => {
    const r = report([cell("cpu", "sequential", 1, around(100)), cell("cpu", "process", 1, around(130))]);
    assert.equal(
      sentence(r, "cpu"),
      "cpu: nothing beats sequential; the closest, process ×1, is 23% slower than sequential (0.77×).",
    );
    assert.equal(r.verdicts[0]!.winnerCellId, "cpu/sequential/1");
  });

  test("no sequential baseline", () => {
    const r = report([cell("io", "async", 26, around(100)), cell("io", "thread", 4, around(400))]);
    assert.match(
      sentence(r, "io"),
      /^io: async was fastest \(median 100 ms\), 4\.0× faster than thread ×4; there is no sequential baseline/,
    );
    assert.equal(r.verdicts[0]!.speedup, null);
    assert.equal(r.verdicts[0]!.significant, true);
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
      cell("cpu", "sequential", 1, around(7000, 6), { runtime: "python" }),
      cell("cpu", "thread", 2, around(9600, 6), { runtime: "python" }),
      cell("cpu", "process", 2, around(3700, 6), { runtime: "python" }),
    ]);
    assert.deepEqual(
      r.verdicts.map((v) => [v.task, v.runtime ?? "node"]),
      [
        ["cpu", "node"],
        ["cpu", "python"],
      ],
    );
    const text = sentence(r, "cpu", "python");
    assert.match(text, /^cpu \(Python\): process ×2 is 1\.89× faster than sequential \(95% CI /);
    // A loss is worded as one: never "threads gain little (0.73×)".
    assert.match(text, /threads are 27% slower than sequential \(0\.73×\): the GIL/);
    assert.doesNotMatch(text, /gain/);
  });

  test("single runs are not judged", () => {
    const r = report([
      cell("io", "sequential", 1, [500], { runtime: "python" }),
      cell("io", "thread", 4, [150], { runtime: "python" }),
    ]);
    // Naming the fastest of single runs would crown whichever cell the noise favoured.
    assert.equal(
      sentence(r, "io", "python"),
      "io (Python): 1 run per cell, too few to name a winner (6 needed); the medians are in the table.",
    );
    const verdict = r.verdicts.find((v) => v.runtime === "python")!;
    assert.equal(verdict.significant, null, "neither significant nor not");
    assert.equal(verdict.winnerCellId, null);
    assert.equal(r.comparisons[0]!.speedupCi95, null, "no interval from one run");
  });

  test("of two cells within noise of each other the cheaper wins, so the verdict repeats", () => {
    const r = report([
      cell("cpu", "sequential", 1, around(800)),
      cell("cpu", "thread", 2, around(421, 8, 0.03)),
      cell("cpu", "process", 2, around(420, 8, 0.03)),
    ]);
    assert.equal(r.verdicts[0]!.winnerCellId, "cpu/thread/2");
    assert.match(
      sentence(r, "cpu"),
      /^cpu: thread ×2 is 1\.90× faster than sequential .*; process ×2 is within noise of it;/,
    );
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
