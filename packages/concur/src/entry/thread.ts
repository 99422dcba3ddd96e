/**
 * Entry point of a worker thread (main side: src/runtime/thread-handle.ts). An uncaught error
 * here is left to Node: it ends the thread and reaches the main side as the Worker's 'error'
 * event with the error itself, which the pool turns into WorkerCrashedError.
 */
import { parentPort, workerData } from "node:worker_threads";
import { preload } from "./preload.js";
import { WorkerRuntime } from "./run-task.js";
import type { SlotStore } from "./slot-writer.js";

const data = workerData as { preload?: unknown; slot?: unknown } | null;
preload(data?.preload);

if (!parentPort) throw new Error("concur's thread entry must run inside a worker thread");
const port = parentPort;

// The running slot is shared memory: the main side reads it after this thread is gone.
const shared = data?.slot instanceof SharedArrayBuffer ? new Float64Array(data.slot) : undefined;
const slot: SlotStore | undefined = shared && {
  free: true,
  write: (value) => {
    shared[0] = value;
  },
};

const runtime = new WorkerRuntime({
  send: (message) => port.postMessage(message),
  exit: (code) => process.exit(code),
  ...(slot && { slot }),
});
port.on("message", (message: unknown) => runtime.handle(message));
