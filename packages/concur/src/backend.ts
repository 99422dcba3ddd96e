/**
 * For executor packages built on concur (such as @concur/distributed), not for applications:
 * the base class every executor shares, and the pieces a backend that moves tasks across a
 * boundary needs (error serialization, task module loading, chunk results). Importing it does not
 * load any worker code. Not covered by semver promises beyond concur's own packages.
 */
export {
  ExecutorBase,
  checkCount,
  checkMilliseconds,
  type TaskRecord,
  type TaskExtras,
} from "./executors/base.js";
export { PartialChunkError } from "./executors/map.js";
export { withAttempt } from "./executors/attempt.js";
export { inheritableExecArgv } from "./runtime/exec-argv.js";
export {
  serializeError,
  deserializeError,
  type SerializedError,
  type SerializedValue,
} from "./protocol/serialize-error.js";
export { loadTaskModule, findTask, toModuleUrl, type LoadedModule } from "./protocol/task-module.js";
