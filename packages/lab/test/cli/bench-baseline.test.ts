/**
 * CI regression mode: `concur bench --baseline saved.json --fail-if-slower 5%` exits 1 on a
 * significant regression and 0 otherwise. The saved report's samples are scaled so that the
 * outcome does not depend on this machine's timings: divided by 10, today's run is ten times as
 * slow, far beyond the spread of a loaded machine.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchReport } from "../../src/lab/report.js";
import { concur } from "../helpers/cli.js";

const tasks = fileURLToPath(new URL("../fixtures/lab-tasks.ts", import.meta.url));

let dir: string;
let args: string[];
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "concur-bench-baseline-"));
  const inputs = join(dir, "inputs.json");
  await writeFile(inputs, JSON.stringify([300_000, 300_000, 300_000]));
  args = ["bench", "--module", tasks, "--task", "spin", "--inputs", inputs, "--executors", "sequential"];
  args.push("--min-runs", "6", "--max-runs", "6", "--min-time", "0", "--warmup", "0");
});
after(() => rm(dir, { recursive: true, force: true }));

async function savedScaled(saved: string, factor: number): Promise<string> {
  const report = JSON.parse(await readFile(saved, "utf8")) as BenchReport;
  for (const cell of report.cells) cell.samplesMs = cell.samplesMs.map((ms) => ms * factor);
  const file = join(dir, `baseline-${factor}.json`);
  await writeFile(file, JSON.stringify(report));
  return file;
}

test(
  "--baseline: exit 1 on a significant regression, 0 on an improvement",
  { timeout: 300_000 },
  async () => {
    const saved = join(dir, "saved.json");
    const first = await concur([...args, "--json", saved]);
    assert.equal(first.code, 0, first.stderr);

    const slower = await concur([
      ...args,
      "--baseline",
      await savedScaled(saved, 0.1),
      "--fail-if-slower",
      "5%",
    ]);
    assert.equal(slower.code, 1, slower.stderr);
    assert.match(slower.stdout, /Against the baseline .*over 5% slower, Mann–Whitney p < 0\.05/);
    assert.match(slower.stdout, /user:spin\/sequential\/1: REGRESSION: \d+(\.\d)?% slower, p [=<] 0\.0\d\d/);
    assert.match(slower.stdout, /1 regression\./);

    const faster = await concur([...args, "--baseline", await savedScaled(saved, 10)]);
    assert.equal(faster.code, 0, faster.stderr);
    assert.match(faster.stdout, /user:spin\/sequential\/1: improved: .*\nNo regression\./);
  },
);

test("--baseline is read and validated before the run; --fail-if-slower needs it", async () => {
  const junk = join(dir, "junk.json");
  await writeFile(junk, JSON.stringify({ schema: "something else" }));
  const bad = await concur([...args, "--baseline", junk]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /--baseline: .*junk\.json is not a report/);
  assert.doesNotMatch(bad.stderr, /user:spin\/sequential\/1: /);
  const alone = await concur([...args, "--fail-if-slower", "5%"]);
  assert.equal(alone.code, 2, alone.stderr);
  assert.match(alone.stderr, /--fail-if-slower needs --baseline/);
});
