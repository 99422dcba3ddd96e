/**
 * "When distributing pays", from synthetic numbers: the threshold is AMORTIZED_FACTOR × the
 * measured overhead, this run's task time is the sequential cell's per unit, and the clause ends
 * every verdict with a calibrated distributed row, in every reporter.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { AMORTIZED_FACTOR, distributingClause, roundMs } from "../../src/lab/distributing.js";
import { CSV_COLUMNS, renderCsv } from "../../src/lab/reporters/csv.js";
import { renderHtml } from "../../src/lab/reporters/html.js";
import { renderJson } from "../../src/lab/reporters/json.js";
import { renderMarkdown } from "../../src/lab/reporters/markdown.js";
import { renderTerminal } from "../../src/lab/reporters/terminal.js";
import { around, cell, report, withRoundTrip } from "./synthetic.js";

/** 30 calls each: distributed median 2.0 ms, local 0.1 ms, so 1.9 ms of overhead. */
const DIST = around(2.0, 30, 0.05);
const LOCAL = around(0.1, 30, 0.05);

function cpuReport(sequentialMs: number) {
  // synthetic cpu cells do 10 records per run: sequentialMs / 10 per record
  return report([
    cell("cpu", "sequential", 1, around(sequentialMs)),
    cell("cpu", "thread", 2, around(sequentialMs / 1.9)),
    withRoundTrip(cell("cpu", "distributed", 2, around(sequentialMs * 1.5)), DIST, LOCAL),
  ]);
}

function verdictOf(r: ReturnType<typeof report>, task = "cpu"): string {
  const v = r.verdicts.find((x) => x.task === task);
  assert.ok(v, `no verdict for ${task}`);
  return v.sentence;
}

