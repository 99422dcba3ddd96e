import type { HandleEvents, WorkerHandle } from "../runtime/handle.js";
import { ProcessHandle } from "../runtime/process-handle.js";
import type { ProcessPoolOptions } from "../types.js";
import { checkPoolOptions } from "./options.js";
import { PoolExecutor } from "./pool.js";

/**
 * Runs tasks in a pool of child processes. Costlier to start and to talk to than threads, but
 * isolated: a native addon that crashes, a memory limit per process (`execArgv:
 * ["--max-old-space-size=512"]`), or code that is not thread-safe.
 * @example
 * await using pool = new ProcessPoolExecutor<typeof import("./tasks.js")>(new URL("./tasks.js", import.meta.url), { maxWorkers: 4 });
 * const result = await pool.submit("processLetter", record);
 */
export class ProcessPoolExecutor<M> extends PoolExecutor<M> {
  /** Always `"process"`. */
  readonly kind = "process" as const;
  readonly #options: ProcessPoolOptions;

  constructor(module: URL | string, options: ProcessPoolOptions = {}) {
    super(module, checkPoolOptions(new.target.name, options));
    this.#options = options;
  }

  protected createHandle(events: HandleEvents): WorkerHandle {
    return new ProcessHandle(
      {
        moduleUrl: this.moduleUrl,
        ...(this.#options.env && { env: this.#options.env }),
        ...(this.#options.execArgv && { execArgv: this.#options.execArgv }),
      },
      events,
    );
  }
}
