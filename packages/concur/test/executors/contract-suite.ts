/**
 * The executor contract: one suite, run over every executor (concur's own in contract.test.ts,
 * @concur/distributed's in its package). What differs by backend (errors rebuilt vs the same
 * object, forced termination, worker counts) is a property of the target, stated where it is
 * tested; a case that cannot apply to a backend is named by the target, with the reason.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CancelledError,
  NotSerializableError,
  QueueFullError,
  ShutdownError,
  TaskError,
  TaskNotFoundError,
  TaskTimeoutError,
  WaitTimeoutError,
  asCompleted,
  isConcurError,
  wait,
  type Executor,
  type ExecutorKind,
} from "../../src/index.js";
import { until } from "../helpers/leaks.js";

export type Tasks = typeof import("../fixtures/basic-tasks.js");
export const tasksUrl = new URL("../fixtures/basic-tasks.ts", import.meta.url);

/** A backend the contract runs over. */
export interface ContractTarget {
  /** Shown in the suite's name. */
  name: string;
  kind: ExecutorKind;
  /** A new executor of the fixture module (`module` only to test a bad one). */
  create(options?: Record<string, unknown>, module?: URL | string): Executor<Tasks>;
  /** Starts watching for leaks; the returned check fails if the executor left something behind. */
  startLeakCheck(): () => Promise<void>;
  /** Arguments, results and errors cross a boundary (cloned and rebuilt, not passed by reference). */
  crossesBoundary: boolean;
  /** The workers are this executor's own (stats().workers, workersStarted, cancelGracePeriod). */
  pool: boolean;
  /** Cases that cannot apply to this backend, by name, with the reason. */
  notApplicable?: Readonly<Record<string, string>>;
}

