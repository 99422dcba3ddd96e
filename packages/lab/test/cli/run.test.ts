import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { generateDataset } from "../../src/letters/data.js";
import { startEndpoint, type RunningEndpoint } from "../../src/letters/endpoint.js";
import { processLetterClosedForm } from "../../src/letters/process.js";
import { listDir, runCli, runCliInProcess, spawnCli, tempDir, until } from "../letters/helpers.js";

describe("concur run", { timeout: 120_000 }, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let endpoint: RunningEndpoint;
  before(async () => {
    dir = await tempDir();
    endpoint = await startEndpoint({ latency: "0", seed: 1, faults: "q=d:404*;q=h:hang*" });
  });
  after(async () => {
    await endpoint.close();
    await dir.remove();
  });

  test("run io: starts its own endpoint, prints each file then the wall time", async () => {
    const out = join(dir.path, "io");
    const { code, stdout, stderr } = await runCli([
      "run",
      "io",
      "--latency",
      "0",
      "--letters",
      "abc",
      "--out",
      out,
    ]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^a\.txt\nb\.txt\nc\.txt\nWall time: \d+\.\d{3} s\n$/);
    assert.deepEqual(await listDir(out), ["a.txt", "b.txt", "c.txt"]);
    assert.deepEqual(JSON.parse(await readFile(join(out, "b.txt"), "utf8")), generateDataset().letter("b"));
  });

  test("run cpu --json: results in input order, equal to the closed form", async () => {
    const { code, stdout, stderr } = await runCli([
      "run", "cpu", "--in", join(dir.path, "io"), "--letters", "ca", "--multiplier", "2", "--executor", "sequential", "--json",
    ]); // prettier-ignore
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as {
      task: string;
      executor: string;
      records: number;
      failed: number;
      results: Array<{ input: { id: number; name: string; url: string }; ok: boolean; value: number }>;
    };
    assert.deepEqual(
      [report.task, report.executor, report.records, report.failed],
      ["cpu", "sequential", 20, 0],
    );
    const expected = [...generateDataset().letter("c"), ...generateDataset().letter("a")];
    assert.deepEqual(
      report.results.map((r) => r.input),
      expected,
    );
    report.results.forEach((r, i) => {
      assert.ok(r.ok);
      assert.ok(Math.abs(r.value - processLetterClosedForm(expected[i]!, 2)) < 1e-9 * r.value);
    });
  });

  test("run cpu (text) under a thread pool prints one result per record", async () => {
    const { code, stdout, stderr } = await runCli([
      "run", "cpu", "--in", join(dir.path, "io"), "--letters", "b", "--multiplier", "1", "--executor", "thread", "--workers", "2",
    ]); // prettier-ignore
    assert.equal(code, 0, stderr);
    const lines = stdout.trim().split("\n");
    assert.equal(lines.length, 11, `stdout:\n${stdout}\nstderr:\n${stderr}`);
    generateDataset()
      .letter("b")
      .forEach((record, i) => {
        const expected = processLetterClosedForm(record, 1);
        assert.ok(Math.abs(Number(lines[i]) - expected) < 1e-9 * expected, `${lines[i]} vs ${expected}`);
      });
    assert.match(lines[10]!, /^Wall time: /);
  });

  test("task failures exit 1, each named on stderr; the other files are written", async () => {
    const out = join(dir.path, "fail");
    const { code, stdout, stderr } = await runCli([
      "run", "io", "--endpoint", endpoint.url, "--letters", "cde", "--out", out, "--executor", "thread", "--workers", "2", "--json",
    ]); // prettier-ignore
    assert.equal(code, 1);
    assert.match(stderr, /letter "d" failed: ERR_DOWNLOAD_HTTP: download of "d" failed: HTTP 404/);
    const report = JSON.parse(stdout) as {
      failed: number;
      results: Array<{ ok: boolean; error?: { code: string; status: number } }>;
    };
    assert.equal(report.failed, 1);
    assert.deepEqual(
      report.results[1]!.error && [report.results[1]!.error.code, report.results[1]!.error.status],
      ["ERR_DOWNLOAD_HTTP", 404],
    );
    assert.deepEqual(await listDir(out), ["c.txt", "e.txt"]);
  });

  test("a missing input file exits 1 naming it", async () => {
    const { code, stderr } = await runCli([
      "run",
      "cpu",
      "--in",
      join(dir.path, "nowhere"),
      "--letters",
      "a",
    ]);
    assert.equal(code, 1);
    assert.match(stderr, /nowhere\/a\.txt does not exist/);
  });

  test("bad flags exit 2", async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ["io", "--executor", "fibers"],
        /--executor must be one of sequential, async, thread, process, distributed, got "fibers"/,
      ],
      [["io", "--workers", "0"], /--workers must be a positive integer/],
      [["io", "--letters", "a/"], /--letters takes letters a-z only, got "\/"/],
      [["io", "--letters", "aba"], /--letters lists "a" twice/],
      [["io", "--endpoint", "ftp://example.com/{letter}"], /--endpoint must be an http\(s\) URL/],
      [["io", "--latency", "soon"], /--latency: invalid latency "soon"/],
      [["cpu", "--multiplier", "x"], /--multiplier must be an integer/],
      [["cpu", "--frobnicate"], /unknown option '--frobnicate'/],
      [["sideways"], /unknown command 'sideways'|too many arguments/],
    ];
    for (const [args, message] of cases) {
      const result = await runCliInProcess(["run", ...args]);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    // And once end to end, for the real process exit code.
    const spawned = await runCli(["run", "io", "--workers", "-3"]);
    assert.equal(spawned.code, 2);
    assert.match(spawned.stderr, /--workers must be a positive integer/);
  });

  test("Ctrl-C stops a CPU-bound run on the sequential executor mid-run", async () => {
    // Big enough that all records would take minutes: the run must stop at the signal, which it
    // can only see because the in-process executor lets the event loop turn between tasks.
    const cli = spawnCli(["run", "cpu", "--in", join(dir.path, "io"), "--letters", "abc", "--multiplier", "1000", "--executor", "sequential"]); // prettier-ignore
    try {
      await until(async () => cli.stdout().split("\n").length > 2 || cli.child.exitCode !== null);
      cli.child.kill("SIGINT");
      assert.equal(await cli.exited, 130, cli.stderr());
      assert.match(cli.stderr(), /interrupted after/);
      const results = cli
        .stdout()
        .split("\n")
        .filter((line) => /^\d/.test(line));
      assert.ok(results.length < 30, `stopped mid-run, not after all 30 records (${results.length} printed)`);
    } finally {
      cli.child.kill("SIGKILL");
    }
  });

  for (const executor of ["async", "process"]) {
    test(`Ctrl-C under ${executor} exits 130, keeps finished files, leaves no partial file`, async () => {
      const out = join(dir.path, `interrupted-${executor}`);
      const cli = spawnCli(["run", "io", "--endpoint", endpoint.searchTemplate, "--letters", "abh", "--out", out, "--executor", executor, "--workers", "3"]); // prettier-ignore
      try {
        // a and b finish; h hangs until the run is interrupted. (Wait for the files, not for the
        // printed names: a pool worker may hold finished results while it runs the next task.)
        await until(async () => {
          const files = await listDir(out);
          return (files.includes("a.txt") && files.includes("b.txt")) || cli.child.exitCode !== null;
        });
        cli.child.kill("SIGINT");
        assert.equal(await cli.exited, 130, cli.stderr());
        assert.match(cli.stderr(), /interrupted after \d+\.\d{3} s: \d of 3 finished/);
        assert.deepEqual(await listDir(out), ["a.txt", "b.txt"]);
      } finally {
        cli.child.kill("SIGKILL");
      }
    });
  }
});
