#!/usr/bin/env node
// Runs every package's tests (packages/*/test/**/*.test.ts) and the cross-package ones (test/)
// under node:test with tsx, in one run.
// Node 20's --test does not expand globs, so the file list is gathered here. Arguments filter the
// files by path (e.g. `packages/concur/` or `faults`); run it from the repository root.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "fixtures") out.push(...collect(path));
    } else if (name.endsWith(".test.ts")) out.push(relative(process.cwd(), path));
  }
  return out;
}

process.chdir(new URL("..", import.meta.url).pathname);
const filters = process.argv.slice(2);
let files = readdirSync("packages")
  .map((name) => join("packages", name, "test"))
  .filter((dir) => existsSync(dir))
  .flatMap((dir) => collect(dir))
  .concat(existsSync("test") ? collect("test") : []); // cross-package tests (packaging)
if (filters.length > 0) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "--test",
    "--test-concurrency=2",
    // A hung test file fails in bounded time, with its name, instead of holding CI until its
    // deadline. Node 20 applies this to each file as a whole: the longest (the contract suite over
    // every executor) takes about 7 minutes on a 2-core machine at a load of 19.
    "--test-timeout=600000",
    "--test-reporter=spec",
    ...files,
  ],
  { stdio: "inherit", env: { ...process.env, CONCUR_TEST: "1" } },
);
process.exit(result.status ?? 1);
