import type { AsyncExecutorOptions } from "../types.js";
import { InProcessExecutor } from "./in-process.js";
import { checkMaxConcurrency } from "./options.js";

/**
 * Runs tasks on this event loop, at most `maxConcurrency` at once: the right tool for IO-bound
 * work (requests, files, databases), where one thread overlaps thousands of waits. CPU-bound
 * tasks gain nothing here: they run one after another between the waits.
 * @example
 * await using executor = new AsyncExecutor<typeof import("./tasks.js")>(new URL("./tasks.js", import.meta.url), { maxConcurrency: 64 });
 * for await (const file of executor.map("download", urls)) console.log(file);
 */
export class AsyncExecutor<M> extends InProcessExecutor<M> {
  /** Always `"async"`. */
  readonly kind = "async" as const;

  constructor(module: URL | string, options: AsyncExecutorOptions = {}) {
    super(module, options, checkMaxConcurrency(new.target.name, options));
  }

  protected defaultMapBuffer(): number {
    return Math.min(1024, 2 * this.concurrency);
  }
}
