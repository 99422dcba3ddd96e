import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Advice } from "../../src/lab/advisor.js";
import { concur } from "../helpers/cli.js";

const tasks = fileURLToPath(new URL("../fixtures/lab-tasks.ts", import.meta.url));

let dir: string;
let naps: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "concur-advise-cli-"));
  naps = join(dir, "naps.json");
  await writeFile(naps, JSON.stringify(Array.from({ length: 10 }, () => 30)));
});
after(() => rm(dir, { recursive: true, force: true }));

describe("concur advise", () => {
  test("a task that waits: async, with the numbers", async () => {
    const result = await concur([
      "advise",
      "--module",
      tasks,
      "--task",
      "nap",
      "--inputs",
      naps,
      "--json",
      "--no-pools",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const advice = JSON.parse(result.stdout) as Advice;
    assert.equal(advice.recommendation.executor, "async");
    assert.equal(advice.sample.calls, 10);
    assert.ok(advice.sample.concurrencyGain > 1.5, String(advice.sample.concurrencyGain));
    assert.ok(advice.serialization.ok);
  });

  test("text output names the recommendation and its reasons", async () => {
    const result = await concur([
      "advise",
      "--module",
      tasks,
      "--task",
      "nap",
      "--inputs",
      naps,
      "--no-pools",
      "--sample",
      "4",
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /^Recommendation for nap \(10 inputs, \d+ cores\): async with \d+ calls at once/,
    );
    assert.match(result.stdout, /they overlap/);
  });

  test("a task that is not exported fails with the exported names (exit 1)", async () => {
    const result = await concur(["advise", "--module", tasks, "--task", "missing", "--inputs", naps]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /"missing" is not an exported function .*\(exported functions: .*spin/);
  });

  test("bad usage exits 2", async () => {
    assert.equal((await concur(["advise", "--module", tasks, "--task", "nap"])).code, 2); // --inputs missing
    assert.equal(
      (await concur(["advise", "--module", tasks, "--task", "nap", "--inputs", naps, "--sample", "0"])).code,
      2,
    );
    assert.equal(
      (await concur(["advise", "--module", tasks, "--task", "nap", "--inputs", join(dir, "nope.json")])).code,
      2,
    );
  });
});
