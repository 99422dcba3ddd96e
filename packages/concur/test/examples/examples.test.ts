/** The examples in examples/ run as a user would run them, against the built package. */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));

for (const kind of ["sequential", "async", "thread", "process"]) {
  test(`examples/${kind}.ts runs and uses the ${kind} executor`, async () => {
    assert.ok(
      existsSync(`${root}dist/index.js`),
      "dist/ is missing: npm test builds it first (npm run build)",
    );
    const { stdout } = await run(process.execPath, ["--import", "tsx", `examples/${kind}.ts`], {
      cwd: root,
      timeout: 60_000,
    });
    assert.match(stdout, /score: 1384\.1/);
    assert.match(stdout, /map: waited 30 ms\nmap: waited 10 ms\nmap: waited 20 ms/, "map keeps input order");
    assert.match(stdout, new RegExp(`6 tasks completed on ${kind}`));
  });
}
