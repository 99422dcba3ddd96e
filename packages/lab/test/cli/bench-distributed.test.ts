/**
 * `concur bench` with the distributed row, against the real Redis (REDIS_URL, else
 * 127.0.0.1:6379), kept cheap: both seed tasks at --quick sizes, only sequential and
 * distributed. The row appears in every reporter, its calibration in the JSON and the CSV, the
 * verdict says when distributing pays, and no worker process or key of the run is left.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import { purgePrefix } from "@concur/distributed";
import type { BenchReport } from "../../src/lab/report.js";
import { validateReport } from "../../src/lab/validate.js";
import { concur } from "../helpers/cli.js";
import { connectTestRedis, redisUrl } from "../helpers/redis.js";
import { ELSEWHERE, workerElsewhere } from "../helpers/elsewhere.js";
import { processesGone, processesWith } from "../helpers/processes.js";
import { exitWithin, runCliInProcess, spawnCli, until } from "../letters/helpers.js";

const tasks = fileURLToPath(new URL("../fixtures/lab-tasks.ts", import.meta.url));
/** The sentence's two forms: a threshold, or no measurable overhead. */
const PAYS = /distributing pays for tasks over ~[\d.]+ m?s each|added no measurable time per task/;
let dir: string;
let redis: Redis;
const prefixes: string[] = [];

before(async () => {
  redis = await connectTestRedis();
  dir = await mkdtemp(join(tmpdir(), "concur-bench-distributed-"));
});

after(async () => {
  // What a failed test may have left: the bench's own prefixes start with its pid.
  for (const prefix of prefixes) {
    for (const key of await redis.keys(`${prefix}*`)) {
      const stem = key.slice(0, key.indexOf(":"));
      await purgePrefix(redisUrl, stem).catch(() => undefined);
    }
  }
  redis?.disconnect();
  await rm(dir, { recursive: true, force: true });
});

