/**
 * concur's executor contract (packages/concur/test/executors/contract-suite.ts), run over
 * DistributedExecutor against a real Redis. Each executor gets a queue of its own, served by a
 * worker (runWorker, a thread pool of `workers` threads taking `workers` jobs at once) started
 * with it and stopped after its shutdown, so per-case options such as `workers: 1` mean what
 * they mean on a pool.
 */
import { after, before } from "node:test";
import type { Redis } from "ioredis";
import { checkCount } from "concur/backend";
import {
  defineContractSuite,
  tasksUrl,
  type ContractTarget,
  type Tasks,
} from "../../concur/test/executors/contract-suite.js";
import { DistributedExecutor, runWorker } from "../src/index.js";
import { connectForTest, deleteUnder, keysUnder, redisUrl, uniquePrefix, until } from "./helpers/redis.js";

const prefix = uniquePrefix("contract");
let redis: Redis;
let queues = 0;

before(async () => {
  redis = await connectForTest();
});
after(async () => {
  await deleteUnder(redis, prefix);
  redis.disconnect();
});

function sockets(): number {
  return process.getActiveResourcesInfo().filter((name) => name === "TCPSocketWrap").length;
}

const executors: DistributedExecutor<Tasks>[] = [];

defineContractSuite({
  name: "distributed",
  kind: "distributed",
  create(options = {}, module = tasksUrl) {
    const workers = checkCount("workers", options.workers, 2);
    const executor = new DistributedExecutor<Tasks>(module, {
      connection: redisUrl,
      prefix,
      queue: `contract-${++queues}`,
      ...(options.maxQueue !== undefined && { maxQueue: options.maxQueue as number }),
      ...(options.captureSubmitStack !== undefined && {
        captureSubmitStack: options.captureSubmitStack as boolean,
      }),
    });
    executors.push(executor);
    const worker = runWorker({
      connection: redisUrl,
      module,
      prefix,
      queue: executor.queueName,
      executor: "thread",
      workers,
      concurrency: workers,
      ...(typeof options.initializer === "string" && {
        initializer: options.initializer,
        initArgs: (options.initArgs as unknown[] | undefined) ?? [],
      }),
      log: () => undefined,
    });
    const shutdown = executor.shutdown.bind(executor);
    // The worker goes with its executor: the suite shuts executors down and checks for leaks.
    executor.shutdown = async (shutdownOptions) => {
      await shutdown(shutdownOptions);
      await (await worker).close();
    };
    // The suite's types come from concur's sources, this executor's from its build: same shape.
    return executor as unknown as ReturnType<ContractTarget["create"]>;
  },
  startLeakCheck() {
    const before = sockets();
    const known = executors.length;
    return async () => {
      await until(() => sockets() <= before, 5_000, "the executor's and its worker's connections to close");
      // A result that arrives after shutdown (a cancelled task that finished anyway) recreates
      // the result list, with its TTL: nothing of the executor may stay without one.
      for (const executor of executors.slice(known)) {
        const keys = (await keysUnder(redis, prefix)).filter((key) => key.includes(executor.id));
        for (const key of keys)
          if ((await redis.pttl(key)) < 0)
            throw new Error(`executor ${executor.id} left ${key} without a TTL`);
      }
    };
  },
  crossesBoundary: true,
  pool: false,
  notApplicable: {
    "tasks run in parallel on distinct workers":
      "a DistributedExecutor has no workers of its own (stats().workers is 0): its workers are other processes, seen in `concur status`; parallel runs across workers are shown by faults.test.ts and chaos.test.ts",
  },
});
