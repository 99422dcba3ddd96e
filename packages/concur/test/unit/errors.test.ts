import assert from "node:assert/strict";
import { test } from "node:test";
import { ConcurError, TaskTimeoutError, WorkerCrashedError, isConcurError } from "../../src/errors.js";
import { deserializeError, serializeError } from "../../src/protocol/serialize-error.js";

test("error classes are recognised across two copies of the package", async () => {
  // A second, separate instance of the module, as when two copies of concur are installed.
  const copy = (await import(
    `../../src/errors.ts?copy=${Date.now()}`
  )) as typeof import("../../src/errors.js");
  assert.notEqual(copy.WorkerCrashedError, WorkerCrashedError);
  const foreign = new copy.WorkerCrashedError("x", { exitCode: 1, signal: null });
  assert.ok(foreign instanceof WorkerCrashedError);
  assert.ok(foreign instanceof ConcurError);
  assert.ok(!(foreign instanceof TaskTimeoutError));
  assert.ok(isConcurError(foreign, "ERR_WORKER_CRASHED"));
  assert.equal(foreign.code, "ERR_WORKER_CRASHED");
});

test("a subclass concur does not know keeps ordinary instanceof", () => {
  class MyError extends ConcurError {}
  const mine = new MyError("ERR_MINE", "m");
  assert.ok(mine instanceof MyError);
  assert.ok(!(new TaskTimeoutError("t", 1) instanceof MyError));
});

test("serialization keeps class, code, fields and the cause chain, and never throws", () => {
  const inner = Object.assign(new RangeError("inner"), { code: "E_IN", data: { n: 1 }, fn: () => 1 });
  const outer = new Error("outer", { cause: inner });
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  const weird = Object.assign(new Error("weird"), { circular, big: 10n });
  const rebuilt = deserializeError(
    structuredClone(serializeError(outer)),
    "    at caller (x.ts:1:1)",
  ) as Error;
  assert.equal(rebuilt.message, "outer");
  assert.match(rebuilt.stack ?? "", /--- submitted from ---\n {4}at caller/);
  const cause = rebuilt.cause as RangeError & { code: string; data: unknown; fn: unknown };
  assert.ok(cause instanceof RangeError);
  assert.equal(cause.code, "E_IN");
  assert.deepEqual(cause.data, { n: 1 });
  assert.equal(typeof cause.fn, "string", "a function field arrives described, not lost");
  const weirdBack = deserializeError(structuredClone(serializeError(weird))) as Error & { big: bigint };
  assert.equal(weirdBack.big, 10n);
  const concur = deserializeError(
    structuredClone(serializeError(new TaskTimeoutError("slow", 5))),
  ) as TaskTimeoutError;
  assert.ok(concur instanceof TaskTimeoutError);
  assert.equal(concur.timeout, 5);
});
