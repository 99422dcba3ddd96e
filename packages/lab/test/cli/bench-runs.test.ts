/** `concur bench --runs N`: exactly N measured runs per cell. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchReport } from "../../src/lab/report.js";
import { concur, spinBench } from "../helpers/cli.js";

let dir: string;
let args: string[];
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "concur-bench-runs-"));
  args = await spinBench(dir, [1000, 2000], "--executors", "sequential,async");
});
after(() => rm(dir, { recursive: true, force: true }));

test("--runs 7: every cell has exactly 7 runs", async () => {
  const result = await concur([...args, "--runs", "7", "--json", "-"]);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as BenchReport;
  assert.deepEqual(
    report.cells.map((c) => c.samplesMs.length),
    [7, 7],
  );
  assert.equal(report.config.minTimeMs, 0);
});

test("--runs with --min-runs is bad usage", async () => {
  const result = await concur([...args, "--runs", "7", "--min-runs", "3"]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /--runs fixes the run count/);
});
