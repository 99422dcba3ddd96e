/**
 * Keeps a process worker from outliving its parent. The IPC channel's 'disconnect' ends the worker
 * when its event loop turns, but a long synchronous task keeps the loop from turning; so a tiny
 * watchdog thread, which runs whatever the main thread does, checks every WATCH_MS whether the
 * parent is still this process's parent. When it is gone: the flag tells the drain loop to start
 * nothing more, SIGTERM ends the process (Node's default action, unless a task installed a
 * handler), and SIGKILL follows KILL_AFTER_MS later. So an orphan exits within about
 * WATCH_MS + KILL_AFTER_MS (0.6 s) of its parent's death, even in the middle of a task.
 */
import { Worker } from "node:worker_threads";

const WATCH_MS = 100;
const KILL_AFTER_MS = 500;

const WATCHDOG = `
const { workerData } = require("node:worker_threads");
const flag = new Int32Array(workerData.flag);
setInterval(() => {
  if (process.ppid === workerData.parent) return;
  Atomics.store(flag, 0, 1);
  process.kill(process.pid, "SIGTERM");
  setTimeout(() => process.kill(process.pid, "SIGKILL"), workerData.killAfterMs);
}, workerData.watchMs);
`;

/** Starts the watchdog; the function returned says whether it saw the parent gone (an array read). */
export function watchParent(parent: number): () => boolean {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  try {
    const watchdog = new Worker(WATCHDOG, {
      eval: true,
      workerData: { flag: flag.buffer, parent, watchMs: WATCH_MS, killAfterMs: KILL_AFTER_MS },
      resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
      stdout: false,
      stderr: false,
    });
    // It must never keep the worker alive, nor take it down if it fails.
    watchdog.unref();
    watchdog.on("error", () => undefined);
  } catch {
    // Without a watchdog the channel's 'disconnect' and the ppid check before each task remain.
  }
  return () => Atomics.load(flag, 0) === 1;
}