describe("when distributing pays", () => {
  test("roundMs: two significant digits, ms or s", () => {
    assert.deepEqual([19, 1.9, 0.0834, 190.4, 1234, 0.1].map(roundMs), [
      "19 ms",
      "1.9 ms",
      "0.083 ms",
      "190 ms",
      "1.2 s",
      "0.1 ms",
    ]);
  });

  test("small tasks: the threshold is 10× the overhead, and this run's tasks are under it", () => {
    const r = cpuReport(8); // 0.8 ms per record
    assert.equal(AMORTIZED_FACTOR, 10);
    assert.equal(
      distributingClause(r.cells, 2),
      "distributing pays for tasks over ~19 ms each, on more cores in all than this machine's 2: " +
        "a Redis round trip adds 1.9 ms per task (2 ms against 0.1 ms on a thread pool, medians of 30 no-op calls), " +
        "under 10% of such a task; a record here takes 0.8 ms, so here it does not",
    );
    // It ends the verdict, after the winner's clauses.
    const text = verdictOf(r);
    assert.match(text, /^cpu: thread ×2 is 1\.90× faster than sequential/);
    assert.match(text, /; distributing pays for tasks over ~19 ms each, .* so here it does not\.$/);
  });

  test("tasks above the threshold: it would pay, given the cores", () => {
    const r = cpuReport(500); // 50 ms per record, over 19 ms
    assert.match(verdictOf(r), /; a record here takes 50 ms, so it would, given the cores\.$/);
  });

  test("the numbers are this run's: another overhead, another threshold", () => {
    const r = report([
      cell("cpu", "sequential", 1, around(8)),
      withRoundTrip(cell("cpu", "distributed", 4, around(30)), around(7.3, 30), around(0.3, 30)),
    ]);
    assert.match(
      distributingClause(r.cells, 8)!,
      /^distributing pays for tasks over ~70 ms each, on more cores in all than this machine's 8: a Redis round trip adds 7 ms per task \(7\.3 ms against 0\.3 ms/,
    );
  });

  test("no measurable overhead: no threshold, only the cores", () => {
    const r = report([
      cell("cpu", "sequential", 1, around(8)),
      withRoundTrip(cell("cpu", "distributed", 2, around(9)), around(0.2, 30), around(0.25, 30)),
    ]);
    assert.equal(
      distributingClause(r.cells, 2),
      "a Redis round trip added no measurable time per task here (0.2 ms against 0.25 ms on a thread pool, " +
        "medians of 30 no-op calls): distributing pays once the workers' machines have more cores in all than this machine's 2",
    );
  });

  test("a user's task: calls of the task itself, per input; no sequential cell: no task time", () => {
    const r = report([
      cell("user:resize", "thread", 2, around(100)),
      withRoundTrip(cell("user:resize", "distributed", 2, around(130)), around(12, 8), around(2, 8)),
    ]);
    const clause = distributingClause(r.cells, 2)!;
    assert.match(clause, /medians of 8 calls of the task on its first input\), under 10% of such a task$/);
    assert.match(verdictOf(r, "user:resize"), /; distributing pays for tasks over ~100 ms each/);
  });

  test("without a calibrated distributed row, verdicts say nothing of it", () => {
    const plain = report([cell("cpu", "sequential", 1, around(8)), cell("cpu", "thread", 2, around(4.2))]);
    const uncalibrated = report([
      cell("cpu", "sequential", 1, around(8)),
      cell("cpu", "thread", 2, around(4.2)),
      cell("cpu", "distributed", 2, around(12)),
    ]);
    assert.equal(distributingClause(uncalibrated.cells, 2), undefined);
    assert.doesNotMatch(verdictOf(plain), /distribut/);
    assert.doesNotMatch(verdictOf(uncalibrated), /distributing pays/);
  });

  test("every reporter carries the sentence and the distributed row; the JSON validates", () => {
    const r = cpuReport(8);
    r.config.executors = ["sequential", "thread", "distributed"];
    r.config.distributed = {
      enabled: true,
      redis: "redis://127.0.0.1:6379/",
      localWorkers: true,
      workers: 2,
    };
    const sentence = "distributing pays for tasks over ~19 ms each";
    const terminal = renderTerminal(r, { color: false });
    assert.match(terminal, /│ distributed ×2 +│/);
    assert.ok(terminal.includes(sentence), "terminal");
    const markdown = renderMarkdown(r);
    assert.match(markdown, /\| distributed ×2 \| node \| 2 \|/);
    assert.ok(markdown.includes(sentence), "markdown");
    const html = renderHtml(r);
    assert.match(html, /data-cell="cpu\/distributed\/2"/);
    assert.ok(html.includes(sentence), "html");
    const json = renderJson(r);
    assert.ok(json.includes(sentence), "json");
    const schema = JSON.parse(
      readFileSync(new URL("../../schema/bench-report.schema.json", import.meta.url), "utf8"),
    ) as object;
    const validate = new Ajv2020({ allErrors: true, strict: true })
      .addFormat("date-time", () => true)
      .compile(schema);
    assert.ok(validate(JSON.parse(json)), JSON.stringify(validate.errors, null, 2));
    // CSV: the row, with its calibration; empty on the other rows.
    const rows = renderCsv(r)
      .trimEnd()
      .split("\r\n")
      .map((line) => line.split(","));
    const at = (row: string[], name: (typeof CSV_COLUMNS)[number]): string => row[CSV_COLUMNS.indexOf(name)]!;
    const dist = rows.find((row) => row[0] === "cpu/distributed/2");
    assert.ok(dist, "a CSV row for the distributed cell");
    assert.deepEqual(
      [
        at(dist, "executor"),
        at(dist, "round_trip_ms"),
        at(dist, "round_trip_local_ms"),
        at(dist, "round_trip_overhead_ms"),
      ],
      ["distributed", "2", "0.1", "1.9"],
    );
    const seq = rows.find((row) => row[0] === "cpu/sequential/1")!;
    assert.equal(at(seq, "round_trip_ms"), "");
  });

  test("an old report (no distributed fields) still validates against the extended schema", () => {
    const schema = JSON.parse(
      readFileSync(new URL("../../schema/bench-report.schema.json", import.meta.url), "utf8"),
    ) as object;
    const validate = new Ajv2020({ allErrors: true, strict: true })
      .addFormat("date-time", () => true)
      .compile(schema);
    const fixture = JSON.parse(
      readFileSync(new URL("../fixtures/lab-report.sample.json", import.meta.url), "utf8"),
    ) as unknown;
    assert.ok(validate(fixture), JSON.stringify(validate.errors, null, 2));
  });
});
