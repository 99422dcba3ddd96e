/**
 * The task module of `npm run bench:distributed`, loaded by both sides: `concur worker
 * --module` and the raw BullMQ worker (raw-bullmq-worker.mjs). The tiny task and the seed's
 * Task 2 are bench:pools' own (work.cjs), so the two benchmarks time the same code. Plain
 * JavaScript: no loader runs in any worker process.
 */
import { appendFileSync } from "node:fs";

export { inc, processLetter } from "./work.cjs";

/**
 * Appends this process's pid to `marker` as it starts (the benchmark kills that process), then
 * waits `ms`: the job of the recovery scenario. Returns the pid of the process that finished it.
 */
export async function sleepMarked(ms, marker) {
  appendFileSync(marker, `${process.pid}\n`);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return process.pid;
}
