import type { ExecutorOptions } from "../types.js";
import { InProcessExecutor } from "./in-process.js";

/**
 * Runs tasks one at a time, in submission order, on this thread: the baseline every speedup is
 * measured against, and a drop-in for debugging (stack traces and breakpoints as usual).
 * @example
 * await using executor = new SequentialExecutor<typeof import("./tasks.js")>(new URL("./tasks.js", import.meta.url));
 * const n = await executor.submit("processLetter", record);
 */
export class SequentialExecutor<M> extends InProcessExecutor<M> {
  /** Always `"sequential"`. */
  readonly kind = "sequential" as const;

  constructor(module: URL | string, options: ExecutorOptions = {}) {
    super(module, options, 1);
  }

  protected defaultMapBuffer(): number {
    return 1;
  }
}
