/**
 * Worker deaths: only the task a dead worker was running fails (WorkerCrashedError with its
 * exit code or signal), a replacement starts, and later tasks succeed. Start-up failures stop
 * with WorkerStartError instead of looping.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  WorkerCrashedError,
  WorkerStartError,
  type Executor,
} from "../../src/index.js";
import { assertNoLeaks, isAlive, snapshot, until } from "../helpers/leaks.js";

type Crash = typeof import("../fixtures/crash-tasks.js");
const crashUrl = new URL("../fixtures/crash-tasks.ts", import.meta.url);

const pools = {
  thread: (url: URL, options: Record<string, unknown> = {}) => new ThreadPoolExecutor<Crash>(url, options),
  process: (url: URL, options: Record<string, unknown> = {}) => new ProcessPoolExecutor<Crash>(url, options),
} as const;

async function withPool(
  kind: keyof typeof pools,
  body: (pool: Executor<Crash>) => Promise<void>,
  options: Record<string, unknown> = {},
  url: URL = crashUrl,
): Promise<void> {
  const before = snapshot();
  const pool = pools[kind](url, { maxWorkers: 1, ...options });
  try {
    await body(pool);
  } finally {
    await pool.shutdown({ cancelFutures: true });
  }
  await assertNoLeaks(before, kind);
}

function crashed(check: (error: WorkerCrashedError) => void) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof WorkerCrashedError, `expected WorkerCrashedError, got ${String(error)}`);
    assert.equal((error as WorkerCrashedError).code, "ERR_WORKER_CRASHED");
    check(error as WorkerCrashedError);
    return true;
  };
}

for (const kind of ["thread", "process"] as const) {
  describe(`${kind} pool under worker faults`, () => {
    test("process.exit in a task fails that task only; a replacement runs the rest", () =>
      withPool(kind, async (pool) => {
        const dying = pool.submit("exitWith", 3);
        const next = pool.submit("ok", 1);
        await assert.rejects(
          dying,
          crashed((error) => assert.equal(error.exitCode, 3)),
        );
        assert.equal(await next, 1, "a task waiting behind the crash is not lost");
        assert.equal(await pool.submit("ok", 2), 2);
        const stats = pool.stats();
        assert.equal(stats.workersCrashed, 1);
        assert.equal(stats.workersStarted, 2);
      }));

    test("an uncaught error outside any task fails the task running then, with the error as cause", () =>
      withPool(kind, async (pool) => {
        // The error fires while the task runs, however slow the machine: a task that merely
        // scheduled it, with another task after it, could see it fire before that next task
        // started, and then (rightly) no task would be to blame.
        await assert.rejects(
          pool.submit("throwWhileRunning", 5_000),
          crashed((error) =>
            assert.match(String((error.cause as Error)?.message), /uncaught outside a task/),
          ),
        );
        assert.equal(await pool.submit("ok", 3), 3);
      }));

    test("an unhandled rejection kills the worker like an uncaught error", () =>
      withPool(kind, async (pool) => {
        await assert.rejects(
          pool.submit("rejectWhileRunning", 5_000),
          crashed(() => undefined),
        );
        assert.equal(await pool.submit("ok", 4), 4);
      }));

    test("a module that throws at import stops with WorkerStartError, without retry loops", () =>
      withPool(
        kind,
        async (pool) => {
          const submit = pool.submit as (name: string, ...args: unknown[]) => Promise<unknown>;
          await assert.rejects(submit.call(pool, "never"), (error: unknown) => {
            assert.ok(error instanceof WorkerStartError);
            assert.equal((error as WorkerStartError).code, "ERR_WORKER_START");
            assert.match(String(((error as Error).cause as Error)?.message), /broken on purpose/);
            return true;
          });
          await assert.rejects(submit.call(pool, "never"), WorkerStartError);
          assert.ok(pool.stats().workersStarted <= 2, `started ${pool.stats().workersStarted} workers`);
        },
        { maxWorkers: 2 },
        new URL("../fixtures/throws-at-import.ts", import.meta.url),
      ));

    test("workers that die during start-up are retried a bounded number of times", () =>
      withPool(
        kind,
        async (pool) => {
          const submit = pool.submit as (name: string, ...args: unknown[]) => Promise<unknown>;
          await assert.rejects(submit.call(pool, "never"), (error: unknown) => {
            assert.ok(error instanceof WorkerStartError);
            assert.match((error as Error).message, /start-up 3 times in a row.*exit code 7/);
            return true;
          });
          assert.ok(pool.stats().workersStarted <= 4, `started ${pool.stats().workersStarted} workers`);
        },
        {},
        new URL("../fixtures/exits-at-import.ts", import.meta.url),
      ));

    test("an initializer that throws stops the pool with WorkerStartError", () =>
      withPool(
        kind,
        async (pool) => {
          await assert.rejects(pool.submit("ok", 1), WorkerStartError);
        },
        { initializer: "failInit" },
      ));
  });
}

describe("thread pool resource limits", () => {
  test("a worker that runs out of memory fails its task with WorkerCrashedError; the pool goes on", () =>
    withPool(
      "thread",
      async (pool) => {
        await assert.rejects(
          pool.submit("hog"),
          crashed((error) => assert.match(String(error.message), /exited/)),
        );
        assert.equal(await pool.submit("ok", 5), 5);
      },
      { resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 } },
    ));
});

describe("process pool external kills", () => {
  test("SIGKILL from outside fails the running task with the signal; the pool goes on", () =>
    withPool("process", async (pool) => {
      const workerPid = await pool.submit("pid");
      const running = pool.submit("sleep", 10_000);
      await until(() => running.running(), "the task runs");
      process.kill(workerPid, "SIGKILL");
      await assert.rejects(
        running,
        crashed((error) => assert.equal(error.signal, "SIGKILL")),
      );
      assert.equal(await pool.submit("ok", 6), 6);
      assert.equal(isAlive(workerPid), false);
    }));

  test("a child process does not outlive its parent", async () => {
    const { spawn } = await import("node:child_process");
    // A parent that starts a pool, prints its worker's pid, then dies without shutting down.
    const script = `
      import { ProcessPoolExecutor } from ${JSON.stringify(new URL("../../src/index.ts", import.meta.url).href)};
      const pool = new ProcessPoolExecutor(${JSON.stringify(crashUrl.href)}, { maxWorkers: 1 });
      console.log(await pool.submit("pid"));
      process.exit(0);
    `;
    const parent = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    parent.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    await new Promise((resolve) => parent.on("exit", resolve));
    const childPid = Number(out.trim());
    assert.ok(childPid > 0, `the parent printed a pid: ${out}`);
    await until(() => !isAlive(childPid), "the orphaned worker exits", 5_000);
  });
});
