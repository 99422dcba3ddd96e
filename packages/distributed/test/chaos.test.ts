/**
 * Chaos: 100 tasks over two `concur worker` processes, one killed (SIGKILL) mid-run; every
 * future settles exactly once with its value. Run twice here; scripts/soak-distributed.sh
 * repeats this file 20 times.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Redis } from "ioredis";
import { DistributedExecutor } from "../src/index.js";
import { startWorkerProcess, stopProcess, type WorkerProcess } from "./helpers/processes.js";
import {
  connectForTest,
  deleteUnder,
  redisUrl,
  tasksUrl,
  uniquePrefix,
  type Tasks,
} from "./helpers/redis.js";

const ROUNDS = 2;
let redis: Redis;
const processes: WorkerProcess[] = [];
const prefixes: string[] = [];

before(async () => {
  redis = await connectForTest();
});
after(async () => {
  await Promise.all(processes.map((p) => stopProcess(p)));
  for (const prefix of prefixes) await deleteUnder(redis, prefix);
  redis?.disconnect();
});

for (let round = 1; round <= ROUNDS; round++) {
  test(
    `chaos round ${round}: 100 tasks, one of two workers killed mid-run`,
    { timeout: 120_000 },
    async () => {
      const prefix = uniquePrefix(`chaos${round}`);
      prefixes.push(prefix);
      const extra = ["--executor", "async", "--concurrency", "10"];
      const [victim, survivor] = await Promise.all([
        startWorkerProcess(redisUrl, prefix, extra),
        startWorkerProcess(redisUrl, prefix, extra),
      ]);
      processes.push(victim, survivor);
      await using ex = new DistributedExecutor<Tasks>(tasksUrl, { connection: redisUrl, prefix });
      const futures = Array.from({ length: 100 }, (_, i) => ex.submit("slowInc", i, 100));
      const settlements = new Array<number>(100).fill(0);
      futures.forEach((future, i) => future.addDoneCallback(() => settlements[i]!++));
      while (futures.filter((f) => f.done()).length < 25)
        await new Promise((resolve) => setTimeout(resolve, 20));
      await stopProcess(victim, "SIGKILL");
      const results = await Promise.all(futures);
      assert.deepEqual(
        results,
        Array.from({ length: 100 }, (_, i) => i + 1),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(settlements, new Array<number>(100).fill(1), "each future settled exactly once");
      console.log(
        `chaos round ${round}: ${ex.duplicateResults} job(s) ran twice (at-least-once), all settled once`,
      );
    },
  );
}
