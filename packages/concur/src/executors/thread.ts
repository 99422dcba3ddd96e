import type { HandleEvents, WorkerHandle } from "../runtime/handle.js";
import { ThreadHandle } from "../runtime/thread-handle.js";
import type { ThreadPoolOptions } from "../types.js";
import { checkPoolOptions } from "./options.js";
import { PoolExecutor } from "./pool.js";

/**
 * Runs tasks in a pool of `worker_threads`. On Node there is no GIL: threads run JavaScript in
 * parallel, so this is the first choice for CPU-bound work; it starts faster and uses less
 * memory than processes. Arguments and results are copied by structured clone (or moved, with
 * `with({ transfer })`).
 * @example
 * await using pool = new ThreadPoolExecutor<typeof import("./tasks.js")>(new URL("./tasks.js", import.meta.url), { maxWorkers: 4 });
 * const result = await pool.submit("processLetter", record);
 */
export class ThreadPoolExecutor<M> extends PoolExecutor<M> {
  /** Always `"thread"`. */
  readonly kind = "thread" as const;
  readonly #options: ThreadPoolOptions;

  constructor(module: URL | string, options: ThreadPoolOptions = {}) {
    super(module, checkPoolOptions(new.target.name, options));
    this.#options = options;
  }

  protected createHandle(events: HandleEvents): WorkerHandle {
    return new ThreadHandle(
      {
        moduleUrl: this.moduleUrl,
        ...(this.#options.env && { env: this.#options.env }),
        ...(this.#options.resourceLimits && { resourceLimits: this.#options.resourceLimits }),
      },
      events,
    );
  }
}
