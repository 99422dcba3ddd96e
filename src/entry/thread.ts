/**
 * Entry point of a worker thread (main side: src/runtime/thread-handle.ts). An uncaught error
 * here is left to Node: it ends the thread and reaches the main side as the Worker's 'error'
 * event with the error itself, which the pool turns into WorkerCrashedError.
 */
import { parentPort } from "node:worker_threads";
import { WorkerRuntime } from "./run-task.js";

if (!parentPort) throw new Error("concur's thread entry must run inside a worker thread");
const port = parentPort;

const runtime = new WorkerRuntime({
  send: (message) => port.postMessage(message),
  exit: (code) => process.exit(code),
});
port.on("message", (message: unknown) => runtime.handle(message));
