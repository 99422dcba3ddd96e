#!/usr/bin/env node
// The fault suite (packages/concur/test/faults/) N times in a row (10 unless given: `node scripts/soak-faults.mjs 3`)
// with a CPU hog running beside it, as on a busy CI machine. Exits non-zero if any run fails;
// prints each run's counts and time, and the whole output of a failed run.
// Builds first (the suite also checks the built worker entries).
import { spawn, spawnSync } from "node:child_process";

const runs = Number(process.argv[2] ?? 10);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`usage: node scripts/soak-faults.mjs [runs], got ${process.argv[2]}`);
  process.exit(2);
}
const build = spawnSync("npm", ["run", "build", "--silent"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

// One busy loop in its own process: it takes a core's worth of CPU from everything else.
const hog = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
const stopHog = () => hog.kill("SIGKILL");
process.on("exit", stopHog);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

function count(output, label) {
  return Number(new RegExp(`^ℹ ${label} (\\d+)`, "m").exec(output)?.[1] ?? NaN);
}

let failedRuns = 0;
const times = [];
for (let run = 1; run <= runs; run++) {
  const started = performance.now();
  const result = await new Promise((resolve) => {
    const child = spawn(process.execPath, ["scripts/run-tests.mjs", "packages/concur/test/faults/"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => resolve({ code, output }));
  });
  const seconds = (performance.now() - started) / 1000;
  times.push(seconds);
  const pass = count(result.output, "pass");
  const fail = count(result.output, "fail");
  const ok = result.code === 0 && fail === 0 && pass > 0;
  if (!ok) failedRuns++;
  console.log(
    `run ${run}/${runs}: ${ok ? "ok" : "FAILED"}, ${pass} passed, ${fail} failed, ${seconds.toFixed(1)} s`,
  );
  if (!ok) console.log(result.output);
}
times.sort((a, b) => a - b);
console.log(
  `soak: ${runs - failedRuns}/${runs} runs passed with a CPU hog beside them; ` +
    `run time median ${times[Math.floor(times.length / 2)].toFixed(1)} s, max ${times.at(-1).toFixed(1)} s`,
);
process.exit(failedRuns === 0 ? 0 : 1);
