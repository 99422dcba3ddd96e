/**
 * Cancelling a running task that ignores its signal stops its worker after cancelGracePeriod,
 * also when the worker holds finished results back (the main side then cannot tell from the
 * order of its tasks which one runs), and only the cancelled task is lost.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { CancelledError } from "../../src/index.js";
import { POOL_KINDS, assert, settlesWithin, withPool } from "./helpers.js";

/** Resolves once `log` holds a start line for task `id` (see fault-tasks.ts `logged`). */
async function started(log: string, id: number): Promise<void> {
  const line = new RegExp(`^s \\d+ ${id} `, "m");
  while (!line.test(readFileSync(log, "utf8"))) await new Promise((resolve) => setTimeout(resolve, 10));
}

for (const kind of POOL_KINDS) {
  describe(`${kind} pool: cancel behind held results`, () => {
    test("a cancelled sync task that ignores its signal loses its worker; the tasks around it resolve", async () => {
      const dir = mkdtempSync(join(os.tmpdir(), "concur-cancel-"));
      const log = join(dir, "starts.log");
      writeFileSync(log, "");
      try {
        await withPool(kind, { maxWorkers: 1, cancelGracePeriod: 200 }, async (pool) => {
          // One tick, one batch: inc(1..5) finish in microseconds and, with two tasks still to
          // come, their results wait to share a message, while logged(3) spins for 30 s without
          // looking at its signal. inc(6) waits behind it.
          const before = [1, 2, 3, 4, 5].map((n) => pool.submit("inc", n));
          const stuck = pool.submit("logged", 3, 30_000, log);
          const after = pool.submit("inc", 6);
          await settlesWithin(started(log, 3), 20_000, "the spinning task's start");
          const cancelledAt = Date.now();
          assert.equal(stuck.cancel("test"), true);
          await assert.rejects(stuck, CancelledError);
          // Before the fix, no kill timer started: these waited the full 30 s behind the spin.
          assert.deepEqual(
            await settlesWithin(
              Promise.all([...before, after]),
              10_000,
              "the tasks around the cancelled one",
            ),
            [2, 3, 4, 5, 6, 7],
          );
          assert.ok(Date.now() - cancelledAt < 10_000);
          assert.equal(await pool.submit("inc", 41), 42);
          const stats = pool.stats();
          assert.equal(stats.workersCrashed, 0, "a kill for a cancel is not a crash");
          assert.equal(stats.workersStarted, 2, "the stuck worker was replaced");
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test("cancelling a task queued behind a long task that is not cancelled kills nothing", async () => {
      const dir = mkdtempSync(join(os.tmpdir(), "concur-cancel-"));
      const log = join(dir, "starts.log");
      writeFileSync(log, "");
      try {
        await withPool(kind, { maxWorkers: 1, cancelGracePeriod: 100 }, async (pool) => {
          // Long first, so the slot records it exactly (no tiny tasks before it).
          const long = pool.submit("logged", 1, 1_500, log);
          const queued = pool.submit("logged", 2, 10, log);
          await settlesWithin(started(log, 1), 20_000, "the long task's start");
          queued.cancel("test");
          await assert.rejects(queued, CancelledError);
          assert.equal(await long, 2, "the running task was not killed for its neighbour's cancel");
          const stats = pool.stats();
          assert.equal(stats.workersStarted, 1);
          assert.ok(!/^s \d+ 2 /m.test(readFileSync(log, "utf8")), "the cancelled task never started");
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
