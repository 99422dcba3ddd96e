/**
 * `currentTask().attempt` when a backend runs a task again: concur/backend's `withAttempt` hands
 * the number to the task on every executor, across the thread and process boundaries (what a
 * distributed worker does with a job taken back from a dead machine). A first run's 1 on every
 * executor is in the contract suite.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { withAttempt } from "../../src/backend.js";
import { EXECUTOR_KINDS, InvalidArgumentError, TaskTimeoutError } from "../../src/index.js";
import { withExecutor } from "../helpers/with-executor.js";

for (const kind of EXECUTOR_KINDS) {
  test(`${kind}: withAttempt(n) runs tasks as attempt n, with or without options`, () =>
    withExecutor(kind, async (executor) => {
      assert.equal(await withAttempt(executor, 3).submit("attempt"), 3);
      assert.equal(await withAttempt(executor, 2, { timeout: 5_000 }).submit("attempt"), 2);
      // Options still apply: a timeout given with the attempt is enforced.
      await assert.rejects(
        withAttempt(executor, 2, { timeout: 50 }).submit("waitForAbort", 10_000),
        TaskTimeoutError,
      );
      // The number belongs to the submitted task only: the next plain submit is a first run.
      assert.equal(await executor.submit("attempt"), 1);
    }));
}

test("withAttempt refuses an attempt that is not a positive integer, and a foreign executor", () =>
  withExecutor("sequential", async (executor) => {
    for (const bad of [0, -1, 1.5, Number.NaN, "2"]) {
      assert.throws(() => withAttempt(executor, bad as number), InvalidArgumentError, String(bad));
    }
    const foreign = { submit: () => undefined } as unknown as typeof executor;
    assert.throws(() => withAttempt(foreign, 2), InvalidArgumentError);
  }));
