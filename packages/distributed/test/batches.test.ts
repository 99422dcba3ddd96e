/**
 * Submits coalesced into batches (DistributedExecutorOptions.coalesceSubmits), seen in Redis: what
 * travels together and what does not, and a cancelled member that must not run even on a worker
 * that starts after the cancel. The batches' faults are in faults.test.ts and chaos.test.ts.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CancelledError } from "concur";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { DistributedExecutor, runWorker } from "../src/index.js";
import type { JobData } from "../src/protocol/job-data.js";
import {
  connectForTest,
  deleteUnder,
  redisUrl,
  tasksUrl,
  uniquePrefix,
  until,
  type Tasks,
} from "./helpers/redis.js";

const prefix = uniquePrefix("batches");
let redis: Redis;

before(async () => {
  redis = await connectForTest();
});

after(async () => {
  if (redis) {
    await deleteUnder(redis, prefix);
    redis.disconnect();
  }
});

/** The data of every job waiting in `queue` (no worker serves it). */
async function waiting(queue: string, expected: number): Promise<JobData[]> {
  await until(
    async () => (await redis.llen(`${prefix}:${queue}:wait`)) === expected,
    10_000,
    `${expected} jobs queued`,
  );
  const q = new Queue(queue, { connection: redis.duplicate(), prefix });
  try {
    return (await q.getWaiting(0, -1)).map((job) => job.data as JobData);
  } finally {
    await q.close();
    await q.disconnect();
  }
}

/**
 * An executor on `queue` whose disposal cancels what is still pending: a failed assertion must
 * not leave the test waiting for tasks no worker will run.
 */
function executorOn(queue: string, extra: { coalesceSubmits?: boolean } = {}): DistributedExecutor<Tasks> {
  const ex = new DistributedExecutor<Tasks>(tasksUrl, { connection: redisUrl, prefix, queue, ...extra });
  return Object.assign(ex, { [Symbol.asyncDispose]: () => ex.shutdown({ cancelFutures: true }) });
}

describe("coalesced submits", () => {
  test("many submits of one turn travel in batches; few, timed or non-JSON ones go one job each", async () => {
    await using ex = executorOn("grouping");
    const many = Array.from({ length: 64 }, (_, i) => ex.submit("add", i, 1));
    // A job takes a 16th of the tasks left, at most 8 (the first chunk size): 4, 3, … 2, then
    // the last 31 tasks one job each.
    const jobs = await waiting("grouping", 44);
    const batches = jobs.filter((data) => data.b !== undefined);
    assert.deepEqual(
      batches.map((data) => data.b!.length),
      [4, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2],
    );
    assert.ok(batches.every((data) => data.v === 3));
    assert.equal(new Set(batches.flatMap((data) => data.b)).size, 33, "each task in one batch");
    assert.deepEqual(JSON.parse(batches.find((data) => data.b?.[0]?.endsWith("-1"))!.a), [
      [0, 1],
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    const few = Array.from({ length: 31 }, (_, i) => ex.submit("add", i, 2));
    const timed = Array.from({ length: 40 }, (_, i) => ex.with({ timeout: 60_000 }).submit("add", i, 3));
    const dates = Array.from({ length: 40 }, () => ex.submit("identity", new Date(0)));
    const singles = (await waiting("grouping", 44 + 31 + 40 + 40)).filter((data) => data.b === undefined);
    assert.equal(singles.length, 31 + 31 + 40 + 40);
    assert.ok(singles.every((data) => data.v === 2));
    await ex.shutdown({ cancelFutures: true });
    for (const future of [...many, ...few, ...timed, ...dates]) await assert.rejects(future, CancelledError);
  });

  test("a task's batch size comes from its own run times, not another task's", async () => {
    // Regression: one sizer served every task, so after many tiny `inc`s a burst of slow tasks
    // went 125 to a job (a 16th of 2,000) onto whichever machine took it first.
    const worker = await runWorker({
      connection: redisUrl,
      module: tasksUrl,
      prefix,
      queue: "sizes",
      executor: "async",
    });
    await using ex = executorOn("sizes");
    try {
      for await (const value of ex.map(
        "inc",
        Array.from({ length: 4_000 }, (_, i) => i),
      ))
        void value;
    } finally {
      await worker.close();
    }
    const slow = Array.from({ length: 2_000 }, (_, i) => ex.submit("slowInc", i, 1));
    let queued = -1;
    await until(
      async () => queued === (queued = await redis.llen(`${prefix}:sizes:wait`)) && queued > 0,
      10_000,
      "the burst to be queued",
    );
    const sizes = (await waiting("sizes", queued)).map((data) => data.b?.length ?? 1);
    assert.equal(Math.max(...sizes), 8, "slowInc's batches: at most the first chunk size, 8");
    await ex.shutdown({ cancelFutures: true });
    await Promise.allSettled(slow);
  });

  test("coalesceSubmits: false sends one job per task; a value that is not a boolean is refused", async () => {
    await using ex = executorOn("one-each", { coalesceSubmits: false });
    const futures = Array.from({ length: 64 }, (_, i) => ex.submit("add", i, 1));
    assert.ok((await waiting("one-each", 64)).every((data) => data.b === undefined));
    await ex.shutdown({ cancelFutures: true });
    await Promise.allSettled(futures);
    assert.throws(
      () =>
        new DistributedExecutor<Tasks>(tasksUrl, { connection: redisUrl, coalesceSubmits: "yes" as never }),
      /coalesceSubmits must be true or false/,
    );
  });

  test("a cancelled task of a queued batch never runs, even on a worker started after the cancel", async () => {
    await using ex = executorOn("late");
    const futures = Array.from({ length: 64 }, (_, i) => ex.submit("slowInc", i, 10));
    await waiting("late", 44);
    // Tasks 0–3 and 19–20 ride in batches (see above).
    assert.equal(futures[3]!.cancel(), true);
    assert.equal(futures[20]!.cancel(), true);
    await assert.rejects(futures[3]!, CancelledError);
    await assert.rejects(futures[20]!, CancelledError);
    const hash = `${prefix}:late:concur:cancelled:${ex.id}`;
    await until(async () => (await redis.hlen(hash)) === 2, 5_000, "the cancels to be marked");
    assert.ok((await redis.pttl(hash)) > 0, "the mark has a TTL");
    // Started after the cancel's message went out: only the mark in Redis can tell it.
    const worker = await runWorker({
      connection: redisUrl,
      module: tasksUrl,
      prefix,
      queue: "late",
      executor: "async",
    });
    try {
      const rest = await Promise.all(futures.filter((_, i) => i !== 3 && i !== 20));
      assert.deepEqual(
        rest,
        Array.from({ length: 64 }, (_, i) => i + 1).filter((n) => n !== 4 && n !== 21),
      );
      await until(
        async () =>
          (await redis.llen(`${prefix}:late:wait`)) + (await redis.llen(`${prefix}:late:active`)) === 0,
        5_000,
        "the batches to complete",
      );
      // A cancelled task that ran would have sent a result for a settled future.
      assert.equal(ex.duplicateResults, 0);
      assert.equal(worker.completed, 62);
    } finally {
      await worker.close();
    }
  });
});
