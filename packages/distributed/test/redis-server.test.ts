/**
 * Against a redis-server of the test's own (AOF on, in a temporary directory): a kill -9 and
 * restart mid-run loses and doubles nothing, and a wrong password fails fast.
 *
 * While Redis is down, submit does not throw: tasks wait in the connection's offline queue and
 * are sent when Redis is back, for up to ~20 s of reconnect attempts, after which their futures
 * reject with RedisConnectionError.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { DistributedExecutor, RedisConnectionError, runWorker } from "../src/index.js";
import { OwnRedis } from "./helpers/processes.js";
import { tasksUrl, uniquePrefix, within, type Tasks } from "./helpers/redis.js";

const servers: OwnRedis[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

describe("an own redis-server", () => {
  test(
    "kill -9 and restart of Redis mid-run: every future settles once with its value",
    { timeout: 120_000 },
    async () => {
      const server = await OwnRedis.start();
      servers.push(server);
      const prefix = uniquePrefix("restart");
      const worker = await runWorker({
        connection: server.url,
        module: tasksUrl,
        prefix,
        executor: "async",
        concurrency: 20,
        lockDuration: 2_000,
        stalledInterval: 2_000,
        log: () => undefined,
      });
      try {
        await using ex = new DistributedExecutor<Tasks>(tasksUrl, {
          connection: server.url,
          prefix,
          reconcileAfter: 3_000,
        });
        const before = Array.from({ length: 200 }, (_, i) => ex.submit("slowInc", i, 20));
        while (before.filter((f) => f.done()).length < 20)
          await new Promise((resolve) => setTimeout(resolve, 20));
        await server.kill();
        const doneAtKill = before.filter((f) => f.done()).length;
        assert.ok(doneAtKill < 200, `Redis was killed mid-run (${doneAtKill} of 200 done)`);
        // Submitted while Redis is down: held until it is back.
        const during = Array.from({ length: 20 }, (_, i) => ex.submit("slowInc", 1000 + i, 5));
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await server.restart();
        const all = [...before, ...during];
        const results = await within(
          Promise.all(all),
          90_000,
          () =>
            `tasks ${all.flatMap((f, i) => (f.done() ? [] : [i])).join(", ")} still pending 90 s after the ` +
            `restart (${JSON.stringify({ ...ex.stats(), duplicates: ex.duplicateResults })})`,
        );
        assert.deepEqual(results, [
          ...Array.from({ length: 200 }, (_, i) => i + 1),
          ...Array.from({ length: 20 }, (_, i) => 1001 + i),
        ]);
        assert.equal(ex.stats().completed, 220);
      } finally {
        await worker.close();
      }
    },
  );

  test(
    "a wrong password fails within seconds with RedisConnectionError, on both sides",
    { timeout: 60_000 },
    async () => {
      const server = await OwnRedis.start(["--requirepass", "right-password"]);
      servers.push(server);
      const connection = `redis://:wrong-password@127.0.0.1:${server.port}`;
      const prefix = uniquePrefix("auth");
      let started = Date.now();
      const ex = new DistributedExecutor<Tasks>(tasksUrl, { connection, prefix });
      await assert.rejects(ex.submit("add", 1, 2), (e: unknown) => {
        assert.ok(e instanceof RedisConnectionError, String(e));
        assert.match((e as Error).message, /refused the credentials/);
        assert.ok(!(e as Error).message.includes("wrong-password"), "the password is not shown");
        return true;
      });
      assert.ok(Date.now() - started < 10_000);
      await ex.shutdown();
      started = Date.now();
      await assert.rejects(
        runWorker({ connection, module: tasksUrl, prefix, executor: "async" }),
        RedisConnectionError,
      );
      assert.ok(Date.now() - started < 10_000);
    },
  );
});
