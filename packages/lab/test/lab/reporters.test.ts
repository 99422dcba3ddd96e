import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { bar, formatMs, formatWithInterval, renderTerminal } from "../../src/lab/reporters/terminal.js";
import { renderHtml } from "../../src/lab/reporters/html.js";
import { renderJson } from "../../src/lab/reporters/json.js";
import { renderMarkdown } from "../../src/lab/reporters/markdown.js";
import { reporters } from "../../src/lab/reporters/registry.js";
import type { BenchReport } from "../../src/lab/report.js";
import { formatNumber } from "../../src/lab/reporters/format.js";
import { around, cell, report, withUsage } from "./synthetic.js";

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
    assert.deepEqual(Object.keys(reporters).sort(), ["csv", "html", "json", "markdown", "terminal"]);
    for (const [name, render] of Object.entries(reporters)) {
      const out = render(fixture);
      assert.ok(out.length > 100, `${name} rendered almost nothing`);
    }
  });
});

describe("what the runs cost, in every reporter", () => {
  const r = report([
    withUsage(cell("cpu", "sequential", 1, around(800)), {
      userMs: 790,
      systemMs: 4.5,
      rssBytes: 88 * 2 ** 20,
    }),
    withUsage(cell("cpu", "thread", 2, around(410)), {
      userMs: 1600,
      systemMs: 20,
      rssBytes: 120 * 2 ** 20,
      otherCores: 0.9,
    }),
    Object.assign(cell("cpu", "process", 2, around(420)), {
      resources: "unavailable" as const,
      load: "unavailable" as const,
    }),
  ]);

  test("terminal: CPU per run and peak RSS in one column; n/a where not measurable", () => {
    const text = renderTerminal(r, { color: false });
    assert.match(text, / cpu u\+s\/run · peak RSS │\n/);
    assert.match(text, /│ sequential +│.*│ +790\+5 ms · 88 MiB │\n/);
    assert.match(text, /│ thread ×2 ★ +│.*│ +1\.60\+0\.02 s · 120 MiB │\n/);
    assert.match(text, /│ process ×2 +│.*│ +n\/a │\n/);
    assert.match(
      text,
      /! Other processes took more than 0\.25 of a core .* while cpu\/thread\/2 \(up to 0\.90\)/,
    );
  });

  test("terminal: a report from before they were recorded keeps its table", () => {
    assert.doesNotMatch(renderTerminal(fixture, { color: false }), /peak RSS/);
  });

  test("Markdown: a table of percentiles, throughput, CPU, memory and load after the results", () => {
    const md = renderMarkdown(r);
    assert.match(
      md,
      /Percentiles, throughput and what the runs cost:\n\n\| executor \| p75 \| p99 \| throughput \| CPU user\/run \| CPU sys\/run \| peak RSS \| other processes' CPU \(max\) \|\n/,
    );
    const p75 = formatNumber(r.cells[1]!.stats!.p75!);
    assert.match(
      md,
      new RegExp(
        `\\| thread ×2 \\| ${p75} ms \\| [\\d.]+ ms \\| 24\\.4 records/s \\| 1600 ms \\| 20\\.0 ms \\| 120 MiB \\| 0\\.90 cores \\(spike\\) \\|`,
      ),
    );
    assert.match(
      md,
      /\| process ×2 \| [\d.]+ ms \| [\d.]+ ms \| [\d.]+ records\/s \| n\/a \| n\/a \| n\/a \| n\/a \|/,
    );
    assert.match(md, /## Warnings\n\n- Other processes took more than 0\.25 of a core/);
    assert.doesNotMatch(renderMarkdown(fixture), /Percentiles, throughput/);
  });

  test("HTML: the same table, the spiking row marked", () => {
    const html = renderHtml(r);
    assert.match(
      html,
      /<table class="usage"><caption>Percentiles, throughput and what the runs cost<\/caption>/,
    );
    assert.match(
      html,
      /<tr class="spike" data-usage-cell="cpu\/thread\/2">.*?<td class="num">120 MiB<\/td><td class="num">0\.90 cores \(spike\)<\/td><\/tr>/,
    );
    assert.match(html, /<tr data-usage-cell="cpu\/sequential\/1"><td>sequential<\/td>/);
    assert.match(html, /<li>Other processes took more than 0\.25 of a core/);
    assert.doesNotMatch(renderHtml(fixture), /class="usage"/);
  });

  test("JSON: the fields as recorded", () => {
    const doc = JSON.parse(renderJson(r)) as BenchReport;
    assert.deepEqual(doc.cells[1]!.resources, r.cells[1]!.resources);
    assert.equal(doc.cells[2]!.load, "unavailable");
    assert.ok(doc.warnings.some((w) => w.startsWith("Other processes took more than")));
  });
});
