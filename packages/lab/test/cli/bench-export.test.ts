/**
 * `concur bench --filter`, `--export-csv` and `--quiet`, on a user's tiny task (a few ms of work
 * per run): which cells run, the CSV's rows against the JSON report's numbers, and what reaches
 * stderr.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchReport } from "../../src/lab/report.js";
import { CSV_COLUMNS } from "../../src/lab/reporters/csv.js";
import { concur, spinBench } from "../helpers/cli.js";

const CELLS = ["sequential/1", "async/2", "thread/1", "thread/2", "process/1", "process/2"].map(
  (cell) => `user:spin/${cell}`,
);

let dir: string;
let bench: string[];
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "concur-bench-export-"));
  bench = await spinBench(dir, [20_000, 40_000], "--workers", "1,2", "--runs", "6");
});
after(() => rm(dir, { recursive: true, force: true }));

/** A progress line of the bench (one per finished cell when stderr is not a terminal). */
const PROGRESS = /^user:spin\/\S+: \d+ runs/m;

/** The CSV as rows of named fields (the lab's own fields hold no comma or quote). */
function rowsOf(csv: string): Record<string, string>[] {
  assert.ok(csv.endsWith("\r\n"), "CRLF line ends");
  const [head, ...lines] = csv.slice(0, -2).split("\r\n");
  assert.equal(head, CSV_COLUMNS.join(","));
  return lines.map((line) => {
    const fields = line.split(",");
    assert.equal(fields.length, CSV_COLUMNS.length, line);
    return Object.fromEntries(CSV_COLUMNS.map((name, i) => [name, fields[i]!]));
  });
}

describe("concur bench --filter --export-csv --quiet", () => {
  let csvFile: string;
  let jsonFile: string;

  test("runs only the matching cells, writes their CSV rows, and prints only the results", async () => {
    csvFile = join(dir, "cells.csv");
    jsonFile = join(dir, "cells.json");
    const result = await concur([
      ...bench,
      "--filter",
      "*/sequential/*,user:spin/process/2",
      "--export-csv",
      csvFile,
      "--json-out",
      jsonFile,
      "--quiet",
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "", "--quiet: no progress, no 'wrote' lines");
    assert.match(result.stdout, /cpu u\+s\/run · peak RSS/);
    assert.match(result.stdout, /│ process ×2 /);
    assert.doesNotMatch(result.stdout, /thread ×|async \(/);

    const report = JSON.parse(await readFile(jsonFile, "utf8")) as BenchReport;
    assert.deepEqual(
      report.cells.map((c) => c.id),
      ["user:spin/sequential/1", "user:spin/process/2"],
    );
    assert.equal(report.config.filter, "*/sequential/*,user:spin/process/2");

    const rows = rowsOf(await readFile(csvFile, "utf8"));
    assert.deepEqual(
      rows.map((row) => row.cell_id),
      report.cells.map((c) => c.id),
    );
    for (const [i, cell] of report.cells.entries()) {
      const row = rows[i]!;
      const resources = cell.resources;
      assert.ok(typeof resources === "object", cell.id);
      assert.equal(row.runs, "6");
      assert.equal(Number(row.median_ms), Number(cell.stats!.median.toPrecision(6)), cell.id);
      assert.equal(Number(row.p99_ms), Number(cell.stats!.p99!.toPrecision(6)), cell.id);
      assert.equal(Number(row.peak_rss_bytes), resources.peakRssBytes, cell.id);
      assert.ok(Number(row.cpu_user_ms_per_run) > 0, cell.id);
      assert.equal(Number(row.throughput_per_s), Number(cell.throughputPerSecond!.toPrecision(6)), cell.id);
      assert.match(row.load_spike!, /^(true|false)$/, cell.id);
    }
    assert.equal(rows[0]!.significance, "baseline");
    assert.match(rows[1]!.significance!, /^(faster|slower|within-noise)$/);
    // The process cell's two workers hold their own memory; the sequential cell's peak leaves
    // them out, though that pool stays warm while it runs.
    const [seq, pool] = rows.map((row) => Number(row.peak_rss_bytes));
    assert.ok(pool! - seq! >= 20 * 2 ** 20, `process/2 ${pool} vs sequential ${seq}`);
  });

  test("concur report re-renders the same CSV from the saved report", async () => {
    const result = await concur(["report", jsonFile, "--export-csv", "-"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, await readFile(csvFile, "utf8"));
  });

  test("--quiet --json: the report on stdout and nothing on stderr; without --quiet, progress", async () => {
    const args = [...bench, "--filter", "user:spin/sequential/1", "--json"];
    const [quiet, loud] = [await concur([...args, "--quiet"]), await concur(args)];
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stderr, "");
    assert.deepEqual(
      (JSON.parse(quiet.stdout) as BenchReport).cells.map((c) => c.id),
      ["user:spin/sequential/1"],
    );
    assert.equal(loud.code, 0, loud.stderr);
    assert.match(loud.stderr, PROGRESS);
  });

  test("a filter that matches no cell: exit 2 before anything runs, listing the cell ids", async () => {
    const result = await concur([...bench, "--filter", "user:spin/gpu/*,thread"]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--filter "user:spin\/gpu\/\*,thread" matches none of the cells/);
    assert.match(result.stderr, /globs over the whole id: \* any characters, \? one/);
    assert.ok(result.stderr.includes(`The cells are: ${CELLS.join(", ")}`), result.stderr);
    assert.doesNotMatch(result.stderr, PROGRESS);
    assert.equal(result.stdout, "");
  });

  const bad: Array<[string[], RegExp]> = [
    [["--filter", ""], /--filter must hold at least one pattern, got ""/],
    [["--filter", "cpu/*,,io/*"], /--filter must be comma-separated patterns without empty ones/],
    [["--export-csv", "-", "--json"], /--json and --export-csv: only one of them can go to stdout/],
    [
      ["--export-csv", "-", "--markdown", "-"],
      /--markdown and --export-csv: only one of them can go to stdout/,
    ],
  ];
  for (const [args, message] of bad) {
    test(`bad usage ${args.map((arg) => arg || '""').join(" ")} exits 2 naming it`, async () => {
      const result = await concur(["bench", "--tasks", "cpu", "--no-python", ...args]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, "");
    });
  }
});
