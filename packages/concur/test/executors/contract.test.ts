/**
 * The executor contract: one suite, run over every executor. What differs by backend (errors
 * rebuilt vs the same object, forced termination) is stated where it is tested.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CancelledError,
  EXECUTOR_KINDS,
  NotSerializableError,
  QueueFullError,
  ShutdownError,
  TaskError,
  TaskNotFoundError,
  TaskTimeoutError,
  WaitTimeoutError,
  asCompleted,
  createExecutor,
  isConcurError,
  wait,
  type Executor,
} from "../../src/index.js";
import { assertNoLeaks, snapshot, until } from "../helpers/leaks.js";
import { isPool, tasksUrl, withExecutor, type Tasks } from "../helpers/with-executor.js";

for (const kind of EXECUTOR_KINDS) {
  describe(`${kind} executor contract`, () => {
    test("submit runs a task and the future settles with its result", () =>
      withExecutor(kind, async (executor) => {
        const future = executor.submit("add", 2, 3);
        assert.equal(future.done(), false);
        assert.equal(await future, 5);
        assert.equal(future.done(), true);
        assert.equal(future.cancelled(), false);
        assert.equal(await future.result(), 5);
        assert.equal(await future.exception(), undefined);
        assert.equal(future.cancel(), false, "a done future cannot be cancelled");
      }));

    test("async tasks resolve, and many tasks all complete", () =>
      withExecutor(kind, async (executor) => {
        assert.equal(await executor.submit("sleep", 5), 5);
        const futures = Array.from({ length: 200 }, (_, i) => executor.submit("inc", i));
        const results = await Promise.all(futures);
        assert.deepEqual(
          results,
          Array.from({ length: 200 }, (_, i) => i + 1),
        );
        const stats = executor.stats();
        assert.equal(stats.kind, kind);
        assert.equal(stats.completed, 201);
        assert.equal(stats.submitted, 201);
        assert.equal(stats.failed, 0);
        assert.ok(stats.runTime.count >= 201);
      }));

    test("addDoneCallback fires once, after settlement", () =>
      withExecutor(kind, async (executor) => {
        const future = executor.submit("add", 1, 1);
        const calls: boolean[] = [];
        future.addDoneCallback((f) => calls.push(f.done()));
        await future;
        future.addDoneCallback((f) => calls.push(f.done()));
        assert.deepEqual(calls, [true, true]);
      }));

    test("an unknown task name rejects with ERR_TASK_NOT_FOUND naming the exports", () =>
      withExecutor(kind, async (executor) => {
        const submitAny = executor.submit as (name: string, ...args: unknown[]) => Promise<unknown>;
        await assert.rejects(submitAny.call(executor, "nope"), (error: unknown) => {
          assert.ok(error instanceof TaskNotFoundError);
          assert.equal((error as TaskNotFoundError).code, "ERR_TASK_NOT_FOUND");
          assert.match((error as Error).message, /"nope".*exported functions: .*add/);
          return true;
        });
        await assert.rejects(submitAny.call(executor, "notAFunction"), { code: "ERR_TASK_NOT_FOUND" });
      }));

    test("a task's error is rebuilt with name, message, code, fields and cause", () =>
      withExecutor(
        kind,
        async (executor) => {
          const error = (await executor.submit("fail", "boom").exception()) as Error & { cause: any };
          assert.ok(error instanceof Error);
          assert.equal(error.message, "outer failure");
          const cause = error.cause as Error & { code: string; extra: string; detail: { n: number } };
          assert.equal(cause.name, "CustomError");
          assert.equal(cause.message, "boom");
          assert.equal(cause.code, "E_CUSTOM");
          assert.equal(cause.extra, "field");
          assert.deepEqual(cause.detail, { n: 42 });
          assert.match(error.stack ?? "", /basic-tasks/, "the stack shows where the task failed");
          if (isPool(kind))
            assert.match(
              error.stack ?? "",
              /submitted from[\s\S]*contract\.test/,
              "and where it was submitted",
            );
        },
        { captureSubmitStack: true },
      ));

    test("an async task's error keeps its class and code", () =>
      withExecutor(kind, async (executor) => {
        await assert.rejects(executor.submit("failAsync", "late"), (error: unknown) => {
          assert.ok(error instanceof TypeError);
          assert.equal((error as TypeError).message, "late");
          assert.equal((error as TypeError & { code: string }).code, "E_ASYNC");
          return true;
        });
      }));

    test("a thrown non-Error arrives as TaskError holding the value", () =>
      withExecutor(kind, async (executor) => {
        const error = await executor.submit("throwString").exception();
        assert.ok(error instanceof TaskError);
        assert.equal((error as TaskError).value, "just a string");
        assert.equal((error as TaskError).code, "ERR_TASK_FAILED");
        await assert.rejects(executor.submit("throwString"), TaskError);
      }));

    test("exception() tells a task that threw undefined from one that succeeded", () =>
      withExecutor(kind, async (executor) => {
        const failed = executor.submit("throwUndefined");
        const error = await failed.exception();
        assert.ok(error instanceof TaskError, "failed with undefined is still a failure");
        assert.equal((error as TaskError).value, undefined);
        assert.equal(failed.state, "rejected");
        assert.equal(await executor.submit("identity", undefined).exception(), undefined);
        // In a map chunk too: the item's error is the TaskError.
        await assert.rejects(async () => {
          for await (const _ of executor.map("throwUndefinedAt", [1, 2, 3], { chunksize: 3 })) {
            // the second item throws
          }
        }, TaskError);
      }));

    test("map yields in input order, pulls lazily, and accepts async iterables", () =>
      withExecutor(kind, async (executor) => {
        let pulled = 0;
        let consumedMax = 0;
        function* inputs(): Generator<number> {
          for (let i = 0; i < 300; i++) {
            pulled++;
            yield i;
          }
        }
        const out: number[] = [];
        for await (const value of executor.map("inc", inputs(), { buffer: 8, chunksize: 1 })) {
          out.push(value);
          consumedMax = Math.max(consumedMax, pulled - out.length);
        }
        assert.deepEqual(
          out,
          Array.from({ length: 300 }, (_, i) => i + 1),
        );
        assert.ok(consumedMax <= 8 + 1, `at most buffer inputs ahead of the consumer, saw ${consumedMax}`);

        async function* asyncInputs(): AsyncGenerator<number> {
          for (let i = 0; i < 20; i++) yield i;
        }
        const fromAsync: number[] = [];
        for await (const value of executor.map("inc", asyncInputs())) fromAsync.push(value);
        assert.deepEqual(
          fromAsync,
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
      }));

    test("map with automatic chunking returns every result in order", () =>
      withExecutor(kind, async (executor) => {
        const n = 20_000;
        let sum = 0;
        let count = 0;
        let last = 0;
        for await (const value of executor.map(
          "inc",
          Array.from({ length: n }, (_, i) => i),
        )) {
          assert.equal(value, last + 1);
          last = value;
          sum += value;
          count++;
        }
        assert.equal(count, n);
        assert.equal(sum, (n * (n + 1)) / 2);
      }));

    test("map unordered yields every result once", () =>
      withExecutor(kind, async (executor) => {
        const out: number[] = [];
        for await (const value of executor.map("sleep", [30, 1, 10, 5], { ordered: false, buffer: 4 }))
          out.push(value);
        assert.deepEqual(
          [...out].sort((a, b) => a - b),
          [1, 5, 10, 30],
        );
      }));

    test("an error in one item surfaces at that item; earlier items are yielded first", () =>
      withExecutor(kind, async (executor) => {
        const seen: number[] = [];
        let closed = false;
        function* inputs(): Generator<number> {
          try {
            yield* [1, 2, 3, -1, 5, 6, 7, 8, 9];
          } finally {
            closed = true;
          }
        }
        for (const chunksize of [1, 2]) {
          seen.length = 0;
          closed = false;
          await assert.rejects(
            (async () => {
              for await (const value of executor.map("tenfoldOrFail", inputs(), { chunksize }))
                seen.push(value);
            })(),
            (error: unknown) => {
              assert.ok(error instanceof RangeError);
              assert.equal((error as RangeError).message, "negative input -1");
              return true;
            },
          );
          assert.deepEqual(seen, [10, 20, 30], `chunksize ${chunksize}`);
        }
        assert.ok(closed, "the input iterator is closed when the map fails");
      }));

    test("breaking out of a map cancels what is in flight and closes the input", () =>
      withExecutor(kind, async (executor) => {
        let closed = false;
        function* inputs(): Generator<number> {
          try {
            for (let i = 0; ; i++) yield i;
          } finally {
            closed = true;
          }
        }
        let count = 0;
        for await (const _ of executor.map("inc", inputs(), { buffer: 4 })) {
          if (++count === 10) break;
        }
        assert.equal(count, 10);
        assert.ok(closed);
      }));

    test("asCompleted yields futures as they finish; wait honours returnWhen", () =>
      withExecutor(kind, async (executor) => {
        const slow = executor.submit("sleep", 150);
        const fast = executor.submit("sleep", 1);
        const order: number[] = [];
        for await (const future of asCompleted([slow, fast])) order.push(await future.result());
        assert.deepEqual(
          order.sort((a, b) => a - b),
          [1, 150],
        );

        const a = executor.submit("sleep", 200);
        const b = executor.submit("sleep", 1);
        const first = await wait([a, b], { returnWhen: "FIRST_COMPLETED" });
        // One at a time, the sequential executor finishes the 200 ms task first.
        assert.ok(first.done.has(kind === "sequential" ? a : b));
        assert.equal(first.done.size, 1);
        const failing = executor.submit("failAsync", "x");
        const c = executor.submit("sleep", 300);
        const firstError = await wait([failing, c], { returnWhen: "FIRST_EXCEPTION" });
        assert.ok(firstError.done.has(failing));
        const all = await wait([a, b, c]);
        assert.equal(all.notDone.size, 0);
        const timedOut = await wait([executor.submit("sleep", 400)], { timeout: 10 });
        assert.equal(timedOut.done.size, 0);
        await assert.rejects(async () => {
          for await (const _ of asCompleted([executor.submit("sleep", 400)], { timeout: 10 })) {
            // no future finishes in time
          }
        }, WaitTimeoutError);
      }));

    test("result({ timeout }) gives up waiting without stopping the task", () =>
      withExecutor(kind, async (executor) => {
        const future = executor.submit("sleep", 200);
        await assert.rejects(future.result({ timeout: 10 }), (error: unknown) => {
          assert.ok(error instanceof WaitTimeoutError);
          return true;
        });
        assert.equal(await future, 200);
      }));

    test("a queued task can be cancelled and is never run", () =>
      withExecutor(
        kind,
        async (executor) => {
          const blockers = [executor.submit("sleep", 100), executor.submit("sleep", 100)];
          const queued = executor.submit("add", 1, 1);
          assert.equal(queued.cancel(), true);
          assert.equal(queued.cancelled(), true);
          await assert.rejects(queued, CancelledError);
          await Promise.all(blockers);
          assert.equal(executor.stats().cancelled, 1);
          assert.equal(executor.stats().completed, 2);
        },
        { workers: kind === "async" ? 2 : 2, prefetch: 1 },
      ));

    test("a running task sees its cancellation through taskSignal()", () =>
      withExecutor(
        kind,
        async (executor) => {
          const future = executor.submit("waitForAbort", 10_000);
          await until(() => future.running(), "the task runs");
          await new Promise((resolve) => setTimeout(resolve, 100));
          assert.equal(future.cancel(), true);
          await assert.rejects(future, CancelledError);
          // The task stopped on its own (no worker was killed) and the executor goes on.
          assert.equal(await executor.submit("add", 2, 2), 4);
          if (isPool(kind)) assert.equal(executor.stats().workersStarted, 1);
        },
        { workers: 1 },
      ));

    test("a per-task timeout rejects with TaskTimeoutError and aborts the task's signal", () =>
      withExecutor(kind, async (executor) => {
        const future = executor.with({ timeout: 100 }).submit("waitForAbort", 10_000);
        await assert.rejects(future, (error: unknown) => {
          assert.ok(error instanceof TaskTimeoutError);
          assert.equal((error as TaskTimeoutError).timeout, 100);
          assert.equal((error as TaskTimeoutError).code, "ERR_TASK_TIMEOUT");
          return true;
        });
        assert.equal(await executor.with({ timeout: 5_000 }).submit("add", 1, 2), 3);
      }));

    test("a per-task signal cancels the task", () =>
      withExecutor(kind, async (executor) => {
        const controller = new AbortController();
        const future = executor.with({ signal: controller.signal }).submit("waitForAbort", 10_000);
        setTimeout(() => controller.abort(), 50);
        await assert.rejects(future, CancelledError);
        const already = executor.with({ signal: AbortSignal.abort() }).submit("add", 1, 1);
        assert.equal(already.cancelled(), true);
      }));

    test("shutdown waits for queued work; then submit throws ShutdownError", async () => {
      const before = snapshot();
      const executor = createExecutor<Tasks>(kind, tasksUrl, { workers: 2 });
      const futures = Array.from({ length: 6 }, (_, i) => executor.submit("sleep", 10 + i));
      await executor.shutdown();
      assert.ok(futures.every((f) => f.done()));
      assert.deepEqual(await Promise.all(futures), [10, 11, 12, 13, 14, 15]);
      assert.throws(
        () => executor.submit("add", 1, 1),
        (error: unknown) => {
          assert.ok(error instanceof ShutdownError);
          assert.equal((error as ShutdownError).code, "ERR_SHUTDOWN");
          return true;
        },
      );
      await executor.shutdown(); // idempotent
      await assertNoLeaks(before, kind);
    });

    test("shutdown with cancelFutures cancels tasks that have not started", async () => {
      const before = snapshot();
      const executor = createExecutor<Tasks>(kind, tasksUrl, { workers: 1, prefetch: 1 });
      const running = executor.submit("sleep", 100);
      const queued = Array.from({ length: 5 }, () => executor.submit("sleep", 100));
      await until(() => running.running(), "the first task runs");
      await executor.shutdown({ cancelFutures: true });
      assert.equal(await running, 100);
      assert.ok(queued.every((f) => f.cancelled()));
      await assertNoLeaks(before, kind);
    });

    test("shutdown({ timeout }) cancels what is still queued or running past it", async () => {
      const before = snapshot();
      const executor = createExecutor<Tasks>(kind, tasksUrl, { workers: 1, cancelGracePeriod: 50 });
      const stuck = executor.submit("never");
      const queued = executor.submit("add", 1, 1);
      await until(() => stuck.running(), "the stuck task runs");
      await executor.shutdown({ timeout: 100 });
      await assert.rejects(stuck, CancelledError);
      assert.ok(queued.cancelled(), "the task behind it was cancelled too");
      await assertNoLeaks(before, kind);
    });

    test("await using shuts the executor down", async () => {
      const before = snapshot();
      let outside: Executor<Tasks> | undefined;
      {
        await using executor = createExecutor<Tasks>(kind, tasksUrl, { workers: 1 });
        outside = executor;
        assert.equal(await executor.submit("add", 1, 2), 3);
      }
      assert.throws(() => outside!.submit("add", 1, 1), ShutdownError);
      await assertNoLeaks(before, kind);
    });

    test("maxQueue refuses tasks beyond it with QueueFullError", () =>
      withExecutor(
        kind,
        async (executor) => {
          const futures = [executor.submit("sleep", 50)];
          // The first task may or may not have left the queue yet; fill it up to the limit.
          let refused: unknown;
          for (let i = 0; i < 10 && refused === undefined; i++) {
            try {
              futures.push(executor.submit("sleep", 1));
            } catch (error) {
              refused = error;
            }
          }
          assert.ok(refused instanceof QueueFullError);
          assert.equal((refused as QueueFullError).maxQueue, 2);
          await Promise.all(futures);
          // map waits for room instead of failing.
          const out: number[] = [];
          for await (const value of executor.map("inc", [1, 2, 3, 4, 5, 6], { buffer: 6 })) out.push(value);
          assert.deepEqual(out, [2, 3, 4, 5, 6, 7]);
        },
        { workers: 1, maxQueue: 2 },
      ));

    test("the initializer runs before the first task", () =>
      withExecutor(
        kind,
        async (executor) => {
          assert.equal(await executor.submit("getInit"), "ready");
        },
        { initializer: "init", initArgs: ["ready"] },
      ));

    test("options are validated with errors that name them", () => {
      if (kind !== "sequential") {
        assert.throws(
          () => createExecutor<Tasks>(kind, tasksUrl, { workers: 0 }),
          /must be a positive integer/,
        );
      }
      assert.throws(
        () => createExecutor<Tasks>(kind, tasksUrl, { maxQueue: 1.5 }),
        /maxQueue must be a positive integer/,
      );
      if (isPool(kind)) {
        assert.throws(
          () => createExecutor<Tasks>(kind, tasksUrl, { cancelGracePeriod: -5 }),
          /cancelGracePeriod must be a number of milliseconds/,
        );
      }
      assert.throws(() => createExecutor<Tasks>(kind, "relative/path.js"), /absolute path/);
      const executor = createExecutor<Tasks>(kind, tasksUrl, { workers: 1 });
      assert.throws(() => executor.with({ timeout: -1 }), /timeout must be a positive/);
      return executor.shutdown();
    });

    if (isPool(kind)) {
      test("an argument that cannot be cloned rejects with NotSerializableError; the worker survives", () =>
        withExecutor(
          kind,
          async (executor) => {
            assert.equal(await executor.submit("add", 1, 1), 2);
            const bad = executor.submit("identity", (() => 1) as unknown as number);
            const good = executor.submit("add", 2, 2);
            await assert.rejects(bad, (error: unknown) => {
              assert.ok(error instanceof NotSerializableError);
              assert.equal((error as NotSerializableError).task, "identity");
              return true;
            });
            assert.equal(await good, 4);
            await assert.rejects(executor.submit("returnFunction"), (error: unknown) => {
              assert.ok(isConcurError(error, "ERR_NOT_SERIALIZABLE"));
              assert.match((error as Error).message, /returnFunction/);
              return true;
            });
            assert.equal(await executor.submit("add", 3, 3), 6);
            assert.equal(executor.stats().workersStarted, 1, "no worker was replaced");
          },
          { workers: 1 },
        ));

      test("a task stuck in a loop is stopped by its timeout: the worker is replaced", () =>
        withExecutor(
          kind,
          async (executor) => {
            await assert.rejects(executor.with({ timeout: 100 }).submit("spin", 60_000), TaskTimeoutError);
            assert.equal(await executor.submit("add", 1, 2), 3);
            assert.equal(executor.stats().workersStarted, 2);
          },
          { workers: 1, cancelGracePeriod: 50 },
        ));

      test("cancelling a running CPU-bound task terminates its worker; queued tasks still run", () =>
        withExecutor(
          kind,
          async (executor) => {
            const stuck = executor.submit("spin", 60_000);
            const after = executor.submit("add", 5, 5);
            await until(() => stuck.running(), "the stuck task runs");
            await new Promise((resolve) => setTimeout(resolve, 100));
            assert.equal(stuck.cancel(), true);
            await assert.rejects(stuck, CancelledError);
            assert.equal(await after, 10);
          },
          { workers: 1, cancelGracePeriod: 50 },
        ));

      test("tasks run in parallel on distinct workers", () =>
        withExecutor(kind, async (executor) => {
          const ids = await Promise.all([executor.submit("sleep", 100), executor.submit("sleep", 100)]);
          assert.deepEqual(ids, [100, 100]);
          assert.equal(executor.stats().workers, 2);
        }));
    }
  });
}
