/**
 * Entry point of a child process (main side: src/runtime/process-handle.ts). Messages travel
 * over the IPC channel with `serialization: "advanced"` (structured clone), both ways.
 */
import { preload } from "./preload.js";
import { WorkerRuntime } from "./run-task.js";

preload(process.argv[2]);

const send = process.send?.bind(process);
if (!send) {
  process.stderr.write("concur's process entry must be started by a ProcessPoolExecutor (no IPC channel)\n");
  process.exit(1);
}

// process.send is asynchronous: exiting right after it would lose the last results. Count the
// writes in flight and exit when the last one is on the channel (or after 2 s if it is stuck).
let inFlight = 0;
let exitCode: number | undefined;
function written(): void {
  inFlight--;
  if (exitCode !== undefined && inFlight === 0) process.exit(exitCode);
}
function exit(code: number): void {
  if (exitCode !== undefined) return;
  exitCode = code;
  if (inFlight === 0) process.exit(code);
  setTimeout(() => process.exit(code), 2000).unref();
}

const runtime = new WorkerRuntime({
  send: (message) => {
    inFlight++;
    try {
      send!(message, undefined, {}, written);
    } catch (error) {
      inFlight--;
      throw error;
    }
  },
  exit,
});

process.on("message", (message: unknown) => runtime.handle(message));
// The parent is gone (exited, crashed, or closed the channel): never outlive it as an orphan.
process.on("disconnect", () => process.exit(0));
// Report errors outside a task before dying, so the pool's WorkerCrashedError has a cause.
process.on("uncaughtException", (error) => runtime.fatal(error));
process.on("unhandledRejection", (reason) => runtime.fatal(reason));
