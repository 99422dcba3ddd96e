/**
 * What a person sees in the HTML report's charts, read from the SVG headless Chromium drew: the
 * x axes carry readable tick labels, and the marks spread across the plot instead of piling up
 * at an edge. Counting marks is not enough: a chart whose every dot sits at x = 0 has them all.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { BenchReport } from "../../src/lab/report.js";
import { chartMarkup, renderInBrowser } from "./browser.js";
import { defaultLikeReport, quickLikeReport, userModuleReport } from "./report-shapes.js";

/** Width of a time-chart panel, px (charts.ts). */
const PANEL_WIDTH = 760;

interface Label {
  x: number;
  text: string;
}

/**
 * The horizontal axes' labels, one list per axis. A vertical axis's labels sit left of the plot
 * (negative x); the end labels of a horizontal one are flushed (anchored start/end), so every
 * anchor counts.
 */
function xAxisLabels(svg: string): Label[][] {
  const groups = [...svg.matchAll(/<g class="mark-text role-axis-label"[^>]*>([\s\S]*?)<\/g>/g)];
  return groups
    .map((g) =>
      [
        ...g[1]!.matchAll(/<text [^>]*transform="translate\(([-\d.e]+),[-\d.e]+\)"[^>]*>([^<]*)<\/text>/g),
      ].map((m) => ({ x: Number(m[1]), text: m[2]!.trim() })),
    )
    .filter((labels) => labels.length > 0 && labels.every((l) => l.x >= 0));
}

/** x positions of the dots, one list per panel. */
function dotPositions(svg: string): number[][] {
  const groups = [...svg.matchAll(/<g class="mark-symbol role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g)];
  return groups.map((g) =>
    [...g[1]!.matchAll(/transform="translate\(([-\d.e]+),/g)].map((m) => Number(m[1])),
  );
}

function assertReadable(report: BenchReport, svg: string, what: string): void {
  const tasks = new Set(report.cells.map((c) => c.task)).size;
  const axes = xAxisLabels(svg);
  assert.equal(axes.length, tasks, `${what}: one x axis per task panel`);
  for (const [i, labels] of axes.entries()) {
    const shown = labels.filter((l) => l.text !== "");
    assert.ok(
      shown.length >= 3,
      `${what}, panel ${i}: ${shown.length} tick labels drawn (${JSON.stringify(labels)})`,
    );
    // Labels must not overlap: centres apart by at least half of both labels' widths (~7 px a character).
    const sorted = [...shown].sort((a, b) => a.x - b.x);
    for (let k = 1; k < sorted.length; k++) {
      const [a, b] = [sorted[k - 1]!, sorted[k]!];
      assert.ok(
        b.x - a.x >= ((a.text.length + b.text.length) / 2) * 7,
        `${what}: "${a.text}" overlaps "${b.text}"`,
      );
    }
  }
  const panels = dotPositions(svg);
  assert.equal(panels.length, tasks, `${what}: one dot layer per panel`);
  for (const [i, xs] of panels.entries()) {
    assert.ok(
      xs.every((x) => x >= 0 && x <= PANEL_WIDTH),
      `${what}, panel ${i}: a dot outside the plot`,
    );
    const spread = Math.max(...xs) - Math.min(...xs);
    assert.ok(
      spread >= PANEL_WIDTH * 0.4,
      `${what}, panel ${i}: dots span ${spread.toFixed(0)} px of ${PANEL_WIDTH} (collapsed at one edge?)`,
    );
    const columns = new Set(xs.map((x) => Math.round(x / 20)));
    assert.ok(columns.size >= 5, `${what}, panel ${i}: dots fall in only ${columns.size} 20-px columns`);
  }
}

test(
  "time chart of a default-like run (Python rows with 3 runs): ticks labelled, dots spread",
  { timeout: 120_000 },
  async () => {
    const report = defaultLikeReport();
    const dom = await renderInBrowser(report);
    assertReadable(report, chartMarkup(dom, "chart-time"), "default");
  },
);

test(
  "time chart of a --quick-like run (3 runs, Python 1): ticks labelled, dots spread",
  { timeout: 120_000 },
  async () => {
    const report = quickLikeReport();
    const dom = await renderInBrowser(report);
    assertReadable(report, chartMarkup(dom, "chart-time"), "quick");
  },
);

test("charts of a user's module: ticks labelled and apart, dots spread", { timeout: 120_000 }, async () => {
  const report = userModuleReport();
  const dom = await renderInBrowser(report);
  assertReadable(report, chartMarkup(dom, "chart-time"), "user module");
  for (const [i, labels] of xAxisLabels(chartMarkup(dom, "chart-speedup")).entries()) {
    assert.ok(
      labels.filter((l) => l.text).length >= 2,
      `speedup chart, panel ${i}: ${JSON.stringify(labels)}`,
    );
  }
});
