/** A worker's JobRunner on a local executor, without Redis: what a batch's tasks report. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { AsyncExecutor, type Executor } from "concur";
import { decodeResult } from "../src/protocol/codec.js";
import { JobRunner } from "../src/worker/job-runner.js";
import { tasksUrl, type Tasks } from "./helpers/redis.js";

test("a batch's tasks report the time each cost, not the whole batch's", async () => {
  // Regression: each task's own clock ran until the local pump had run every task of the batch,
  // so 40 tasks of 2 ms each reported about 80 ms, and the submitter's chunk sizer, misled,
  // shrank map's chunks several times over.
  await using local = new AsyncExecutor<Tasks>(tasksUrl, { maxConcurrency: 100 });
  const runner = new JobRunner(local as unknown as Executor<Record<string, unknown>>);
  await local.submit("spin", 0); // the task module loaded
  const clock = { start: performance.now(), settled: 0 };
  const messages = await Promise.all(
    Array.from({ length: 40 }, (_, i) => runner.runArgs(`t${i}`, "spin", () => [2], { clock })),
  );
  const elapsed = performance.now() - clock.start;
  const times = messages.map((bytes) => {
    const message = decodeResult(bytes);
    assert.equal(message.k, "ok");
    return (message as { ms: number }).ms;
  });
  assert.ok(elapsed >= 80, `40 tasks of 2 ms took ${elapsed} ms`);
  // Per task: its share of the batch so far. The last one's is the batch's time per task.
  assert.ok(Math.max(...times) < elapsed / 4, `times per task ${times.join(", ")} of a ${elapsed} ms batch`);
  assert.ok(Math.abs(times.at(-1)! - elapsed / 40) < elapsed / 40, `the last: ${times.at(-1)} ms`);
});
