/**
 * The star (★ in the terminal, "(winner)" in Markdown, the highlighted row in HTML) goes to a
 * significant winner only, by the same rule in every reporter.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { renderHtml } from "../../src/lab/reporters/html.js";
import { renderMarkdown } from "../../src/lab/reporters/markdown.js";
import { renderTerminal } from "../../src/lab/reporters/terminal.js";
import type { BenchReport } from "../../src/lab/report.js";
import { around, cell, report } from "./synthetic.js";

function starred(r: BenchReport): { terminal: boolean; markdown: boolean; html: boolean } {
  return {
    terminal: /★ +│/.test(renderTerminal(r, { color: false })),
    markdown: renderMarkdown(r).includes("(winner)"),
    html: /<tr class="[^"]*winner/.test(renderHtml(r)),
  };
}

test("a winner within noise gets no star anywhere (the issue's async 'winning' a CPU task at 1.03×)", () => {
  const r = report([
    cell("cpu", "sequential", 1, around(100, 10, 0.2)),
    cell("cpu", "async", 10, around(97, 10, 0.2)),
    cell("cpu", "thread", 1, around(99, 10, 0.2)),
  ]);
  assert.equal(r.verdicts[0]!.significant, false);
  assert.deepEqual(starred(r), { terminal: false, markdown: false, html: false });
});

test("a winner from too few runs gets no star anywhere", () => {
  const r = report([cell("cpu", "sequential", 1, around(100, 3)), cell("cpu", "thread", 2, around(50, 3))]);
  assert.deepEqual(starred(r), { terminal: false, markdown: false, html: false });
});

test("a significant winner is starred in every reporter", () => {
  const r = report([cell("cpu", "sequential", 1, around(100, 10)), cell("cpu", "thread", 2, around(52, 10))]);
  assert.deepEqual(starred(r), { terminal: true, markdown: true, html: true });
});