export function defineContractSuite(target: ContractTarget): void {
  const notApplicable = new Map(Object.entries(target.notApplicable ?? {}));
  const contractTest = (name: string, fn: () => Promise<void>): void => {
    if (notApplicable.delete(name)) return;
    test(name, fn);
  };

  /** Runs `body` with a fresh executor, then shuts it down and checks nothing leaked. */
  async function withExecutor(
    body: (executor: Executor<Tasks>) => Promise<void>,
    options: Record<string, unknown> = {},
  ): Promise<void> {
    const checkLeaks = target.startLeakCheck();
    const executor = target.create({ workers: 2, ...options });
    try {
      await body(executor);
    } finally {
      await executor.shutdown({ cancelFutures: true });
    }
    await checkLeaks();
  }

  describe(`${target.name} executor contract`, () => {
    contractTest("submit runs a task and the future settles with its result", () =>
      withExecutor(async (executor) => {
        const future = executor.submit("add", 2, 3);
        assert.equal(future.done(), false);
        assert.equal(await future, 5);
        assert.equal(future.done(), true);
        assert.equal(future.cancelled(), false);
        assert.equal(await future.result(), 5);
        assert.equal(await future.exception(), undefined);
        assert.equal(future.cancel(), false, "a done future cannot be cancelled");
      }),
    );

    contractTest("async tasks resolve, and many tasks all complete", () =>
      withExecutor(async (executor) => {
        assert.equal(await executor.submit("sleep", 5), 5);
        const futures = Array.from({ length: 200 }, (_, i) => executor.submit("inc", i));
        const results = await Promise.all(futures);
        assert.deepEqual(
          results,
          Array.from({ length: 200 }, (_, i) => i + 1),
        );
        const stats = executor.stats();
        assert.equal(stats.kind, target.kind);
        assert.equal(stats.completed, 201);
        assert.equal(stats.submitted, 201);
        assert.equal(stats.failed, 0);
        assert.ok(stats.runTime.count >= 201);
      }),
    );

    contractTest("addDoneCallback fires once, after settlement", () =>
      withExecutor(async (executor) => {
        const future = executor.submit("add", 1, 1);
        const calls: boolean[] = [];
        future.addDoneCallback((f) => calls.push(f.done()));
        await future;
        future.addDoneCallback((f) => calls.push(f.done()));
        assert.deepEqual(calls, [true, true]);
      }),
    );

    contractTest("an unknown task name rejects with ERR_TASK_NOT_FOUND naming the exports", () =>
      withExecutor(async (executor) => {
        const submitAny = executor.submit as (name: string, ...args: unknown[]) => Promise<unknown>;
        await assert.rejects(submitAny.call(executor, "nope"), (error: unknown) => {
          assert.ok(error instanceof TaskNotFoundError);
          assert.equal((error as TaskNotFoundError).code, "ERR_TASK_NOT_FOUND");
          assert.match((error as Error).message, /"nope".*exported functions: .*add/);
          return true;
        });
        await assert.rejects(submitAny.call(executor, "notAFunction"), { code: "ERR_TASK_NOT_FOUND" });
      }),
    );

    contractTest("a task's error is rebuilt with name, message, code, fields and cause", () =>
      withExecutor(
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
          if (target.crossesBoundary)
            assert.match(
              error.stack ?? "",
              /submitted from[\s\S]*contract-suite/,
              "and where it was submitted",
            );
        },
        { captureSubmitStack: true },
      ),
    );

    contractTest("an async task's error keeps its class and code", () =>
      withExecutor(async (executor) => {
        await assert.rejects(executor.submit("failAsync", "late"), (error: unknown) => {
          assert.ok(error instanceof TypeError);
          assert.equal((error as TypeError).message, "late");
          assert.equal((error as TypeError & { code: string }).code, "E_ASYNC");
          return true;
        });
      }),
    );

    contractTest("a thrown non-Error arrives as TaskError holding the value", () =>
      withExecutor(async (executor) => {
        const error = await executor.submit("throwString").exception();
        assert.ok(error instanceof TaskError);
        assert.equal((error as TaskError).value, "just a string");
        assert.equal((error as TaskError).code, "ERR_TASK_FAILED");
        await assert.rejects(executor.submit("throwString"), TaskError);
      }),
    );

    contractTest("exception() tells a task that threw undefined from one that succeeded", () =>
      withExecutor(async (executor) => {
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
      }),
    );

    contractTest("map yields in input order, pulls lazily, and accepts async iterables", () =>
      withExecutor(async (executor) => {
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
      }),
    );

    contractTest("map with automatic chunking returns every result in order", () =>
      withExecutor(async (executor) => {
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
      }),
    );

    contractTest("map unordered yields every result once", () =>
      withExecutor(async (executor) => {
        const out: number[] = [];
        for await (const value of executor.map("sleep", [30, 1, 10, 5], { ordered: false, buffer: 4 }))
          out.push(value);
        assert.deepEqual(
          [...out].sort((a, b) => a - b),
          [1, 5, 10, 30],
        );
      }),
    );

    contractTest("an error in one item surfaces at that item; earlier items are yielded first", () =>
      withExecutor(async (executor) => {
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
      }),
    );

    contractTest("breaking out of a map cancels what is in flight and closes the input", () =>
      withExecutor(async (executor) => {
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
      }),
    );

    contractTest("asCompleted yields futures as they finish; wait honours returnWhen", () =>
      withExecutor(async (executor) => {
        const slow = executor.submit("sleep", 150);
        const fast = executor.submit("sleep", 1);
        const order: number[] = [];
        for await (const future of asCompleted([slow, fast])) order.push(await future.result());
        assert.deepEqual(
          order.sort((a, b) => a - b),
          [1, 150],
        );

        // The short task is submitted first, so it finishes first on every executor, however
        // many workers are up yet (a pool on a loaded machine may have only one ready), and it
        // is listed last, so that wait must not favour the order of its argument.
        const b = executor.submit("sleep", 1);
        const a = executor.submit("sleep", 400);
        const first = await wait([a, b], { returnWhen: "FIRST_COMPLETED" });
        assert.ok(first.done.has(b));
        assert.equal(first.done.size, 1);
        assert.ok(first.notDone.has(a));
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
      }),
    );

    contractTest("result({ timeout }) gives up waiting without stopping the task", () =>
      withExecutor(async (executor) => {
        const future = executor.submit("sleep", 200);
        await assert.rejects(future.result({ timeout: 10 }), (error: unknown) => {
          assert.ok(error instanceof WaitTimeoutError);
          return true;
        });
        assert.equal(await future, 200);
      }),
    );

    contractTest("a queued task can be cancelled and is never run", () =>
      withExecutor(
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
        { workers: 2, prefetch: 1 },
      ),
    );

    contractTest("a running task sees its cancellation through taskSignal()", () =>
      withExecutor(
        async (executor) => {
          const future = executor.submit("waitForAbort", 10_000);
          await until(() => future.running(), "the task runs");
          await new Promise((resolve) => setTimeout(resolve, 100));
          assert.equal(future.cancel(), true);
          await assert.rejects(future, CancelledError);
          // The task stopped on its own (no worker was killed) and the executor goes on.
          assert.equal(await executor.submit("add", 2, 2), 4);
          if (target.pool) assert.equal(executor.stats().workersStarted, 1);
        },
        { workers: 1 },
      ),
    );

    contractTest("a task's first run reads attempt 1 from currentTask(), through submit, with and map", () =>
      withExecutor(async (executor) => {
        assert.equal(await executor.submit("attempt"), 1);
        assert.equal(await executor.with({ timeout: 5_000 }).submit("attempt"), 1);
        const mapped: Array<number | undefined> = [];
        for await (const seen of executor.map("attempt", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])) mapped.push(seen);
        assert.deepEqual(mapped, Array(10).fill(1));
      }),
    );

    contractTest("a per-task timeout rejects with TaskTimeoutError and aborts the task's signal", () =>
      withExecutor(async (executor) => {
        const future = executor.with({ timeout: 100 }).submit("waitForAbort", 10_000);
        await assert.rejects(future, (error: unknown) => {
          assert.ok(error instanceof TaskTimeoutError);
          assert.equal((error as TaskTimeoutError).timeout, 100);
          assert.equal((error as TaskTimeoutError).code, "ERR_TASK_TIMEOUT");
          return true;
        });
        assert.equal(await executor.with({ timeout: 5_000 }).submit("add", 1, 2), 3);
      }),
    );

    contractTest("a per-task signal cancels the task", () =>
      withExecutor(async (executor) => {
        const controller = new AbortController();
        const future = executor.with({ signal: controller.signal }).submit("waitForAbort", 10_000);
        setTimeout(() => controller.abort(), 50);
        await assert.rejects(future, CancelledError);
        const already = executor.with({ signal: AbortSignal.abort() }).submit("add", 1, 1);
        assert.equal(already.cancelled(), true);
      }),
    );

    contractTest("shutdown waits for queued work; then submit throws ShutdownError", async () => {
      const checkLeaks = target.startLeakCheck();
      const executor = target.create({ workers: 2 });
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
      await checkLeaks();
    });

    contractTest("shutdown with cancelFutures cancels tasks that have not started", async () => {
      const checkLeaks = target.startLeakCheck();
      const executor = target.create({ workers: 1, prefetch: 1 });
      const running = executor.submit("sleep", 100);
      const queued = Array.from({ length: 5 }, () => executor.submit("sleep", 100));
      await until(() => running.running(), "the first task runs");
      await executor.shutdown({ cancelFutures: true });
      assert.equal(await running, 100);
      assert.ok(queued.every((f) => f.cancelled()));
      await checkLeaks();
    });

    contractTest("shutdown({ timeout }) cancels what is still queued or running past it", async () => {
      const checkLeaks = target.startLeakCheck();
      const executor = target.create({ workers: 1, cancelGracePeriod: 50 });
      const stuck = executor.submit("never");
      const queued = executor.submit("add", 1, 1);
      await until(() => stuck.running(), "the stuck task runs");
      await executor.shutdown({ timeout: 100 });
      await assert.rejects(stuck, CancelledError);
      assert.ok(queued.cancelled(), "the task behind it was cancelled too");
      await checkLeaks();
    });

    contractTest("await using shuts the executor down", async () => {
      const checkLeaks = target.startLeakCheck();
      let outside: Executor<Tasks> | undefined;
      {
        await using executor = target.create({ workers: 1 });
        outside = executor;
        assert.equal(await executor.submit("add", 1, 2), 3);
      }
      assert.throws(() => outside!.submit("add", 1, 1), ShutdownError);
      await checkLeaks();
    });

    contractTest("maxQueue refuses tasks beyond it with QueueFullError", () =>
      withExecutor(
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
      ),
    );

    contractTest("the initializer runs before the first task", () =>
      withExecutor(
        async (executor) => {
          assert.equal(await executor.submit("getInit"), "ready");
        },
        { initializer: "init", initArgs: ["ready"] },
      ),
    );

    contractTest("options are validated with errors that name them", () => {
      if (target.kind !== "sequential") {
        assert.throws(() => target.create({ workers: 0 }), /must be a positive integer/);
      }
      assert.throws(() => target.create({ maxQueue: 1.5 }), /maxQueue must be a positive integer/);
      if (target.pool) {
        assert.throws(
          () => target.create({ cancelGracePeriod: -5 }),
          /cancelGracePeriod must be a number of milliseconds/,
        );
      }
      assert.throws(() => target.create({}, "relative/path.js"), /absolute path/);
      const executor = target.create({ workers: 1 });
      assert.throws(() => executor.with({ timeout: -1 }), /timeout must be a positive/);
      return executor.shutdown();
    });

    if (target.crossesBoundary) {
      contractTest(
        "an argument that cannot be cloned rejects with NotSerializableError; the worker survives",
        () =>
          withExecutor(
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
              if (target.pool) assert.equal(executor.stats().workersStarted, 1, "no worker was replaced");
            },
            { workers: 1 },
          ),
      );

      contractTest("a task stuck in a loop is stopped by its timeout: the worker is replaced", () =>
        withExecutor(
          async (executor) => {
            await assert.rejects(executor.with({ timeout: 100 }).submit("spin", 60_000), TaskTimeoutError);
            assert.equal(await executor.submit("add", 1, 2), 3);
            if (target.pool) assert.equal(executor.stats().workersStarted, 2);
          },
          { workers: 1, cancelGracePeriod: 50 },
        ),
      );

      contractTest("cancelling a running CPU-bound task terminates its worker; queued tasks still run", () =>
        withExecutor(
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
        ),
      );

      contractTest("tasks run in parallel on distinct workers", () =>
        withExecutor(async (executor) => {
          const ids = await Promise.all([executor.submit("sleep", 100), executor.submit("sleep", 100)]);
          assert.deepEqual(ids, [100, 100]);
          assert.equal(executor.stats().workers, 2);
        }),
      );
    }
  });

  // A name that matches no case is a stale exemption: fail loudly rather than drift.
  if (notApplicable.size > 0)
    throw new Error(
      `${target.name}: notApplicable names no such case: ${[...notApplicable.keys()].join("; ")}`,
    );
}
