import { fork, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { MainMessage } from "../protocol/messages.js";
import { entryUrl, receiveFrom, type HandleEvents, type WorkerHandle } from "./handle.js";
import { SlotFile } from "./slot-file.js";
import { inheritableExecArgv } from "./exec-argv.js";

export interface ProcessHandleOptions {
  /** The task module, passed in argv so the child starts importing it while it boots. */
  moduleUrl: string;
  env?: Record<string, string | undefined>;
  execArgv?: readonly string[];
}

/** A child process running src/entry/process.ts, talking over IPC with structured clone. */
export class ProcessHandle implements WorkerHandle {
  readonly #child: ChildProcess;
  #exited = false;
  #spawnError: unknown;
  readonly #slot = SlotFile.open();
  readonly id: number;

  constructor(options: ProcessHandleOptions, events: HandleEvents) {
    // The running slot is the child's fd 4 (after stdin, stdout, stderr and the IPC channel).
    const slot = this.#slot;
    const guard = parentDeathGuard();
    const args = [options.moduleUrl, slot ? "4" : "", guard ? "pdeathsig" : ""];
    try {
      this.#child = fork(fileURLToPath(entryUrl("process")), args, {
        // Inherit this process's loaders (tsx) and flags, then the pool's own.
        execArgv: [
          ...(guard ? [...guard, "--", process.execPath] : []),
          ...inheritableExecArgv(process.execArgv),
          ...(options.execArgv ?? []),
        ],
        ...(guard && { execPath: SETPRIV }),
        env: options.env ?? process.env,
        serialization: "advanced",
        stdio: ["ignore", "inherit", "inherit", "ipc", ...(slot ? [slot.fd] : [])],
      });
    } catch (error) {
      slot?.readAndClose();
      throw error;
    }
    this.id = this.#child.pid ?? -1;
    this.#child.on("message", receiveFrom(events));
    this.#child.on("error", (error) => {
      // Spawn failure or a failed kill/send; if the process never started, no 'exit' follows.
      this.#spawnError = error;
      if (this.#child.pid === undefined) this.#finish(events, null, null);
    });
    this.#child.on("exit", (exitCode, signal) => {
      // Messages written just before exit may still be queued on the channel: let them arrive
      // first, so a worker's last results (or its fatal report) are not lost.
      setImmediate(() => this.#finish(events, exitCode, signal));
    });
  }

  #finish(events: HandleEvents, exitCode: number | null, signal: NodeJS.Signals | null): void {
    if (this.#exited) return;
    this.#exited = true;
    const slot = this.#slot?.readAndClose();
    events.exit({
      exitCode,
      signal,
      ...(slot !== undefined && { slot }),
      ...(this.#spawnError !== undefined && { error: this.#spawnError }),
    });
  }

  peekSlot(): number | undefined {
    return this.#slot?.peek();
  }

  send(message: MainMessage): void {
    if (!this.#child.connected) throw new Error("the worker process has disconnected");
    this.#child.send(message);
  }

  kill(): void {
    if (!this.#exited) this.#child.kill("SIGKILL");
  }

  setRef(ref: boolean): void {
    // Both the process and its IPC channel hold the event loop open.
    const channel = this.#child.channel as { ref?: () => void; unref?: () => void } | null | undefined;
    if (ref) {
      this.#child.ref();
      channel?.ref?.();
    } else {
      this.#child.unref();
      channel?.unref?.();
    }
  }
}

const SETPRIV = "/usr/bin/setpriv";
let guardArgs: string[] | null | undefined;

/**
 * Linux's parent-death signal, through util-linux's `setpriv --pdeathsig` (which then execs
 * node in place: same pid, same fds and environment): the kernel SIGKILLs the worker the moment
 * this process dies, even in the middle of a synchronous task, at no cost while it lives. Checked
 * once; without it (another OS, no setpriv, CONCUR_NO_PDEATHSIG set) the worker runs a watchdog
 * thread instead (src/entry/orphan-watch.ts), which costs ~80 ms of CPU per worker start here.
 */
function parentDeathGuard(): string[] | null {
  if (guardArgs !== undefined) return guardArgs;
  guardArgs = null;
  if (process.platform !== "linux" || process.env.CONCUR_NO_PDEATHSIG || !existsSync(SETPRIV)) return null;
  const args = ["--pdeathsig", "KILL"];
  const probe = spawnSync(SETPRIV, [...args, "--", "true"], { stdio: "ignore", timeout: 5000 });
  if (probe.status === 0) guardArgs = args;
  return guardArgs;
}
