/**
 * @concur/distributed: concur's Executor API across machines, on BullMQ and Redis.
 * Submit with `DistributedExecutor` (the same API as concur's other executors); run tasks with
 * `concur worker` (or `runWorker`) on each machine; see them with `concur status` (`readStatus`).
 */
export { DistributedExecutor } from "./executor/distributed.js";
export { runWorker, type DistributedWorker } from "./worker/run-worker.js";
export { readStatus, type ClusterStatus, type QueueStatus } from "./status.js";
export { probeRedis } from "./redis/probe.js";
export { purgePrefix } from "./redis/purge.js";
export type { WorkerInfo } from "./worker/heartbeat.js";
export type { DistributedExecutorOptions, WorkerOptions, RedisTarget } from "./options.js";
export { RedisConnectionError, ModuleMismatchError, PayloadTooLargeError } from "./errors.js";
