/**
 * A SIGKILL storm: worker processes killed from outside, mid-task, while the pool is under load.
 * Every future settles exactly once; a task rejected as crashed had really started (its log line),
 * at most twice (the tiny-task exception, below); every other task succeeds with its own result.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { Future } from "../../src/index.js";
import { childPids, snapshot } from "../helpers/leaks.js";
import { assert, isCrash, settlesWithin, withPool } from "./helpers.js";

const TASKS = 240;
const KILLS = 12;

interface Start {
  pid: number;
  id: number;
  endsAt: number;
}

function readLog(file: string): Start[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("s "))
    .map((line) => {
      const [, pid, id, endsAt] = line.split(" ").map(Number);
      return { pid: pid!, id: id!, endsAt: endsAt! };
    });
}

test("process pool: a SIGKILL storm fails only tasks that were running, each once", async () => {
  const dir = mkdtempSync(join(os.tmpdir(), "concur-storm-"));
  const log = join(dir, "starts.log");
  writeFileSync(log, "");
  const outside = new Set(snapshot().children);
  try {
    await withPool("process", { maxWorkers: 2 }, async (pool) => {
      const futures: Future<number>[] = [];
      const calls = new Map<number, number>();
      for (let id = 1; id <= TASKS; id++) {
        // Mostly short tasks (their results are held back in the worker), every fourth long
        // enough to be killed in the middle of.
        const future = pool.submit("logged", id, id % 4 === 0 ? 40 : 1, log);
        calls.set(id, 0);
        future.addDoneCallback(() => calls.set(id, calls.get(id)! + 1));
        futures.push(future);
      }
      const all = Promise.allSettled(futures);
      let done = false;
      void all.then(() => (done = true));
      const killed = new Set<number>();
      /** Kills sent once their target had run its course: they may land in the next task's start. */
      let lateKills = 0;
      // Kill only a worker seen in the middle of a task with time left, so each kill lands inside
      // a task that has written its log line (the check below relies on that line).
      while (!done && killed.size < KILLS) {
        await new Promise((resolve) => setTimeout(resolve, 15));
        const now = Date.now();
        const workers = new Set(childPids().filter((pid) => !outside.has(pid)));
        const target = readLog(log)
          .reverse()
          .find((start) => workers.has(start.pid) && start.endsAt - now > 15 && !killed.has(start.id));
        if (!target) continue;
        killed.add(target.id);
        try {
          process.kill(target.pid, "SIGKILL");
        } catch {
          // it ended meanwhile
        }
        // On a loaded machine this process may lose the CPU between reading the log and the kill;
        // then the target has ended, and the worker may have started the next task (so it is that
        // task's crash, rightly) before that task wrote its log line.
        if (Date.now() >= target.endsAt) lateKills++;
      }
      const settled = await settlesWithin(all, 120_000, "every task of the storm");
      const starts = readLog(log);
      let crashes = 0;
      let unlogged = 0;
      settled.forEach((result, i) => {
        const id = i + 1;
        const runs = starts.filter((start) => start.id === id).length;
        if (result.status === "fulfilled") {
          assert.equal(result.value, id * 2);
          return;
        }
        crashes++;
        assert.ok(isCrash(result.reason), `task ${id} failed with ${String(result.reason)}`);
        // It must have started. Once, unless its first run was in a tiny-task batch: a process
        // worker records such a batch as "unsure", so a kill there blames no one and the batch runs
        // again as suspects, recorded exactly; a kill in that second run blames the task
        // (docs/design.md, "running slot": the documented exception, at most twice).
        // A crash with no log line is allowed only where a kill came late (above), one per late kill.
        if (runs === 0) unlogged++;
        assert.ok(
          runs <= 2 && unlogged <= lateKills,
          `task ${id} was rejected as crashed: it must have started, at most twice (ran ${runs} times; ` +
            `${unlogged} unlogged crashes, ${lateKills} kills sent after their target ended)`,
        );
      });
      for (const [id, count] of calls) assert.equal(count, 1, `task ${id} settled ${count} times`);
      assert.ok(crashes > 0 && crashes <= killed.size, `${crashes} crashes for ${killed.size} kills`);
      const stats = pool.stats();
      assert.equal(stats.completed + stats.failed, TASKS);
      assert.equal(stats.failed, crashes);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
