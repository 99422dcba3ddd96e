/**
 * A user's own module: the report shows only what the run had, and start-up calls the task once
 * on in-process executors, as documented.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cellId } from "../../src/lab/cells.js";
import { measureTask } from "../../src/lab/measure.js";
import { chartSpecs } from "../../src/lab/reporters/charts.js";
import { configFacts } from "../../src/lab/reporters/format.js";
import { renderHtml } from "../../src/lab/reporters/html.js";
import { renderMarkdown } from "../../src/lab/reporters/markdown.js";
import { renderTerminal } from "../../src/lab/reporters/terminal.js";
import { userWorkload } from "../../src/lab/workloads.js";
import type { BenchReport } from "../../src/lab/report.js";
import { countedCalls } from "../fixtures/lab-tasks.js";
import { around, cell, machine, report } from "./synthetic.js";

const TASKS_URL = new URL("../fixtures/lab-tasks.ts", import.meta.url);

function userReport(executors: ("sequential" | "async" | "thread" | "process")[]): BenchReport {
  const task = "user:resize" as const;
  const cells = executors.map((executor, i) =>
    cell(task, executor, executor === "thread" || executor === "process" ? 2 : 1, around(100 + 10 * i, 8)),
  );
  const r = report(cells, { machine: machine({ startupEnv: ["NODE_EXTRA_CA_CERTS"] }) });
  r.config.module = { path: "/home/me/tasks.js", task: "resize", inputs: 40 };
  r.config.size = { records: 0, multiplier: 99, pythonRecords: 0 };
  r.config.endpoint = { url: "", latency: "none", embedded: false };
  r.config.python = { enabled: false };
  return r;
}

test("async start-up calls a user's task once, not once per input", async () => {
  const inputs = Array.from({ length: 40 }, (_, i) => i);
  const before = countedCalls();
  const [result] = await measureTask(
    userWorkload(TASKS_URL, "count", inputs),
    [
      {
        id: cellId("user:count", "node", "async", 40),
        task: "user:count",
        runtime: "node",
        executor: "async",
        workers: 40,
      },
    ],
    { warmupRuns: 0, minRuns: 1, maxRuns: 1, minTimeMs: 0, signal: new AbortController().signal },
  );
  assert.equal(result!.status, "ok", result!.error);
  assert.equal(countedCalls() - before, 1 + inputs.length, "one start-up call, then one run of 40 inputs");
});

test("a user module's report has no built-in workload settings", () => {
  const facts = new Map(configFacts(userReport(["sequential", "async", "thread"])));
  assert.ok(facts.has("Module"));
  for (const label of ["Size", "Endpoint", "Python rows"])
    assert.ok(!facts.has(label), `${label}: ${facts.get(label)}`);
});

test("one task: no IO vs CPU section", () => {
  const r = userReport(["sequential", "async", "thread"]);
  assert.equal(chartSpecs(r)["chart-io-vs-cpu"], undefined);
  assert.ok(!renderHtml(r).includes("IO vs CPU"));
});

test("no Python rows: no 'python' in any chart legend", () => {
  const r = userReport(["sequential", "async", "thread"]);
  for (const [id, spec] of Object.entries(chartSpecs(r))) {
    assert.ok(!JSON.stringify(spec).includes('"python"'), `${id} mentions python`);
  }
});

test("the NODE_EXTRA_CA_CERTS warning only when process workers ran", () => {
  assert.ok(!userReport(["sequential", "thread"]).warnings.some((w) => w.includes("NODE_EXTRA_CA_CERTS")));
  assert.ok(userReport(["sequential", "process"]).warnings.some((w) => w.includes("NODE_EXTRA_CA_CERTS")));
});

test("--executors thread (no sequential row): no row is labelled baseline", () => {
  const r = userReport(["thread"]);
  r.cells.push(cell("user:resize", "thread", 4, around(60, 8)));
  for (const text of [renderTerminal(r, { color: false }), renderMarkdown(r)]) {
    assert.ok(!text.includes("baseline"), text);
  }
});
