/**
 * One rule for every option and argument, on every executor: a wrong value is refused with
 * InvalidArgumentError whose message names the place and the option, what it must be, and what
 * it got; and no timeout, wait or grace period can overflow Node's 32-bit timers (which would
 * make it fire after ~1 ms).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  EXECUTOR_KINDS,
  InvalidArgumentError,
  MAX_DELAY_MS,
  MAX_WORKERS,
  WaitTimeoutError,
  asCompleted,
  createExecutor,
  wait,
} from "../../src/index.js";
import { isPool, tasksUrl, withExecutor, type Tasks } from "../helpers/with-executor.js";

const TOO_LONG = 2 ** 31;
/** `where: option must be …, got …`, with the option and the value named. */
const shape = (where: string, option: string, got: string): RegExp =>
  new RegExp(`^${where.replace(/[()]/g, "\\$&")}: ${option} must be .+, got ${got}$`);

/** Asserts an InvalidArgumentError of that shape. */
function refused(where: string, option: string, got: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof InvalidArgumentError, `an InvalidArgumentError, got ${String(error)}`);
    assert.equal((error as InvalidArgumentError).code, "ERR_INVALID_ARGUMENT");
    assert.match((error as Error).message, shape(where, option, got));
    return true;
  };
}

for (const kind of EXECUTOR_KINDS) {
  describe(`${kind} executor: validation`, () => {
    test("a timeout of 2³¹ ms or more is refused everywhere, not cut to ~1 ms", () =>
      withExecutor(kind, async (executor) => {
        assert.throws(() => executor.with({ timeout: TOO_LONG }), refused("with()", "timeout", "2147483648"));
        assert.throws(
          () => executor.map("inc", [1], { timeout: TOO_LONG }),
          refused("map()", "timeout", "2147483648"),
        );
        const future = executor.submit("sleep", 20);
        await assert.rejects(
          future.result({ timeout: TOO_LONG }),
          refused("result()", "timeout", "2147483648"),
        );
        await assert.rejects(
          future.exception({ timeout: TOO_LONG }),
          refused("exception()", "timeout", "2147483648"),
        );
        await assert.rejects(
          wait([future], { timeout: TOO_LONG }),
          refused("wait()", "timeout", "2147483648"),
        );
        assert.throws(
          () => asCompleted([future], { timeout: TOO_LONG }),
          refused("asCompleted()", "timeout", "2147483648"),
        );
        await assert.rejects(
          executor.shutdown({ timeout: TOO_LONG }),
          refused("shutdown()", "timeout", "2147483648"),
        );
        assert.equal(await executor.submit("add", 1, 1), 2, "a refused shutdown did not shut down");
        // The longest allowed delay really waits: these finish by the task, not by the timer.
        assert.equal(await executor.with({ timeout: MAX_DELAY_MS }).submit("sleep", 20), 20);
        assert.equal(await executor.submit("sleep", 20).result({ timeout: MAX_DELAY_MS }), 20);
        const { notDone } = await wait([executor.submit("sleep", 20)], { timeout: MAX_DELAY_MS });
        assert.equal(notDone.size, 0);
        await executor.shutdown({ timeout: MAX_DELAY_MS });
      }));

    test("negative, NaN and non-number timeouts are refused by result() as by with()", () =>
      withExecutor(kind, async (executor) => {
        const future = executor.submit("sleep", 20);
        for (const [value, shown] of [
          [-1, "-1"],
          [NaN, "NaN"],
          [Infinity, "Infinity"],
          ["10", '"10"'],
        ] as const) {
          assert.throws(
            () => executor.with({ timeout: value as number }),
            refused("with()", "timeout", shown),
          );
          await assert.rejects(
            future.result({ timeout: value as number }),
            refused("result()", "timeout", shown),
          );
          await assert.rejects(
            wait([future], { timeout: value as number }),
            refused("wait()", "timeout", shown),
          );
        }
        // 0 is a poll for a wait (Python's rule), not a refusal; for a task it would fail every run.
        await assert.rejects(future.result({ timeout: 0 }), WaitTimeoutError);
        assert.throws(() => executor.with({ timeout: 0 }), refused("with()", "timeout", "0"));
        assert.equal(await future, 20);
      }));

    test("map refuses inputs that are not iterable, and bad options, at the call", () =>
      withExecutor(kind, async (executor) => {
        const mapAny = executor.map.bind(executor) as (
          name: string,
          inputs: unknown,
          options?: unknown,
        ) => unknown;
        assert.throws(() => mapAny("inc", 42), refused("map()", "inputs", "42"));
        assert.throws(() => mapAny("inc", undefined), refused("map()", "inputs", "undefined"));
        assert.throws(() => mapAny("inc", [1], { buffer: 0 }), refused("map()", "buffer", "0"));
        assert.throws(() => mapAny("inc", [1], { chunksize: "big" }), refused("map()", "chunksize", '"big"'));
        assert.throws(() => mapAny("inc", [1], { ordered: "yes" }), refused("map()", "ordered", '"yes"'));
        assert.throws(() => mapAny("inc", [1], { signal: {} }), refused("map()", "signal", "an object"));
        assert.throws(() => mapAny("inc", [1], 5), refused("map()", "options", "5"));
      }));

    test("shutdown, wait and asCompleted refuse bad options the same way", () =>
      withExecutor(kind, async (executor) => {
        const future = executor.submit("add", 1, 1);
        const waitAny = wait as (futures: unknown, options?: unknown) => Promise<unknown>;
        await assert.rejects(waitAny(42), refused("wait()", "futures", "42"));
        await assert.rejects(
          waitAny([future], { returnWhen: "SOON" }),
          refused("wait()", "returnWhen", '"SOON"'),
        );
        assert.throws(
          () => (asCompleted as (f: unknown) => unknown)(null),
          refused("asCompleted()", "futures", "null"),
        );
        const shutdownAny = executor.shutdown.bind(executor) as (options: unknown) => Promise<void>;
        await assert.rejects(shutdownAny({ wait: "no" }), refused("shutdown()", "wait", '"no"'));
        await assert.rejects(shutdownAny({ timeout: -5 }), refused("shutdown()", "timeout", "-5"));
        assert.equal(await future, 2);
      }));

    test("constructor options are checked with the class name and the option", () => {
      const className = {
        sequential: "SequentialExecutor",
        async: "AsyncExecutor",
        thread: "ThreadPoolExecutor",
        process: "ProcessPoolExecutor",
        distributed: "DistributedExecutor",
      }[kind];
      const make = (options: Record<string, unknown>) => () => createExecutor<Tasks>(kind, tasksUrl, options);
      assert.throws(make({ maxQueue: 0 }), refused(className, "maxQueue", "0"));
      assert.throws(make({ initArgs: "x" }), refused(className, "initArgs", '"x"'));
      assert.throws(make({ captureSubmitStack: 1 }), refused(className, "captureSubmitStack", "1"));
      if (kind === "async")
        assert.throws(make({ workers: 2.5 }), refused(className, "maxConcurrency", "2.5"));
      if (isPool(kind)) {
        // A process or thread per queued task is never what was meant.
        assert.throws(make({ workers: 1e9 }), refused(className, "maxWorkers", "1000000000"));
        assert.throws(
          make({ workers: MAX_WORKERS + 1 }),
          refused(className, "maxWorkers", String(MAX_WORKERS + 1)),
        );
        for (const option of ["cancelGracePeriod", "shutdownGracePeriod", "idleTimeout"])
          assert.throws(make({ [option]: TOO_LONG }), refused(className, option, "2147483648"));
        assert.throws(make({ prefetch: 0 }), refused(className, "prefetch", "0"));
        assert.throws(make({ execArgv: [1] }), refused(className, "execArgv", "an array"));
      }
    });
  });
}
