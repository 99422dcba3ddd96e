import { test } from "node:test";
import assert from "node:assert/strict";
import fixture from "../fixtures/lab-report.sample.json" with { type: "json" };
import type { BenchReport } from "../../src/lab/report.js";
import { escapeMarkdownCell, renderMarkdown } from "../../src/lab/reporters/markdown.js";
import { formatNumber } from "../../src/lab/reporters/format.js";

function sample(): BenchReport {
  // The fixture is checked against the type and the schema in charts.test.ts.
  return structuredClone(fixture) as unknown as BenchReport;
}

/** The table that follows a heading: its header row and body rows, split into cells. */
function tableAfter(markdown: string, heading: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `no heading ${heading}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith("#")) break;
    if (!line.startsWith("|")) {
      if (rows.length > 0) break;
      continue;
    }
    // Split on pipes that are not escaped.
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

test("headings, verdicts, notes, warnings, machine and config", () => {
  const report = sample();
  const md = renderMarkdown(report);
  assert.ok(md.startsWith("# concur bench report\n"));
  for (const heading of [
    "## Verdict",
    "## Notes",
    "## Warnings",
    "## Results",
    "## Machine",
    "## Configuration",
  ]) {
    assert.ok(md.includes(`\n${heading}\n`), heading);
  }
  for (const v of report.verdicts) assert.ok(md.includes(`- ${v.sentence}`));
  for (const w of report.warnings) assert.ok(md.includes(`- ${w}`));
  assert.ok(md.includes("2025-06-11 09:42:17 UTC"));
  assert.ok(md.includes(report.machine.cpuModel));
  assert.ok(md.includes("latency fixed 50ms"));
  assert.ok(md.includes("260 records × multiplier 99; Python CPU rows: 26 records"));
  assert.ok(!md.includes("Interrupted"));
});

test("a results table per task: one row per cell, numbers from the report", () => {
  const report = sample();
  const md = renderMarkdown(report);
  for (const task of ["io", "cpu"] as const) {
    const heading = task === "io" ? "### io (IO-bound: download)" : "### cpu (CPU-bound: process)";
    const [head, rule, ...rows] = tableAfter(md, heading);
    assert.deepEqual(head, [
      "executor",
      "runtime",
      "workers",
      "runs",
      "median",
      "95% CI",
      "per unit",
      "speedup [95% CI]",
      "significant?",
    ]);
    assert.equal(rule!.length, head!.length);
    const cells = report.cells.filter((c) => c.task === task);
    assert.equal(rows.length, cells.length);
    for (const row of rows) assert.equal(row.length, head!.length);
  }
  const io = tableAfter(md, "### io (IO-bound: download)");
  const thread4 = io.find((r) => r[0] === "thread ×4")!;
  // 12 runs: the order-statistic interval of the median is [x₃, x₁₀] (coverage 96.1%).
  const sorted = [...report.cells.find((c) => c.id === "io/thread/4")!.samplesMs].sort((a, b) => a - b);
  const cmp = report.comparisons.find((c) => c.cellId === "io/thread/4")!;
  assert.deepEqual(thread4.slice(1), [
    "node",
    "4",
    "12",
    "369 ms",
    `${formatNumber(sorted[2]!)}–${formatNumber(sorted[9]!)} ms`,
    "14.2 ms/request",
    `3.63× [${formatNumber(cmp.speedupCi95!.low)}–${formatNumber(cmp.speedupCi95!.high)}]`,
    "yes, faster (p < 0.001)",
  ]);
  assert.equal(io.find((r) => r[0] === "sequential")![7], "baseline");
  assert.match(io.find((r) => r[0] === "thread ×1")![8]!, /^no \(p = 0\.\d{3}\)$/);
  assert.ok(io.some((r) => r[0] === "**async (26 in flight)** (winner)"));
});

test("values follow the report", () => {
  const report = sample();
  const cell = report.cells.find((c) => c.id === "io/thread/4")!;
  cell.stats!.median = 123.456;
  report.comparisons.find((c) => c.cellId === cell.id)!.speedup = 10.85;
  const row = tableAfter(renderMarkdown(report), "### io (IO-bound: download)").find(
    (r) => r[0] === "thread ×4",
  )!;
  assert.equal(row[4], "123 ms");
  assert.match(row[7]!, /^10\.8× /);
});

test("CPU rows of a different work size are compared per unit, and said to be", () => {
  const md = renderMarkdown(sample());
  assert.match(
    md,
    /Compared per million inner-loop iterations: records per run differ \(Node 260, Python 26\)\./,
  );
  const cpu = tableAfter(md, "### cpu (CPU-bound: process)");
  const py = cpu.find((r) => r[0] === "Python sequential")!;
  assert.equal(py[1], "python");
  assert.match(py[6]!, /^75136 ms\/M iterations$/);
  const io = md.slice(md.indexOf("### io"), md.indexOf("### cpu"));
  assert.ok(!io.includes("Compared per"));
});

test("the interrupted banner, failed cells and cells with too few runs for an interval", () => {
  const report = sample();
  report.interrupted = true;
  const failed = report.cells.find((c) => c.id === "io/process/8")!;
  Object.assign(failed, {
    status: "failed",
    error: "worker exited | code 1\nat startup",
    stats: null,
    samplesMs: [],
  });
  report.comparisons = report.comparisons.filter((c) => c.cellId !== failed.id);
  const md = renderMarkdown(report);
  assert.match(md, /> \*\*Interrupted:\*\*/);
  const io = tableAfter(md, "### io (IO-bound: download)");
  const row = io.find((r) => r[0] === "process ×8")!;
  assert.equal(row.length, 9);
  assert.equal(row[4], "failed: worker exited \\| code 1 at startup");
  assert.equal(row[7], "—");
  const cpu = tableAfter(md, "### cpu (CPU-bound: process)");
  // The fixture's Python rows have 5 runs: no interval, no verdict on significance.
  const py = cpu.find((r) => r[0] === "Python process ×4")!;
  assert.equal(py[5], "5 runs: too few for an interval");
  assert.match(py[7]!, /^\d+\.\d+×$/);
  assert.equal(py[8], "too few runs to tell");
});

test("text from the report cannot break a table or inject HTML", () => {
  const report = sample();
  report.machine.cpuModel = "Evil | CPU <script>alert(1)</script>";
  report.verdicts[0]!.sentence = "io: <img src=x onerror=alert(1)> wins";
  report.warnings.push("two\nlines");
  const md = renderMarkdown(report);
  assert.ok(!md.includes("<script"));
  assert.ok(!md.includes("<img"));
  assert.ok(md.includes("&lt;img src=x onerror=alert(1)> wins"));
  assert.ok(md.includes("- two lines"));
  assert.equal(escapeMarkdownCell("a|b\\c"), "a\\|b\\\\c");
});

test("a report with nothing measured still renders", () => {
  const report = sample();
  Object.assign(report, { interrupted: true, cells: [], comparisons: [], verdicts: [], warnings: [] });
  delete report.notes;
  const md = renderMarkdown(report);
  assert.match(md, /## Verdict\n\nNo verdict\./);
  assert.ok(!md.includes("## Warnings"));
  assert.deepEqual(tableAfter(md, "### io (IO-bound: download)").length, 2, "header and rule only");
});
