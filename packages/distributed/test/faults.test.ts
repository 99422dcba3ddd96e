/**
 * Machines dying: `concur worker` processes killed with SIGKILL mid-task, a task that kills
 * every worker it lands on, SIGTERM's graceful stop, and a submitter that dies. Workers run with
 * a 2 s lock and a 2 s stalled check, so a dead machine's jobs come back within about
 * 2 + 2 s + the task's time (BullMQ's defaults, 30 s + 30 s, are why the executor's default is 5 s + 5 s).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { WorkerCrashedError } from "concur";
import type { Redis } from "ioredis";
import { DistributedExecutor, readStatus } from "../src/index.js";
import { startWorkerProcess, stopProcess, type WorkerProcess } from "./helpers/processes.js";
import {
  connectForTest,
  deleteUnder,
  isQueueStructureKey,
  keysWithoutTtl,
  redisUrl,
  tasksUrl,
  uniquePrefix,
  until,
  type Tasks,
} from "./helpers/redis.js";

let redis: Redis;
const prefixes: string[] = [];
const processes: WorkerProcess[] = [];

function prefixFor(label: string): string {
  const prefix = uniquePrefix(label);
  prefixes.push(prefix);
  return prefix;
}

async function worker(prefix: string, extra: string[] = []): Promise<WorkerProcess> {
  const started = await startWorkerProcess(redisUrl, prefix, extra);
  processes.push(started);
  return started;
}

/**
 * Keeps one worker alive, as a supervisor (systemd, Kubernetes) would restart it, until `future`
 * settles; fails once `most` workers were started. Its outcome (the value, or the error), and how
 * many workers it took.
 */
async function superviseUntilSettled(
  prefix: string,
  future: Promise<unknown>,
  most: number,
  extra: string[],
): Promise<{ outcome: unknown; spawned: number }> {
  let outcome: unknown;
  void future.then(
    () => (outcome = "resolved"),
    (error: unknown) => (outcome = error),
  );
  let spawned = 0;
  while (outcome === undefined) {
    assert.ok(spawned < most, "the task should stop being retried");
    const current = await worker(prefix, extra);
    spawned++;
    await Promise.race([current.exited, future.catch(() => undefined)]);
  }
  return { outcome, spawned };
}

before(async () => {
  redis = await connectForTest();
});

after(async () => {
  await Promise.all(processes.map((p) => stopProcess(p)));
  for (const prefix of prefixes) await deleteUnder(redis, prefix);
  redis?.disconnect();
});

