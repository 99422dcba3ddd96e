/**
 * DistributedExecutor against a real Redis, with workers (runWorker) in this process: values and
 * errors crossing, map chunking, a 10,000-task burst settling exactly once, cancel, timeouts,
 * and bad input failing fast with typed errors.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CancelledError,
  NotSerializableError,
  ProtocolError,
  TaskNotFoundError,
  TaskTimeoutError,
} from "concur";
import { queueKeys } from "../src/protocol/keys.js";
import { deserialize } from "node:v8";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import {
  DistributedExecutor,
  ModuleMismatchError,
  PayloadTooLargeError,
  RedisConnectionError,
  runWorker,
  type DistributedWorker,
} from "../src/index.js";
import {
  connectForTest,
  deleteUnder,
  isQueueStructureKey,
  keysUnder,
  keysWithoutTtl,
  redisUrl,
  tasksUrl,
  uniquePrefix,
  until,
  type Tasks,
} from "./helpers/redis.js";

const prefix = uniquePrefix("executor");
let redis: Redis;
let worker: DistributedWorker;

before(async () => {
  redis = await connectForTest();
  worker = await runWorker({
    connection: redisUrl,
    module: tasksUrl,
    prefix,
    executor: "thread",
    workers: 2,
    concurrency: 50,
  });
});

after(async () => {
  await worker?.close();
  if (redis) {
    await deleteUnder(redis, prefix);
    redis.disconnect();
  }
});

function executor(
  options: { maxPayloadBytes?: number; queue?: string; moduleVersion?: string } = {},
): DistributedExecutor<Tasks> {
  return new DistributedExecutor<Tasks>(tasksUrl, { connection: redisUrl, prefix, ...options });
}

describe("DistributedExecutor", () => {
  test("values cross with their structured-clone kinds", async () => {
    await using ex = executor();
    assert.equal(await ex.submit("add", 2, 3), 5);
    const value: Record<string, unknown> = {
      date: new Date(0),
      map: new Map<unknown, unknown>([[1, new Set(["a"])]]),
      big: 2n ** 70n,
      bytes: new Float64Array([1.5, -2]),
      missing: undefined,
      error: new TypeError("inside"),
    };
    value.self = value;
    const back = (await ex.submit("identity", value)) as Record<string, unknown>;
    assert.ok(back.date instanceof Date && back.date.getTime() === 0);
    assert.deepEqual(back.map, value.map);
    assert.equal(back.big, 2n ** 70n);
    assert.deepEqual(back.bytes, value.bytes);
    assert.ok("missing" in back && back.missing === undefined);
    assert.ok(back.error instanceof TypeError);
    assert.equal(back.self, back, "cycles survive");
  });

  test("a malformed result message for a pending job fails that task with ProtocolError, saying why", async () => {
    // No worker serves this queue: the job waits, and the message below is all it ever gets.
    await using ex = executor({ queue: "malformed" });
    const future = ex.submit("add", 1, 2);
    const waiting = `${prefix}:malformed:wait`;
    await until(async () => (await redis.llen(waiting)) > 0, 10_000, "the job is queued");
    const [jobId] = await redis.lrange(waiting, 0, 0);
    const message = JSON.stringify({ id: jobId, k: "ok", v: 3, ms: "soon" });
    await redis.lpush(queueKeys(prefix, "malformed").results(ex.id), message);
    await assert.rejects(future, (error: unknown) => {
      assert.ok(error instanceof ProtocolError, String(error));
      assert.match(
        error.message,
        new RegExp(`result message of job ${jobId} is malformed: its run time \\(ms\\) is soon`),
      );
      return true;
    });
    await new Queue("malformed", { connection: redis, prefix }).obliterate({ force: true });
  });

  test("a task's error is rebuilt with class, code, fields, cause and the worker's host", async () => {
    await using ex = executor();
    const error = (await ex.submit("fail", "boom").then(
      () => assert.fail("should reject"),
      (e: unknown) => e,
    )) as Error & { host: string; cause: RangeError & { code: string; detail: { n: number } } };
    assert.equal(error.message, "outer failure");
    assert.equal(typeof error.host, "string");
    assert.ok(error.cause instanceof RangeError);
    assert.equal(error.cause.code, "E_FIXTURE");
    assert.deepEqual(error.cause.detail, { n: 42 });
    assert.match(error.stack ?? "", /fail/);
  });

  test("bad arguments and task names fail with typed errors naming the task", async () => {
    await using ex = executor({ maxPayloadBytes: 1024 });
    await assert.rejects(ex.submit("identity", (() => 1) as never), (e: unknown) => {
      assert.ok(e instanceof NotSerializableError);
      assert.equal(e.task, "identity");
      return true;
    });
    await assert.rejects(ex.submit("identity", "x".repeat(5000)), (e: unknown) => {
      assert.ok(e instanceof PayloadTooLargeError);
      assert.match(e.message, /maxPayloadBytes \(1024\)/);
      return true;
    });
    await assert.rejects((ex.submit as (n: string) => Promise<unknown>)("nope"), (e: unknown) => {
      assert.ok(e instanceof TaskNotFoundError);
      assert.match((e as Error).message, /add/);
      return true;
    });
  });

  test(
    "10,000 tiny tasks through submit and through map each settle exactly once",
    { timeout: 240_000 },
    async () => {
      await using ex = executor();
      const n = 10_000;
      const futures = Array.from({ length: n }, (_, i) => ex.submit("inc", i));
      let settlements = 0;
      for (const future of futures) future.addDoneCallback(() => settlements++);
      const results = await Promise.all(futures);
      assert.deepEqual(
        results,
        Array.from({ length: n }, (_, i) => i + 1),
      );
      let i = 0;
      for await (const value of ex.map(
        "inc",
        Array.from({ length: n }, (_, k) => k),
      )) {
        assert.equal(value, i + 1);
        i++;
      }
      assert.equal(i, n);
      const stats = ex.stats();
      assert.equal(stats.kind, "distributed");
      assert.equal(stats.failed, 0);
      // A job may run twice (a worker too busy to renew its lock looks dead: at-least-once), but
      // no future settles twice.
      assert.equal(settlements, n);
    },
  );

  test("a running task is cancelled on its machine: its signal aborts, the future rejects at once", async () => {
    await using ex = executor();
    const future = ex.submit("waitForAbort", 30_000);
    await until(
      async () => (await redis.llen(`${prefix}:tasks:active`)) === 1,
      10_000,
      "a worker to take the job",
    );
    const started = Date.now();
    assert.equal(future.cancel(), true);
    await assert.rejects(future, CancelledError);
    assert.ok(Date.now() - started < 1_000, "rejects at once");
    // The remote task saw its signal abort and finished; a later task runs normally.
    assert.equal(await ex.submit("add", 1, 1), 2);
  });

  test("a per-task timeout rejects with TaskTimeoutError; a stuck thread is killed on its machine", async () => {
    await using ex = executor();
    await assert.rejects(ex.with({ timeout: 300 }).submit("spin", 60_000), TaskTimeoutError);
    // The worker's local pool replaced the spinning thread: new tasks still run.
    assert.equal(await ex.with({ timeout: 5_000 }).submit("add", 2, 2), 4);
  });

  test("a queued job that is cancelled is removed from Redis and never runs", async () => {
    // A queue no worker serves: the job stays queued.
    await using ex = executor({ queue: "unserved" });
    const future = ex.submit("add", 1, 2);
    await until(
      async () => (await redis.llen(`${prefix}:unserved:wait`)) === 1,
      5_000,
      "the job to be queued",
    );
    assert.equal(future.cancel(), true);
    await assert.rejects(future, CancelledError);
    await until(async () => (await redis.llen(`${prefix}:unserved:wait`)) === 0, 5_000, "the job's removal");
    assert.equal(
      (await keysUnder(redis, `${prefix}:unserved`)).filter((k) => /:unserved:[0-9a-f]{12}-\d+$/.test(k))
        .length,
      0,
    );
  });

  test("a worker refuses jobs of another task module, with a clear error on both sides", async () => {
    await using ex = executor({ moduleVersion: "2" });
    await assert.rejects(ex.submit("add", 1, 2), (e: unknown) => {
      assert.ok(e instanceof ModuleMismatchError);
      assert.match((e as Error).message, /refuses task "add".*version "2"/s);
      return true;
    });
  });

  test("a job of another protocol version gets an error its submitter can read, not silence", async () => {
    // What a submitter of @concur/distributed's protocol 1 queued: its result list named in `r`.
    const connection = redis.duplicate();
    const queue = new Queue(worker.queue, { connection, prefix });
    const resultKey = `${prefix}:old-submitter:results`;
    try {
      await queue.add(
        "add",
        { v: 1, a: "", r: resultKey, s: `${prefix}:old`, m: "x", ttl: 60_000 },
        { removeOnComplete: true, removeOnFail: true },
      );
      const reply = await redis.brpopBuffer(resultKey, 10);
      assert.ok(reply, "no answer on the old submitter's list");
      // Version 1 read V8's format only: the answer is in it.
      const message = deserialize(reply[1]) as { k: string; e: { message: string } };
      assert.equal(message.k, "err");
      assert.match(
        message.e.message,
        /protocol version 2 or 3 \(its version: 1\).*same @concur\/distributed version/,
      );
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  // A wrong password is tested in redis-server.test.ts, against a Redis with requirepass.
  test(
    "an unreachable Redis fails within seconds with RedisConnectionError",
    { timeout: 30_000 },
    async () => {
      for (const connection of ["redis://127.0.0.1:1"]) {
        const started = Date.now();
        const ex = new DistributedExecutor<Tasks>(tasksUrl, { connection, prefix, connectTimeout: 2_000 });
        await assert.rejects(ex.submit("add", 1, 2), (e: unknown) => {
          assert.ok(e instanceof RedisConnectionError, String(e));
          assert.ok(!(e as Error).message.includes("wrong-password"), "the password is not shown");
          return true;
        });
        assert.ok(Date.now() - started < 10_000);
        await ex.shutdown();
        const started2 = Date.now();
        await assert.rejects(
          runWorker({ connection, module: tasksUrl, prefix, executor: "async", connectTimeout: 2_000 }),
          RedisConnectionError,
        );
        assert.ok(Date.now() - started2 < 10_000);
      }
    },
  );

  test("after shutdown nothing of the executor is left in Redis without a TTL", async () => {
    const ex = executor();
    await Promise.all(Array.from({ length: 50 }, (_, i) => ex.submit("inc", i)));
    await ex.shutdown();
    const forever = (await keysWithoutTtl(redis, prefix)).filter(
      (key) => !isQueueStructureKey(key) && !key.includes(":concur:worker:"),
    );
    assert.deepEqual(forever, []);
    assert.deepEqual(
      (await keysUnder(redis, prefix)).filter((key) => key.includes(ex.id)),
      [],
    );
  });
});
