#!/usr/bin/env node
// Issue 12's acceptance, as a script: `concur bench --quick` N times in a row (5 unless given:
// `node scripts/verdict-stability.mjs 5 [extra bench flags]`), then whether every run reached the
// same verdict: per task and runtime, the winning cell and whether it is significant. Meant for a
// quiet machine (it prints the load average before each run); exits 1 when the verdicts differ.
// Builds first.
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";

const [countArg, ...extra] = process.argv.slice(2);
const runs = Number(countArg ?? 5);
if (!Number.isInteger(runs) || runs < 2) {
  console.error(`usage: node scripts/verdict-stability.mjs [runs >= 2] [bench flags...], got ${countArg}`);
  process.exit(2);
}
const build = spawnSync("npm", ["run", "build", "--silent"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

/** What "the same verdict" means: the winner of each task (or none) and its significance. */
function verdictKey(report) {
  return report.verdicts
    .map(
      (v) =>
        `${v.task}${v.runtime ? ` (${v.runtime})` : ""}: ${v.winnerCellId ?? "no winner"}${v.significant ? " *" : v.significant === false ? " ns" : ""}`,
    )
    .join("; ");
}

const keys = [];
for (let run = 1; run <= runs; run++) {
  const load = loadavg()[0].toFixed(2);
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    ["packages/lab/dist/cli/bin.js", "bench", "--quick", "--json", "--quiet", ...extra],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.status !== 0) {
    console.error(`run ${run}: concur bench exited ${result.status}\n${result.stderr}`);
    process.exit(1);
  }
  const report = JSON.parse(result.stdout);
  const key = verdictKey(report);
  keys.push(key);
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`run ${run}/${runs} (load ${load}, ${seconds} s): ${key}`);
  for (const verdict of report.verdicts) console.log(`    ${verdict.sentence}`);
}
const distinct = new Set(keys);
console.log(
  distinct.size === 1
    ? `verdict-stability: the same verdict in all ${runs} runs`
    : `verdict-stability: ${distinct.size} different verdicts in ${runs} runs`,
);
process.exit(distinct.size === 1 ? 0 : 1);