describe("concur bench: the distributed row", { timeout: 300_000 }, () => {
  test("io and cpu: a row in every report, a calibration, a verdict on when it pays, nothing left", async () => {
    const out = (name: string) => join(dir, name);
    const cli = spawnCli([
      "bench", "--quick", "--no-python", "--executors", "sequential,distributed", "--redis", redisUrl,
      "--distributed-workers", "2", "--size", "0.01", "--json-out", out("r.json"), "--markdown", out("r.md"),
      "--html", out("r.html"), "--export-csv", out("r.csv"), "--no-color",
    ]); // prettier-ignore
    const ownPrefix = `concur-lab-${cli.child.pid}-`;
    prefixes.push(ownPrefix);
    assert.equal(await exitWithin(cli, 240_000), 0, cli.stderr());
    assert.deepEqual(await processesGone(ownPrefix, 5_000), [], "every local worker stopped with the bench");
    assert.deepEqual(await redis.keys(`${ownPrefix}*`), [], "the run's prefixes are emptied");

    const report = JSON.parse(await readFile(out("r.json"), "utf8")) as BenchReport;
    const validation = await validateReport(report);
    assert.ok(validation.ok, JSON.stringify(!validation.ok && validation.errors));
    assert.deepEqual(
      report.cells.map((c) => [c.id, c.status]),
      [
        ["io/sequential/1", "ok"],
        ["io/distributed/2", "ok"],
        ["cpu/sequential/1", "ok"],
        ["cpu/distributed/2", "ok"],
      ],
      JSON.stringify(report.cells.map((c) => c.error)),
    );
    assert.deepEqual(report.config.executors, ["sequential", "distributed"]);
    assert.equal(report.config.distributed?.enabled, true);
    assert.equal(report.config.distributed?.workers, 2);
    assert.equal(report.config.distributed?.localWorkers, true);
    for (const cell of report.cells.filter((c) => c.executor === "distributed")) {
      // Start-up (workers booted, executor connected) is its own figure, as for pools.
      assert.ok(cell.startupMs.length === 1 && cell.startupMs[0]! > 0, `${cell.id} start-up`);
      const trip = cell.roundTrip;
      assert.ok(trip, `${cell.id} is calibrated`);
      assert.equal(trip.calls, 30);
      assert.equal(trip.distributedMs.length, 30);
      assert.equal(trip.localMs.length, 30);
      assert.ok(trip.overheadMs >= 0);
    }
    // The cpu cells agree on the results (the runner fails a cell whose checksum differs).
    const verdicts = report.verdicts.map((v) => v.sentence);
    assert.equal(verdicts.length, 2);
    for (const sentence of verdicts) assert.match(sentence, PAYS);
    assert.ok(
      report.notes?.some((n) =>
        n.startsWith("distributed rows: 2 `concur worker` processes the lab started"),
      ),
    );

    // Every reporter: the row and the sentence.
    const terminal = cli.stdout();
    assert.match(terminal, /│ distributed ×2 +│/);
    const markdown = await readFile(out("r.md"), "utf8");
    assert.match(markdown, /\| distributed ×2 \| node \| 2 \|/);
    const html = await readFile(out("r.html"), "utf8");
    assert.match(html, /data-cell="cpu\/distributed\/2"/);
    for (const sentence of verdicts) {
      // Every reporter escapes differently; the sentence has no character any of them changes.
      assert.ok(terminal.includes(sentence), `terminal: ${sentence}`);
      assert.ok(markdown.includes(sentence), `markdown: ${sentence}`);
      assert.ok(html.includes(sentence), `html: ${sentence}`);
    }
    const csv = (await readFile(out("r.csv"), "utf8")).trimEnd().split("\r\n");
    const head = csv[0]!.split(",");
    const row = csv.find((line) => line.startsWith("cpu/distributed/2,"))?.split(",");
    assert.ok(row, csv.join("\n"));
    const cpu = report.cells.find((c) => c.id === "cpu/distributed/2")!;
    assert.equal(
      Number(row[head.indexOf("round_trip_overhead_ms")]),
      Number(cpu.roundTrip!.overheadMs.toPrecision(6)),
    );
  });

  test("Ctrl-C while the distributed cell runs: exit 130, the report written, no worker or key left", async () => {
    const out = join(dir, "interrupted.json");
    const cli = spawnCli([
      "bench", "--no-python", "--tasks", "cpu", "--executors", "sequential,distributed", "--redis", redisUrl,
      "--distributed-workers", "2", "--runs", "30", "--size", "0.2", "--json-out", out,
    ]); // prettier-ignore
    const ownPrefix = `concur-lab-${cli.child.pid}-`;
    prefixes.push(ownPrefix);
    try {
      // The workers are up (their command lines hold the run's prefix), then runs are under way.
      await until(() => processesWith(ownPrefix).length === 2 || cli.child.exitCode !== null);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      cli.child.kill("SIGINT");
      assert.equal(await exitWithin(cli, 30_000), 130, cli.stderr());
      assert.deepEqual(processesWith(ownPrefix), [], "no worker outlives an interrupted bench");
      assert.deepEqual(await redis.keys(`${ownPrefix}*`), []);
      const report = JSON.parse(await readFile(out, "utf8")) as BenchReport;
      assert.equal(report.interrupted, true);
    } finally {
      cli.child.kill("SIGKILL");
    }
  });

  test("Redis unreachable: exit 1 before any cell runs, naming the URL and the fix", async () => {
    const began = Date.now();
    const result = await concur([
      "bench",
      "--quick",
      "--no-python",
      "--tasks",
      "cpu",
      "--redis",
      "redis://127.0.0.1:1",
    ]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /concur bench: could not reach Redis at redis:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/,
    );
    assert.match(result.stderr, /redis-server --daemonize yes/);
    assert.doesNotMatch(result.stderr, /^cpu\//m, "no cell ran");
    assert.equal(result.stdout, "");
    assert.ok(Date.now() - began < 20_000, `took ${Date.now() - began} ms`);
  });

  test("io on the embedded endpoint with a worker on another host: refused before any cell, saying why", async () => {
    const prefix = `concur-test-bench-away-${process.pid}`;
    prefixes.push(prefix);
    const worker = await workerElsewhere(prefix);
    try {
      const result = await concur(["bench", "--quick", "--no-python", "--tasks", "io", "--executors", "sequential,distributed", "--redis", redisUrl, "--no-local-workers", "--prefix", prefix]); // prettier-ignore
      assert.equal(result.code, 1, result.stderr);
      assert.match(
        result.stderr,
        /the io task downloads from the embedded endpoint on 127\.0\.0\.1, which only this machine/,
      );
      assert.match(result.stderr, new RegExp(`workers on ${ELSEWHERE} serve queue`));
      assert.match(result.stderr, /--endpoint/);
      assert.doesNotMatch(result.stderr, /^io\//m, "no cell ran");
      assert.equal(worker.child.exitCode, null, "the user's worker is left running");
    } finally {
      worker.child.kill("SIGTERM");
      await exitWithin(worker, 20_000);
    }
  });

  test("without it, the report says how to add the row", async () => {
    const inputs = join(dir, "inputs.json");
    await writeFile(inputs, "[1000]");
    const result = await concur(["bench", "--module", tasks, "--task", "spin", "--inputs", inputs, "--executors", "sequential", "--runs", "1", "--json"]); // prettier-ignore
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as BenchReport;
    assert.equal(report.config.distributed?.enabled, false);
    assert.ok(
      report.notes?.some((n) =>
        /^No distributed row: --redis <url> \(or distributed in --executors\) adds one/.test(n),
      ),
    );
  });

  test("bad distributed flags exit 2 naming the flag", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["--redis", redisUrl, "--executors", "sequential,thread"], /--redis adds the distributed row, but --executors leaves it out/],
      [["--prefix", "p"], /--prefix: only with a distributed row \(--redis <url>, or distributed in --executors\)/],
      [["--no-local-workers"], /--no-local-workers: only with a distributed row/],
      [["--distributed-workers", "2"], /--distributed-workers: only with a distributed row/],
      [["--redis", redisUrl, "--distributed-workers", "0"], /--distributed-workers must be a positive integer/],
      [["--redis", redisUrl, "--no-local-workers", "--distributed-workers", "2"], /--distributed-workers sets how many workers the lab starts here/],
      [["--redis", "localhost:6379"], /--redis must be a redis:\/\/ or rediss:\/\/ URL/],
      [["--executors", "sequential,cluster"], /--executors must be one of sequential, async, thread, process, distributed, got "cluster"/],
    ]; // prettier-ignore
    for (const [args, message] of cases) {
      const result = await runCliInProcess(["bench", ...args]);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
  });
});
