#!/usr/bin/env node
// Runs every test/**/*.test.ts under node:test with tsx. Node 20's --test does not expand globs,
// so the file list is gathered here. Extra arguments are passed through (e.g. a file filter).
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
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

const filters = process.argv.slice(2);
let files = collect("test");
if (filters.length > 0) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", "--test-reporter=spec", ...files],
  { stdio: "inherit", env: { ...process.env, CONCUR_TEST: "1" } },
);
process.exit(result.status ?? 1);
