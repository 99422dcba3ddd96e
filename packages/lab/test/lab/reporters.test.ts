import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { bar, formatMs, formatWithInterval, renderTerminal } from "../../src/lab/reporters/terminal.js";
import { renderJson } from "../../src/lab/reporters/json.js";
import { reporters } from "../../src/lab/reporters/registry.js";
import type { BenchReport } from "../../src/lab/report.js";
import { around, cell, report } from "./synthetic.js";

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/lab-report.sample.json", import.meta.url), "utf8"),
) as BenchReport;

describe("terminal reporter", () => {
  test("renders tables, charts, verdicts and warnings without colour", () => {
    const r = report([
      cell("io", "sequential", 1, around(1300)),
      cell("io", "async", 26, around(100)),
      cell("io", "thread", 8, around(210, 3)),
    ]);
    const text = renderTerminal(r, { color: false });
    assert.ok(!text.includes("\u001b["), "no ANSI codes");
    assert.match(text, /io: 26 downloads per run, endpoint latency fixed 25ms \(embedded\)/);
    // 8 runs: [x₁, x₈] of around(100) = [99.0, 101].
    assert.match(text, /│ async ★ +│ +8 │ +100 ms \[99\.0–101\] │ 3\.85 ms\/request │/);
    assert.match(text, /│ thread ×8 +│ +3 │ 210 ms \(3 runs: too few for an interval\) │/);
    assert.match(text, /6\.2× \? /, "too few runs: no interval, no verdict on significance");
    assert.match(text, /13\.0× \[12\.\d–13\.\d\]/);
    assert.match(text, /median time per run, shorter is faster/);
    assert.match(text, /Verdict\n {2}io: async is 13\.0× faster than sequential/);
    assert.match(text, /; thread ×8 had too few runs to be judged\.\n/);
    assert.match(text, /Warnings\n {2}! io\/thread\/8 ran fewer than 6 measured runs/);
    assert.match(text, /Mann–Whitney U test/, "the legend names the test");
  });

  test("colours when asked", () => {
    assert.ok(renderTerminal(fixture, { color: true }).includes("\u001b["));
  });

  test("renders the sample fixture, failed and empty cells included", () => {
    const r = structuredClone(fixture);
    r.cells[0]!.status = "failed";
    r.cells[0]!.error = "boom";
    r.cells[0]!.stats = null;
    const text = renderTerminal(r, { color: false });
    assert.match(text, /failed: boom/);
  });

  test("bars use eighth blocks and scale to the largest value", () => {
    assert.equal(bar(100, 100, 4), "████");
    assert.equal(bar(50, 100, 4), "██");
    assert.equal(bar(1, 100, 4), "▏"); // at least an eighth, so a value never vanishes
    assert.equal(bar(0, 100, 4), "");
    assert.equal(bar(10, 80, 1), "▏");
  });

  test("durations", () => {
    assert.equal(formatMs(1340), "1.34 s");
    assert.equal(formatMs(462.4), "462 ms");
    assert.equal(formatMs(9.876), "9.88 ms");
    assert.equal(formatMs(0.0123), "0.012 ms");
    assert.equal(formatWithInterval(462, 17.2, 1130), "462 ms [17.2–1130]");
    assert.equal(formatWithInterval(1340, 1320, 1350), "1.34 s [1.32–1.35]");
    assert.equal(formatWithInterval(94.3, 0, 206), "94.3 ms [0–206]");
  });
});

describe("json reporter and the reporters table", () => {
  test("JSON round-trips", () => {
    assert.deepEqual(JSON.parse(renderJson(fixture)), fixture);
  });

  test("every reporter renders the fixture", () => {
    assert.deepEqual(Object.keys(reporters).sort(), ["html", "json", "markdown", "terminal"]);
    for (const [name, render] of Object.entries(reporters)) {
      const out = render(fixture);
      assert.ok(out.length > 100, `${name} rendered almost nothing`);
    }
  });
});
