/** Pool options that only thread and process pools have: recycling, idle timeout, transfer, env, stacks. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ProcessPoolExecutor, ThreadPoolExecutor, type Executor } from "../../src/index.js";
import { assertNoLeaks, snapshot, until } from "../helpers/leaks.js";

type Tasks = typeof import("../fixtures/basic-tasks.js");
const tasksUrl = new URL("../fixtures/basic-tasks.ts", import.meta.url);
const make = {
  thread: (options: Record<string, unknown>) => new ThreadPoolExecutor<Tasks>(tasksUrl, options),
  process: (options: Record<string, unknown>) => new ProcessPoolExecutor<Tasks>(tasksUrl, options),
};

async function withPool(
  kind: keyof typeof make,
  options: Record<string, unknown>,
  body: (pool: Executor<Tasks>) => Promise<void>,
) {
  const before = snapshot();
  const pool = make[kind]({ maxWorkers: 1, ...options });
  try {
    await body(pool);
  } finally {
    await pool.shutdown();
  }
  await assertNoLeaks(before, kind);
}

for (const kind of ["thread", "process"] as const) {
  describe(`${kind} pool options`, () => {
    test("maxTasksPerWorker recycles a worker after that many tasks", () =>
      withPool(kind, { maxTasksPerWorker: 3, prefetch: 1 }, async (pool) => {
        for (let i = 0; i < 7; i++) assert.equal(await pool.submit("inc", i), i + 1);
        assert.equal(pool.stats().workersStarted, 3);
        assert.equal(pool.stats().workersCrashed, 0);
      }));

    test("idleTimeout lets an idle worker go; the next task starts a new one", () =>
      withPool(kind, { idleTimeout: 50 }, async (pool) => {
        assert.equal(await pool.submit("inc", 1), 2);
        await until(() => pool.stats().workers === 0, "the idle worker exits", 5_000);
        assert.equal(await pool.submit("inc", 2), 3);
        assert.equal(pool.stats().workersStarted, 2);
      }));

    test("env sets the workers' environment", () =>
      withPool(kind, { env: { ...process.env, CONCUR_TEST_VALUE: "from-env" } }, async (pool) => {
        assert.equal(await pool.submit("readEnv", "CONCUR_TEST_VALUE"), "from-env");
      }));

    test("captureSubmitStack: false leaves the submitting place out of errors", () =>
      withPool(kind, { captureSubmitStack: false }, async (pool) => {
        const error = (await pool.submit("failAsync", "x").exception()) as Error;
        assert.equal(error.message, "x");
        assert.doesNotMatch(error.stack ?? "", /submitted from/);
      }));

    test("captureSubmitStack is off by default, and on by default under NODE_ENV=development", async () => {
      const previous = process.env.NODE_ENV;
      try {
        delete process.env.NODE_ENV;
        await withPool(kind, {}, async (pool) => {
          const error = (await pool.submit("failAsync", "x").exception()) as Error;
          assert.doesNotMatch(error.stack ?? "", /submitted from/);
        });
        process.env.NODE_ENV = "development";
        await withPool(kind, {}, async (pool) => {
          const error = (await pool.submit("failAsync", "x").exception()) as Error;
          assert.match(error.stack ?? "", /submitted from[\s\S]*pool-options\.test/);
        });
      } finally {
        if (previous === undefined) delete process.env.NODE_ENV;
        else process.env.NODE_ENV = previous;
      }
    });

    test("an error inside map carries the map's submitting place", () =>
      withPool(kind, { captureSubmitStack: true }, async (pool) => {
        await assert.rejects(
          (async () => {
            for await (const _ of pool.map("tenfoldOrFail", [1, -1])) {
              // consume
            }
          })(),
          (error: unknown) => {
            assert.match((error as Error).stack ?? "", /submitted from[\s\S]*pool-options\.test/);
            return true;
          },
        );
      }));

    test("a task that is slow to stop after its signal is killed after cancelGracePeriod", () =>
      withPool(kind, { cancelGracePeriod: 100 }, async (pool) => {
        const stuck = pool.submit("spin", 30_000);
        await until(() => stuck.running(), "the task runs");
        stuck.cancel();
        await until(
          () => pool.stats().workersStarted === 1 && pool.stats().workers === 0,
          "the stuck worker is gone",
          10_000,
        ).catch(() => undefined);
        assert.equal(await pool.submit("inc", 1), 2);
        assert.equal(pool.stats().workersStarted, 2);
      }));
  });
}

describe("thread pool transfer", () => {
  test("with({ transfer }) moves an ArrayBuffer instead of copying it", () =>
    withPool("thread", {}, async (pool) => {
      const buffer = new ArrayBuffer(1024);
      new Uint8Array(buffer).fill(7);
      const total = await pool.with({ transfer: [buffer] }).submit("sumBytes", buffer);
      assert.equal(total, 7 * 1024);
      assert.equal(buffer.byteLength, 0, "the buffer now belongs to the worker");
    }));
});
