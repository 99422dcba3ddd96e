import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { validateReport } from "../../src/lab/validate.js";
import type { BenchReport } from "../../src/lab/report.js";
import { concur } from "../helpers/cli.js";

const tasks = fileURLToPath(new URL("../fixtures/lab-tasks.ts", import.meta.url));

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "concur-bench-cli-"));
});
after(() => rm(dir, { recursive: true, force: true }));

describe("concur bench", () => {
  test("--quick end to end: table and verdict on stdout, a report that validates", async () => {
    const out = join(dir, "quick.json");
    const md = join(dir, "quick.md");
    const result = await concur(["bench", "--quick", "--no-python", "--json-out", out, "--markdown", md]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /concur bench --quick/);
    assert.match(result.stdout, /Verdict\n {2}io: /);
    assert.match(result.stdout, /\n {2}cpu: /);
    // stderr is not a TTY here: one line per cell, no bar.
    assert.match(result.stderr, /^io\/sequential\/1: 6 runs, median /m);
    assert.doesNotMatch(result.stderr, /\r/);
    const report = JSON.parse(await readFile(out, "utf8")) as BenchReport;
    const validation = await validateReport(report);
    assert.ok(validation.ok, JSON.stringify(!validation.ok && validation.errors));
    assert.equal(report.config.quick, true);
    assert.equal(report.interrupted, false);
    assert.ok(
      report.cells.every((c) => c.status === "ok"),
      JSON.stringify(report.cells.map((c) => [c.id, c.error])),
    );
    assert.match(await readFile(md, "utf8"), /^# /m);
  });

  test("your own module, with the report on stdout", async () => {
    const inputs = join(dir, "inputs.json");
    await writeFile(inputs, JSON.stringify([1000, 2000, 3000]));
    const result = await concur([
      "bench",
      "--module",
      tasks,
      "--task",
      "spin",
      "--inputs",
      inputs,
      "--executors",
      "sequential,thread",
      "--workers",
      "1",
      "--min-runs",
      "2",
      "--max-runs",
      "2",
      "--min-time",
      "0",
      "--json",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as BenchReport;
    assert.deepEqual(
      report.cells.map((c) => c.id),
      ["user:spin/sequential/1", "user:spin/thread/1"],
    );
  });

  test("Ctrl-C stops the run, still prints the report, exits 130", async () => {
    // Tasks run one after the other: the io cell's line on stderr means the cpu task is under way.
    let sent = false;
    // The cpu task is sized to last many seconds, so the signal lands while it runs.
    const args = [
      "bench",
      "--tasks",
      "io,cpu",
      "--executors",
      "sequential",
      "--min-runs",
      "30",
      "--max-runs",
      "30",
    ];
    const result = await concur(
      [...args, "--min-time", "0", "--latency", "0", "--size", "0.2", "--no-python"],
      {
        onStderr: (text, child) => {
          if (!sent && /^io\/sequential\/1: /m.test(text)) {
            sent = true;
            child.kill("SIGINT");
          }
        },
      },
    );
    assert.ok(sent, result.stderr);
    assert.equal(result.code, 130, result.stderr);
    assert.match(result.stderr, /stopping/);
    assert.match(result.stdout, /interrupted/);
    assert.match(result.stdout, /The run was interrupted/);
  });

  const bad: Array<[string[], RegExp]> = [
    [["--workers", "0"], /--workers must be a positive integer/],
    [["--workers", "1,,2"], /--workers must be a comma-separated list/],
    [["--min-runs", "x"], /--min-runs must be a positive integer/],
    [["--min-runs", "5", "--max-runs", "2"], /--max-runs \(2\) must not be below --min-runs \(5\)/],
    [["--min-time", "soon"], /--min-time must be a duration/],
    [["--size", "-1"], /--size must be a positive number/],
    [["--latency", "fast"], /--latency: invalid latency "fast"/],
    [["--endpoint", "ftp://x"], /--endpoint must be an http\(s\) URL/],
    [["--tasks", "gpu"], /--tasks must be one of io, cpu/],
    [["--executors", "thread,gpu"], /--executors must be one of/],
    [["--module", "x.ts"], /--module, --task and --inputs go together/],
    [["--html", "-"], /--html needs a file name/],
    [["--no-such-flag"], /unknown option/],
  ];
  for (const [args, message] of bad) {
    test(`bad flag ${args.join(" ")} exits 2 naming it`, async () => {
      const result = await concur(["bench", ...args]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, "");
    });
  }

  test("--help", async () => {
    const result = await concur(["bench", "--help"]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /--min-runs <n>/);
    assert.match(result.stdout, /Exit codes/);
  });
});
