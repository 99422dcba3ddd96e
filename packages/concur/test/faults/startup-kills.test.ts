/**
 * Start-up failures: a module that can never start stops the pool at once (test/faults/crash.test.ts),
 * but workers killed from outside while they load are only bad luck: the pool backs off, tries
 * again, recovers when the kills stop, and says in stats() what happened.
 */
import { test } from "node:test";
import { childPids, snapshot } from "../helpers/leaks.js";
import { assert, settlesWithin, withPool } from "./helpers.js";

type Slow = typeof import("../fixtures/slow-import.js");
const slowUrl = new URL("../fixtures/slow-import.ts", import.meta.url);

test("process pool: three workers killed while loading do not break the pool", async () => {
  const outside = new Set(snapshot().children);
  await withPool<Slow>(
    "process",
    { maxWorkers: 1 },
    async (pool) => {
      const first = pool.submit("inc", 1);
      const killed = new Set<number>();
      // Each worker takes about a second to load its module: kill it while it does, three times.
      while (killed.size < 3) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        for (const pid of childPids()) {
          if (outside.has(pid) || killed.has(pid)) continue;
          killed.add(pid);
          process.kill(pid, "SIGKILL");
        }
        assert.equal(first.done(), false, `the first task settled early: ${first.state}`);
      }
      assert.equal(await settlesWithin(first, 60_000, "the first task"), 2, "the first task still runs");
      assert.equal(await pool.submit("inc", 2), 3, "and so do later ones");
      const stats = pool.stats();
      assert.equal(stats.workerStartFailures, 3);
      assert.match(String(stats.lastStartFailure), /SIGKILL/);
    },
    slowUrl,
  );
});
