import assert from "node:assert/strict";
import { test } from "node:test";
import { CancelledError } from "../../src/errors.js";
import { Future, futureInternals } from "../../src/future.js";

/** Collects the unhandled rejections seen until the event loop has turned a few times. */
async function unhandledDuring(fn: () => void): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => void seen.push(reason);
  process.on("unhandledRejection", listener);
  try {
    fn();
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("unhandledRejection", listener);
  }
  return seen;
}

test("a future is a native promise whose then/catch/finally give plain promises", async () => {
  const future = new Future<number>("inc");
  assert.ok(future instanceof Promise);
  assert.ok(future instanceof Future);
  assert.equal(Promise.resolve(future), future, "await and Promise.all take it as it is, unwrapped");
  assert.equal(Object.prototype.toString.call(future), "[object Future]");
  const chained = future.then((value) => value + 1);
  assert.equal(Object.getPrototypeOf(chained), Promise.prototype);
  assert.equal(Object.getPrototypeOf(future.finally(() => undefined)), Promise.prototype);
  futureInternals.resolve(future as Future<unknown>, 41);
  assert.equal(await chained, 42);
  assert.equal(await future, 41);
  assert.equal(future.state, "fulfilled");
});

test("a failed or cancelled future nobody awaits is not an unhandled rejection", async () => {
  const seen = await unhandledDuring(() => {
    futureInternals.reject(new Future("fail") as Future<unknown>, new Error("nobody listens"));
    new Future("dropped").cancel();
  });
  assert.deepEqual(seen, []);
});

test("awaiting a failed future still rejects with the task's error", async () => {
  const future = new Future<number>("fail");
  const error = new Error("boom");
  futureInternals.reject(future as Future<unknown>, error);
  await assert.rejects(future, (thrown) => thrown === error);
  await assert.rejects(future.result(), (thrown) => thrown === error);
  assert.equal(await future.exception(), error);
});

test("done-callbacks run at settlement, in order, and a throwing one does not stop the others", () => {
  const future = new Future<string>("task");
  const order: string[] = [];
  future.addDoneCallback(() => order.push("first"));
  future.addDoneCallback(() => {
    throw new Error("callback bug");
  });
  future.addDoneCallback((done) => order.push(`second:${done.state}`));
  // The callback's error is rethrown from a microtask (so it is reported, not swallowed): catch
  // that microtask here, since the test runner would fail on the uncaught error.
  const rethrown: Array<() => void> = [];
  const realQueueMicrotask = globalThis.queueMicrotask;
  globalThis.queueMicrotask = (fn) => void rethrown.push(fn);
  try {
    futureInternals.resolve(future as Future<unknown>, "v");
  } finally {
    globalThis.queueMicrotask = realQueueMicrotask;
  }
  assert.deepEqual(order, ["first", "second:fulfilled"], "synchronously, at settlement");
  assert.equal(rethrown.length, 1);
  assert.throws(rethrown[0]!, /callback bug/);
  future.addDoneCallback(() => order.push("late"));
  assert.deepEqual(order.at(-1), "late", "a callback added after settlement runs at once");
});

test("a throwing done-callback added after settlement is reported the same way, not thrown at the caller", () => {
  const future = new Future<string>("task");
  futureInternals.resolve(future as Future<unknown>, "v");
  const order: string[] = [];
  const rethrown: Array<() => void> = [];
  const realQueueMicrotask = globalThis.queueMicrotask;
  globalThis.queueMicrotask = (fn) => void rethrown.push(fn);
  try {
    future.addDoneCallback(() => {
      throw new Error("late callback bug");
    });
    future.addDoneCallback((done) => order.push(`after:${done.state}`));
  } finally {
    globalThis.queueMicrotask = realQueueMicrotask;
  }
  assert.deepEqual(order, ["after:fulfilled"], "the next callback still runs, at once");
  assert.equal(rethrown.length, 1, "the error goes to a microtask, as for a pending future's callbacks");
  assert.throws(rethrown[0]!, /late callback bug/);
});

test("cancel settles an ownerless pending future with CancelledError, and only once", async () => {
  const future = new Future<number>("task");
  assert.equal(future.cancel("stop"), true);
  assert.equal(future.cancel(), true, "cancelling again still reports cancelled");
  assert.equal(futureInternals.resolve(future as Future<unknown>, 1), false, "a late result is ignored");
  await assert.rejects(future, (error) => error instanceof CancelledError && error.message === "stop");
  assert.equal(future.cancelled(), true);
});
