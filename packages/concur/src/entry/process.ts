/**
 * Entry point of a child process (main side: src/runtime/process-handle.ts). Messages travel
 * over the IPC channel with `serialization: "advanced"` (structured clone), both ways.
 * argv: the task module's URL, the file descriptor of the running slot (or ""), and "pdeathsig"
 * when the kernel kills this process with its parent.
 */
import { writeSync } from "node:fs";
import { watchParent } from "./orphan-watch.js";
import { preload } from "./preload.js";
import { WorkerRuntime } from "./run-task.js";
import type { SlotStore } from "./slot-writer.js";

preload(process.argv[2]);

const send = process.send?.bind(process);
if (!send) {
  process.stderr.write("concur's process entry must be started by a ProcessPoolExecutor (no IPC channel)\n");
  process.exit(1);
}
const parent = process.ppid;
let parentGone = (): boolean => false;

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

// The running slot is a file the parent opened (and unlinked) for this worker: a write is a
// positioned write of 8 bytes, which survives any death of this process.
const slotFd = process.argv[3] ? Number(process.argv[3]) : NaN;
// Started under a parent-death signal (src/runtime/process-handle.ts): the kernel ends this
// process with its parent, so no watchdog thread is needed.
const kernelGuard = process.argv[4] === "pdeathsig";
const slotBytes = new Float64Array(1);
const slot: SlotStore | undefined = Number.isInteger(slotFd)
  ? {
      free: false,
      write: (value) => {
        slotBytes[0] = value;
        writeSync(slotFd, slotBytes, 0, 8, 0);
      },
    }
  : undefined;

const runtime = new WorkerRuntime({
  send: (message) => {
    inFlight++;
    try {
      send!(message, undefined, {}, written);
    } catch (error) {
      inFlight--;
      throw error;
    }
    // Ready: start watching the parent now, off the start-up path (the thread boots meanwhile).
    if (message.t === "ready" && !kernelGuard) setImmediate(() => (parentGone = watchParent(parent)));
  },
  exit,
  ...(slot && { slot }),
  alive: () => process.connected && !parentGone(),
});

process.on("message", (message: unknown) => runtime.handle(message));
// The parent is gone (exited, crashed, or closed the channel): never outlive it as an orphan.
process.on("disconnect", () => process.exit(0));
// A task that calls process.exit: record that it was running, so that it alone is blamed.
process.on("exit", () => runtime.dying());
// Report errors outside a task before dying, so the pool's WorkerCrashedError has a cause.
process.on("uncaughtException", (error) => runtime.fatal(error));
process.on("unhandledRejection", (reason) => runtime.fatal(reason));