describe("distributed faults", () => {
  test(
    "a worker killed mid-task: its jobs finish on the other worker, each future once",
    { timeout: 90_000 },
    async () => {
      const prefix = prefixFor("kill");
      const a = await worker(prefix, ["--executor", "async", "--concurrency", "3"]);
      const b = await worker(prefix, ["--executor", "async", "--concurrency", "3"]);
      await using ex = new DistributedExecutor<Tasks>(tasksUrl, { connection: redisUrl, prefix });
      const futures = Array.from({ length: 6 }, (_, i) => ex.submit("slowInc", i, 3_000));
      await until(
        async () => (await redis.llen(`${prefix}:tasks:active`)) === 6,
        20_000,
        "both workers to be busy",
      );
      const killedAt = Date.now();
      await stopProcess(a, "SIGKILL");
      assert.deepEqual(await Promise.all(futures), [1, 2, 3, 4, 5, 6]);
      // lock 2 s + stalled check 2 s + the task's 3 s, plus slack for two busy shared cores.
      assert.ok(Date.now() - killedAt < 30_000, "recovered within the documented bound");
      void b;
    },
  );

  test(
    "a job taken back from a SIGKILLed worker runs as attempt 2, in a process on the next worker",
    { timeout: 90_000 },
    async () => {
      const prefix = prefixFor("attempt");
      const a = await worker(prefix, ["--executor", "async"]);
      await using ex = new DistributedExecutor<Tasks>(tasksUrl, { connection: redisUrl, prefix });
      const future = ex.submit("slowAttempt", 3_000);
      await until(async () => (await redis.llen(`${prefix}:tasks:active`)) === 1, 20_000, "the job to start");
      await stopProcess(a, "SIGKILL");
      // Started only now, so the job's second run is on it: the number crosses its process pool.
      await worker(prefix, ["--executor", "process", "--workers", "1"]);
      assert.equal(await future, 2, "the run after the take-back knows it is the second");
      assert.equal(await ex.submit("slowAttempt", 0), 1, "a new job starts at 1");
    },
  );

  test(
    "a task that kills every worker it runs on fails with WorkerCrashedError after 2 deaths",
    // Regression: a worker used to take jobs before announcing "serving queue", so this task
    // killed it before the harness saw it start (3 runs in 4 under load).
    { timeout: 120_000 },
    async () => {
      const prefix = prefixFor("crash");
      await using ex = new DistributedExecutor<Tasks>(tasksUrl, { connection: redisUrl, prefix });
      const future = ex.submit("killProcess");
      const { outcome, spawned } = await superviseUntilSettled(prefix, future, 5, [
        "--executor",
        "async",
        "--max-crashes",
        "2",
      ]);
      assert.ok(outcome instanceof WorkerCrashedError, String(outcome));
      assert.match((outcome as Error).message, /killProcess.*died, 2 times/);
      assert.equal(spawned, 3, "two deaths, then a third worker fails the job");
    },
  );

  test(
    "a batch whose worker is SIGKILLed comes back one job per task: each runs as attempt 2, each future once",
    { timeout: 90_000 },
    async () => {
      const prefix = prefixFor("batch-kill");
      const a = await worker(prefix, ["--executor", "async", "--concurrency", "2"]);
      await using ex = new DistributedExecutor<Tasks>(tasksUrl, { connection: redisUrl, prefix });
      // 64 in one turn: the first two jobs are batches of 4 and 3 (see batches.test.ts).
      const futures = Array.from({ length: 64 }, () => ex.submit("slowAttempt", 2_000));
      await until(
        async () => (await redis.llen(`${prefix}:tasks:active`)) === 2,
        20_000,
        "the worker to hold two batches",
      );
      assert.ok((await redis.llen(`${prefix}:tasks:wait`)) >= 10, "the other tasks wait in batches");
      await stopProcess(a, "SIGKILL");
      await worker(prefix, ["--executor", "async", "--concurrency", "32"]);
      const attempts = await Promise.all(futures);
      assert.equal(attempts.filter((n) => n === 2).length, 7, "the 7 tasks of the two batches ran again");
      assert.equal(attempts.filter((n) => n === 1).length, 57);
      assert.equal(ex.duplicateResults, 0);
    },
  );

  test(
    "a task that kills its worker, in a batch, fails alone with WorkerCrashedError; its batchmates finish",
    { timeout: 120_000 },
    async () => {
      const prefix = prefixFor("batch-crash");
      await using ex = new DistributedExecutor<Tasks>(tasksUrl, { connection: redisUrl, prefix });
      // 32 in one turn: the first job is a batch of tasks 0 and 1 (the rest go one job each);
      // task 1 kills its worker 100 ms in, while task 0 runs beside it.
      const futures = Array.from({ length: 32 }, (_, i) => ex.submit("killIf", i, 1, 600));
      const { outcome, spawned } = await superviseUntilSettled(prefix, futures[1]!, 6, [
        "--executor",
        "async",
        "--concurrency",
        "1",
        "--max-crashes",
        "2",
      ]);
      assert.ok(outcome instanceof WorkerCrashedError, String(outcome));
      // Its batch's death, then two of its own: the batch was split on its second run.
      assert.match((outcome as Error).message, /killIf.*died, 3 times/);
      assert.equal(spawned, 4, "three deaths, then a fourth worker fails the task");
      const others = await Promise.all(futures.filter((_, i) => i !== 1));
      assert.deepEqual(
        others,
        Array.from({ length: 32 }, (_, i) => i + 1).filter((n) => n !== 2),
        "its batchmate, which died with it once, and every other task finish",
      );
    },
  );

  test(
    "SIGTERM: the worker finishes its running job, leaves `concur status`, and exits 0",
    { timeout: 60_000 },
    async () => {
      const prefix = prefixFor("term");
      const w = await worker(prefix, ["--executor", "thread", "--workers", "1"]);
      await using ex = new DistributedExecutor<Tasks>(tasksUrl, { connection: redisUrl, prefix });
      const status = await readStatus({ connection: redisUrl, prefix });
      assert.equal(status.workers.length, 1);
      assert.equal(status.workers[0]!.executor, "thread");
      const future = ex.submit("slowInc", 41, 1_500);
      await until(async () => (await redis.llen(`${prefix}:tasks:active`)) === 1, 20_000, "the job to start");
      w.child.kill("SIGTERM");
      assert.equal(await future, 42);
      assert.equal(await w.exited, 0);
      assert.equal((await readStatus({ connection: redisUrl, prefix })).workers.length, 0);
    },
  );

  test(
    "a submitter that dies: its queued jobs are dropped, nothing is left without a TTL",
    { timeout: 60_000 },
    async () => {
      const prefix = prefixFor("orphan");
      const script = `
      import { DistributedExecutor } from ${JSON.stringify(new URL("../src/index.ts", import.meta.url).href)};
      const ex = new DistributedExecutor(${JSON.stringify(tasksUrl.href)}, { connection: ${JSON.stringify(redisUrl)}, prefix: ${JSON.stringify(prefix)}, livenessTtl: 1500 });
      await Promise.all(Array.from({ length: 3 }, (_, i) => ex.submit("inc", i)));
      for (let i = 0; i < 20; i++) ex.submit("slowInc", i, 10);
      setTimeout(() => { console.log("queued"); }, 500);
    `;
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      const exited = new Promise((resolve) => child.once("exit", resolve));
      // The first three need a worker to settle: one that runs only them, then goes.
      const first = await worker(prefix, ["--executor", "async"]);
      await new Promise<void>((resolve) =>
        child.stdout.on("data", (d: Buffer) => d.toString().includes("queued") && resolve()),
      );
      await stopProcess(first, "SIGTERM");
      child.kill("SIGKILL");
      await exited;
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // past the liveness TTL
      const second = await worker(prefix, ["--executor", "async"]);
      await until(
        async () => (await redis.llen(`${prefix}:tasks:wait`)) === 0,
        20_000,
        "the orphaned jobs to be dropped",
      );
      await stopProcess(second, "SIGTERM");
      const forever = (await keysWithoutTtl(redis, prefix)).filter((key) => !isQueueStructureKey(key));
      assert.deepEqual(forever, []);
    },
  );
});
