/**
 * Entry point of a worker thread (main side: src/runtime/thread-handle.ts). An uncaught error
 * here is left to Node: it ends the thread and reaches the main side as the Worker's 'error'
 * event with the error itself, which the pool turns into WorkerCrashedError.
 */
import { parentPort, workerData } from "node:worker_threads";
import { preload } from "./preload.js";
import { WorkerRuntime } from "./run-task.js";

preload((workerData as { preload?: unknown } | null)?.preload);

if (!parentPort) throw new Error("concur's thread entry must run inside a worker thread");
const port = parentPort;

const runtime = new WorkerRuntime({
  send: (message) => port.postMessage(message),
  exit: (code) => process.exit(code),
});
port.on("message", (message: unknown) => runtime.handle(message));
