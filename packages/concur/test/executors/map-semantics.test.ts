/**
 * How a map ends when something outside it happens, on every executor: a per-item timeout
 * (also once automatic chunking groups items), its signal aborting, the executor shutting down.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CancelledError,
  EXECUTOR_KINDS,
  InvalidArgumentError,
  ShutdownError,
  TaskTimeoutError,
  createExecutor,
} from "../../src/index.js";
import { assertNoLeaks, snapshot, until } from "../helpers/leaks.js";
import { tasksUrl, withExecutor, type Tasks } from "../helpers/with-executor.js";

/** Long enough never to end by itself during a test; the task stops early when its signal aborts. */
const LONG = 10_000;

for (const kind of EXECUTOR_KINDS) {
  describe(`${kind} executor: map under timeouts, aborts and shutdown`, () => {
    test("a map's timeout is per item, also once automatic chunking groups items", () =>
      withExecutor(kind, async (executor) => {
        // Fast items first: on a pool, automatic chunking then groups the next inputs.
        let warm = 0;
        for await (const _ of executor.map(
          "inc",
          Array.from({ length: 5_000 }, (_, i) => i),
        ))
          warm++;
        assert.equal(warm, 5_000);
        const out: string[] = [];
        await assert.rejects(async () => {
          for await (const value of executor.map("waitForAbort", [0, 0, LONG], { timeout: 2_000 }))
            out.push(value);
        }, TaskTimeoutError);
        assert.deepEqual(
          out,
          ["timeout", "timeout"],
          "the quick items are yielded; only the slow one timed out",
        );
        // A chunk runs its items under one clock, so a timeout cannot be combined with chunks.
        assert.throws(
          () => executor.map("inc", [1, 2], { timeout: 1_000, chunksize: 2 }),
          InvalidArgumentError,
        );
      }));

    test("aborting a map's signal cancels the items in flight at once", () =>
      withExecutor(
        kind,
        async (executor) => {
          const controller = new AbortController();
          const it = executor.map("waitForAbort", [0, LONG, LONG, LONG], {
            signal: controller.signal,
            buffer: 4,
            chunksize: 1,
          });
          assert.deepEqual(await it.next(), { done: false, value: "timeout" });
          const cancelledBefore = executor.stats().cancelled;
          controller.abort(new Error("stop"));
          // Synchronously: no waiting for the consumer's next call.
          assert.equal(executor.stats().cancelled - cancelledBefore, 3, "one running and two queued items");
          assert.equal(executor.stats().queued, 0);
          await assert.rejects(it.next(), (error: unknown) => {
            assert.ok(error instanceof CancelledError);
            assert.equal(((error as CancelledError).cause as Error).message, "stop");
            return true;
          });
          assert.deepEqual(await it.next(), { done: true, value: undefined });
        },
        { workers: 1 },
      ));

    test("aborting a map that waits for queue room ends it without waiting for room", () =>
      withExecutor(
        kind,
        async (executor) => {
          const blocker = executor.submit("waitForAbort", LONG);
          await until(() => blocker.running(), "the blocker runs");
          const queued = executor.submit("waitForAbort", LONG); // the queue is full now
          const controller = new AbortController();
          const it = executor.map("inc", [1, 2], { signal: controller.signal });
          const next = it.next();
          await new Promise((resolve) => setTimeout(resolve, 20));
          controller.abort();
          await assert.rejects(next, CancelledError);
          assert.ok(blocker.running() && !queued.done(), "the map ended while the queue was still full");
          blocker.cancel();
          queued.cancel();
        },
        { workers: 1, maxQueue: 1, prefetch: 1 },
      ));

    test("no item is yielded after the map's signal aborted, even one already computed", () =>
      withExecutor(kind, async (executor) => {
        for (const chunksize of [1, 3]) {
          const completedBefore = executor.stats().completed;
          const controller = new AbortController();
          const it = executor.map("inc", [1, 2, 3], { signal: controller.signal, buffer: 8, chunksize });
          assert.deepEqual(await it.next(), { done: false, value: 2 });
          const tasks = chunksize === 1 ? 3 : 1;
          await until(() => executor.stats().completed === completedBefore + tasks, "every item has run");
          controller.abort();
          await assert.rejects(it.next(), CancelledError, `chunksize ${chunksize}`);
          assert.deepEqual(await it.next(), { done: true, value: undefined });
        }
      }));

    for (const ordered of [true, false]) {
      test(`shutdown() during a map (ordered: ${ordered}): submitted items finish and are yielded, then ShutdownError`, async () => {
        const before = snapshot();
        const executor = createExecutor<Tasks>(kind, tasksUrl, { workers: 1 });
        const inputs = Array.from({ length: 100 }, (_, i) => i);
        const it = executor.map("inc", inputs, { buffer: 4, chunksize: 1, ordered });
        const first = await it.next();
        assert.equal(first.done, false);
        const out = [first.value as number];
        const closing = executor.shutdown();
        await assert.rejects(async () => {
          for (;;) {
            const next = await it.next();
            if (next.done) break;
            out.push(next.value);
          }
        }, ShutdownError);
        await closing;
        assert.ok(out.length > 1, `what was in flight when shutdown began is yielded (got ${out.length})`);
        assert.deepEqual(
          [...out].sort((a, b) => a - b),
          Array.from({ length: out.length }, (_, i) => i + 1),
        );
        const stats = executor.stats();
        assert.equal(stats.cancelled, 0, "nothing submitted was cancelled");
        assert.equal(stats.completed, out.length, "every item that ran was yielded");
        await assertNoLeaks(before, kind);
      });
    }
  });
}
