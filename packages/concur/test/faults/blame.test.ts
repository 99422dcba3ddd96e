/**
 * Crash accounting: when a worker dies, exactly the task it was running fails, once; tasks it
 * finished but had not reported yet, and tasks it had not started, run (again) elsewhere.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { Future } from "../../src/index.js";
import { POOL_KINDS, assert, isCrash, withPool } from "./helpers.js";

for (const kind of POOL_KINDS) {
  describe(`${kind} pool: crash blame`, () => {
    test("a task that exits its worker fails alone and runs once; the tasks around it succeed", () =>
      withPool(kind, { maxWorkers: 1 }, async (pool) => {
        // All in one tick: the worker gets them as one batch, finishes inc(1..5) and holds their
        // results back when exitWith(7) ends it.
        const before: Future<number>[] = [];
        for (let n = 1; n <= 5; n++) before.push(pool.submit("inc", n));
        const dying = pool.submit("exitWith", 7);
        const after: Future<number>[] = [];
        for (let n = 6; n <= 8; n++) after.push(pool.submit("inc", n));
        const settled = await Promise.allSettled([...before, dying, ...after]);
        const values = settled.map((s) => (s.status === "fulfilled" ? s.value : s.reason));
        assert.deepEqual(values.slice(0, 5), [2, 3, 4, 5, 6], "finished tasks are not blamed");
        assert.deepEqual(values.slice(6), [7, 8, 9], "tasks after the crash run elsewhere");
        const crash = values[5];
        assert.ok(isCrash(crash), `the exiting task fails with WorkerCrashedError, got ${String(crash)}`);
        assert.equal(crash.exitCode, 7);
        const stats = pool.stats();
        assert.equal(stats.workersCrashed, 1, "the deadly task is not run again");
        assert.equal(stats.workersStarted, 2);
        assert.equal(stats.failed, 1);
        assert.equal(stats.completed, 8);
      }));

    test("tasks run again after their worker died run as their next attempt; unstarted ones as 1", () =>
      withLog(async (log) =>
        withPool(kind, { maxWorkers: 1 }, async (pool) => {
          // One batch, as above: ids 1-5 finish and (usually) hold their results when exitWith
          // ends the worker, so they run again; 6-8 had not started.
          const before = [1, 2, 3, 4, 5].map((id) => pool.submit("loggedAttempt", id, log));
          const dying = pool.submit("exitWith", 7);
          const after = [6, 7, 8].map((id) => pool.submit("loggedAttempt", id, log));
          const values = await Promise.all([...before, ...after]);
          await assert.rejects(dying, isCrash);
          const runs = attemptsById(log);
          [1, 2, 3, 4, 5, 6, 7, 8].forEach((id, i) => {
            const seen = runs.get(id) ?? [];
            // Each run sees its own number (1, then 2), and the future has the last run's.
            assert.deepEqual(seen, seen.length === 2 ? [1, 2] : [1], `task ${id} ran as ${seen.join(", ")}`);
            assert.equal(values[i], seen.at(-1), `task ${id}'s result comes from its last run`);
          });
          for (const id of [6, 7, 8]) assert.deepEqual(runs.get(id), [1], `task ${id} had not started`);
        }),
      ));

    test("a deadly task submitted alone fails once, without a retry", () =>
      withPool(kind, { maxWorkers: 2 }, async (pool) => {
        const results = await Promise.allSettled([pool.submit("exitWith", 9), pool.submit("exitWith", 9)]);
        for (const result of results) assert.ok(result.status === "rejected" && isCrash(result.reason));
        assert.equal(pool.stats().workersCrashed, 2);
        assert.equal(await pool.submit("inc", 1), 2);
      }));
  });
}

test("process pool: a tiny task that SIGKILLs its worker is re-run once, recorded exactly, then fails", async () => {
  const dir = mkdtempSync(join(os.tmpdir(), "concur-blame-"));
  const log = join(dir, "starts.log");
  writeFileSync(log, "");
  try {
    await withPool("process", { maxWorkers: 1 }, async (pool) => {
      // Tiny tasks: the worker does not pay a write per task, so the first death leaves it unsure
      // which task it was running; the suspects run again with exact records, and the second
      // death names the culprit.
      const before = [1, 2, 3].map((n) => pool.submit("inc", n));
      const killer = pool.submit("killSelf", log);
      const after = [4, 5, 6].map((n) => pool.submit("inc", n));
      const reason = await killer.then(
        () => undefined,
        (error: unknown) => error,
      );
      assert.ok(isCrash(reason), `the killer fails with WorkerCrashedError, got ${String(reason)}`);
      assert.equal(reason.signal, "SIGKILL");
      assert.deepEqual(await Promise.all([...before, ...after]), [2, 3, 4, 5, 6, 7]);
      const runs = readFileSync(log, "utf8").split("\n").filter(Boolean).length;
      assert.ok(runs >= 1 && runs <= 2, `the killer ran ${runs} times`);
      assert.equal(pool.stats().failed, 1);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("process pool: a suspect run again after a SIGKILL sees attempt 2", () =>
  withLog(async (log) =>
    withPool("process", { maxWorkers: 1 }, async (pool) => {
      // As above: tiny tasks leave the worker unsure, so the killer may run twice; its second
      // run may have been preceded by a first, and says so.
      const before = [1, 2, 3].map((n) => pool.submit("inc", n));
      await assert.rejects(pool.submit("killSelfWithAttempt", log), isCrash);
      await Promise.all(before);
      const attempts = readFileSync(log, "utf8").split("\n").filter(Boolean);
      assert.ok(
        ["a 1", "a 1,a 2"].includes(attempts.join(",")),
        `the killer's runs saw attempts ${attempts.join(", ")}`,
      );
    }),
  ));

/** Runs `body` with an empty log file in a temporary folder, removed afterwards. */
async function withLog(body: (log: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), "concur-attempt-"));
  const log = join(dir, "runs.log");
  writeFileSync(log, "");
  try {
    await body(log);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The attempts each id's runs saw, in order, from `loggedAttempt`'s log. */
function attemptsById(log: string): Map<number, number[]> {
  const runs = new Map<number, number[]>();
  for (const line of readFileSync(log, "utf8").split("\n").filter(Boolean)) {
    const [, id, attempt] = line.split(" ").map(Number);
    runs.set(id!, [...(runs.get(id!) ?? []), attempt!]);
  }
  return runs;
}
