/**
 * A trial process: runs one trial and prints its result as one JSON line. The orchestrator
 * (bench/pools.ts) starts it with plain `node` on a transpiled copy, so no loader (tsx) sits in
 * the measured process tree, and every trial starts from a fresh process.
 *
 * argv[2]: `{ request: TrialRequest, paths: Paths }` as JSON.
 */
import { RESULT_PREFIX, type Paths, type TrialRequest, type TrialResult } from "./protocol.js";
import { runTrial } from "./scenarios.js";

const { request, paths } = JSON.parse(process.argv[2] ?? "{}") as { request: TrialRequest; paths: Paths };

let result: TrialResult;
try {
  result = { ok: true, metrics: await runTrial(request, paths) };
} catch (error) {
  result = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}
process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`, () => {
  // A pool that left a handle open must not stall the run: the trial is over either way.
  process.exit(result.ok ? 0 : 1);
});
