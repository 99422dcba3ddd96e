/**
 * `concur bench` fails early: a wrong --module/--task, a task module with a syntax error, or a
 * report path that cannot be written is reported before anything runs (exit 2, one message).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { concur } from "../helpers/cli.js";

const tasks = fileURLToPath(new URL("../fixtures/lab-tasks.ts", import.meta.url));

let dir: string;
let inputs: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "concur-bench-preflight-"));
  inputs = join(dir, "inputs.json");
  await writeFile(inputs, JSON.stringify([1, 2, 3]));
});
after(() => rm(dir, { recursive: true, force: true }));

/** Nothing was measured: no cell's progress line, no table. */
function assertNothingRan(result: { stdout: string; stderr: string }): void {
  assert.doesNotMatch(result.stderr, /^(user:|io\/|cpu\/)\S+: /m, result.stderr);
  assert.equal(result.stdout, "");
}

describe("concur bench fails early", () => {
  test("a --task the module does not export: one message listing its exports", async () => {
    const result = await concur(["bench", "--module", tasks, "--task", "nope", "--inputs", inputs]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--task: .*lab-tasks\.ts has no export named "nope" \(it exports .*spin.*\)/);
    assert.equal(result.stderr.match(/nope/g)?.length, 1, result.stderr);
    assertNothingRan(result);
  });

  test("a missing --module names the file, not an internal path", async () => {
    const missing = join(dir, "missing.js");
    const result = await concur(["bench", "--module", missing, "--task", "spin", "--inputs", inputs]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(`--module: no such file: ${missing.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`),
    );
    assert.doesNotMatch(result.stderr, /packages\/concur|node_modules|dist\//);
    assertNothingRan(result);
  });

  test("a syntax error in the task module reports its file and line, as node does", async () => {
    const bad = join(dir, "bad.mjs");
    await writeFile(bad, "export function spin(n) {\n  return n +;\n}\n");
    const result = await concur(["bench", "--module", bad, "--task", "spin", "--inputs", inputs]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /bad\.mjs:2\b/);
    assert.match(result.stderr, /SyntaxError/);
    assertNothingRan(result);
  });

  const unwritable: Array<[string, () => Promise<string>, RegExp]> = [
    ["--html", async () => dir, /--html: .* is a directory/],
    [
      "--json",
      async () => {
        const file = join(dir, "plain-file");
        await writeFile(file, "");
        return join(file, "report.json");
      },
      /--json: cannot create .*report\.json: .*plain-file is not a directory/,
    ],
    [
      "--markdown",
      async () => {
        await mkdir(join(dir, "sub"), { recursive: true });
        return join(dir, "sub");
      },
      /--markdown: .*sub is a directory/,
    ],
    [
      "--export-csv",
      async () => {
        const file = join(dir, "csv-parent");
        await writeFile(file, "");
        return join(file, "cells.csv");
      },
      /--export-csv: cannot create .*cells\.csv: .*csv-parent is not a directory/,
    ],
  ];
  for (const [flag, target, message] of unwritable) {
    test(`${flag} to a path that cannot be written is refused before the run`, async () => {
      const result = await concur(["bench", "--tasks", "cpu", "--no-python", flag, await target()]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assertNothingRan(result);
    });
  }
});
