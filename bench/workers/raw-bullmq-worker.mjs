/**
 * The raw BullMQ side of `npm run bench:distributed`: one worker process written the way
 * BullMQ's guide shows (https://docs.bullmq.io/guide/workers), a `Worker` per queue whose
 * processor calls the task named by the job with the job's data as its arguments. Plain
 * JavaScript, so no loader runs in it (concur's side runs `concur worker` from the lab's build).
 *
 * argv: one JSON object { redis, prefix, queues, concurrency, lockDuration, stalledInterval, module }.
 * Prints "ready" on stderr once every Worker is connected; SIGTERM closes them and exits 0.
 */
import { Worker } from "bullmq";

const config = JSON.parse(process.argv[2] ?? "{}");
const tasks = await import(config.module);
const url = new URL(config.redis);
const connection = { host: url.hostname, port: Number(url.port || 6379) };

const workers = config.queues.map(
  (queue) =>
    new Worker(queue, async (job) => tasks[job.name](...job.data), {
      connection,
      prefix: config.prefix,
      concurrency: config.concurrency,
      lockDuration: config.lockDuration,
      stalledInterval: config.stalledInterval,
    }),
);
for (const worker of workers)
  worker.on("error", (error) => process.stderr.write(`raw worker: ${error.message}\n`));
await Promise.all(workers.map((worker) => worker.waitUntilReady()));
process.stderr.write("ready\n");
process.once("SIGTERM", async () => {
  await Promise.all(workers.map((worker) => worker.close()));
  process.exit(0);
});
