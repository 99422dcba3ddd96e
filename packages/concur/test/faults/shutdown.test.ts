/**
 * shutdown() never hangs, whatever happened to the tasks before it (CPython's bpo-39104: a task
 * refused because its arguments cannot be sent left shutdown waiting forever).
 */
import { describe, test } from "node:test";
import { NotSerializableError } from "../../src/index.js";
import { POOL_KINDS, assert, makePool, settlesWithin } from "./helpers.js";
import { assertNoLeaks, snapshot } from "../helpers/leaks.js";

for (const kind of POOL_KINDS) {
  describe(`${kind} pool: shutdown after faults`, () => {
    test("a task refused as not serializable does not make shutdown hang", async () => {
      const before = snapshot();
      const pool = makePool(kind, { maxWorkers: 1 });
      try {
        // Shut down while the task waits for the worker to start: it is refused at dispatch.
        const refused = pool.submit("call", () => 1);
        const closing = pool.shutdown();
        await assert.rejects(refused, NotSerializableError);
        await settlesWithin(closing, 20_000, "shutdown()");
      } finally {
        await pool.shutdown({ cancelFutures: true, timeout: 1000 }).catch(() => undefined);
      }
      await assertNoLeaks(before, kind);
    });

    test("a refused task among others: the others run, and shutdown resolves", async () => {
      const before = snapshot();
      const pool = makePool(kind, { maxWorkers: 1 });
      const good = [pool.submit("inc", 1), pool.submit("inc", 2)];
      const bad = pool.submit("call", () => 1);
      const more = pool.submit("inc", 3);
      const closing = pool.shutdown();
      await assert.rejects(bad, NotSerializableError);
      assert.deepEqual(await Promise.all([...good, more]), [2, 3, 4]);
      await settlesWithin(closing, 20_000, "shutdown()");
      await assertNoLeaks(before, kind);
    });
  });
}
