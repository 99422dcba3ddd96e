/**
 * concur: Python's concurrent.futures for TypeScript. One Executor API over the event loop,
 * worker threads and child processes: swapping the class is the only change.
 */
export { SequentialExecutor } from "./executors/sequential.js";
export { AsyncExecutor } from "./executors/async.js";
export { ThreadPoolExecutor } from "./executors/thread.js";
export { ProcessPoolExecutor } from "./executors/process.js";
export { createExecutor, EXECUTOR_KINDS, type CreateExecutorOptions } from "./executors/create.js";
export { Future, type FutureState } from "./future.js";
export { asCompleted, wait, type DoneFuture, type ReturnWhen } from "./wait.js";
export { MAX_DELAY_MS } from "./validate.js";
export { MAX_WORKERS } from "./executors/options.js";
export { taskSignal, currentTask, type TaskContext } from "./task.js";
export {
  ConcurError,
  WorkerCrashedError,
  TaskTimeoutError,
  CancelledError,
  ShutdownError,
  QueueFullError,
  NotSerializableError,
  TaskNotFoundError,
  WorkerStartError,
  TaskError,
  WaitTimeoutError,
  InvalidArgumentError,
  ProtocolError,
  isConcurError,
} from "./errors.js";
export type * from "./types.js";
