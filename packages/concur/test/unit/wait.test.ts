/** wait()'s returnWhen rules on futures settled by hand, one event at a time (Python's rules). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Future, futureInternals } from "../../src/future.js";
import { wait } from "../../src/wait.js";

/** True if `promise` has settled once pending callbacks and microtasks have run. */
async function settledYet(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

test("FIRST_EXCEPTION returns on a future that raised, not on one that was cancelled", async () => {
  const cancelled = new Future<number>("cancelled");
  const failing = new Future<number>("failing");
  const ok = new Future<number>("ok");
  cancelled.cancel();
  const waiting = wait([cancelled, failing, ok], { returnWhen: "FIRST_EXCEPTION" });
  assert.equal(await settledYet(waiting), false, "a cancelled future is not an exception");
  futureInternals.reject(failing as Future<unknown>, new Error("boom"));
  const { done, notDone } = await waiting;
  assert.deepEqual([...done], [cancelled, failing]);
  assert.deepEqual([...notDone], [ok]);
});

test("FIRST_EXCEPTION with no future raising waits for all of them", async () => {
  const a = new Future<number>("a");
  const b = new Future<number>("b");
  const waiting = wait([a, b], { returnWhen: "FIRST_EXCEPTION" });
  a.cancel();
  assert.equal(await settledYet(waiting), false);
  futureInternals.resolve(b as Future<unknown>, 1);
  const { done, notDone } = await waiting;
  assert.equal(done.size, 2);
  assert.equal(notDone.size, 0);
});

test("FIRST_COMPLETED counts a cancelled future as completed", async () => {
  const a = new Future<number>("a");
  const b = new Future<number>("b");
  const waiting = wait([a, b], { returnWhen: "FIRST_COMPLETED" });
  a.cancel();
  const { done } = await waiting;
  assert.deepEqual([...done], [a]);
  b.cancel();
});
