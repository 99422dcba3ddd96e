import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker, type ResourceLimits } from "node:worker_threads";
import type { MainMessage } from "../protocol/messages.js";
import { SLOT_BYTES } from "../protocol/running-slot.js";
import type { Transferable } from "../types.js";
import { entryUrl, receiveFrom, type HandleEvents, type WorkerHandle } from "./handle.js";

/**
 * What a worker thread starts from: the entry file itself (which, like any file-started worker,
 * inherits this thread's command-line flags), or, when TypeScript must be loaded (concur run
 * from source, a `.ts` task module, or a parent under tsx), eval'd code that registers tsx
 * before importing the entry: a `.ts` module may be loaded from a parent that has no tsx flag,
 * and an eval'd worker does not run the parent's `--import` preloads.
 */
function workerStart(moduleUrl: string): { script: string | URL; eval: boolean } {
  const entry = entryUrl("thread");
  const needsTsx = entry.href.endsWith(".ts") || /\.[mc]?ts$/.test(new URL(moduleUrl).pathname) || usesTsx();
  const tsx = needsTsx ? resolveTsx(moduleUrl) : undefined;
  if (tsx === undefined) return { script: entry, eval: false };
  const load = `import(${JSON.stringify(entry.href)})`;
  return {
    script: `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return ${load}; })`,
    eval: true,
  };
}

function usesTsx(): boolean {
  return process.execArgv.some((arg) => arg.includes("tsx"));
}

/**
 * tsx's register API, found from concur itself, from the task module, or from the tsx this
 * process was started with (`--import /abs/path/to/tsx/...`, when neither of the others can see
 * it): a worker thread does not run its parent's `--import` preloads, so it must register tsx
 * itself, and a path in the flag is the only trace of it then.
 */
function resolveTsx(moduleUrl: string): string | undefined {
  try {
    return import.meta.resolve("tsx/esm/api");
  } catch {
    for (const base of [moduleUrl, ...tsxFlagPaths()]) {
      const api = esmApiFrom(base);
      if (api !== undefined) return api;
    }
    return undefined; // the worker will report the .ts file it cannot load
  }
}

/**
 * `tsx/esm/api` as an ES module, resolved from `base`. require.resolve would pick the CommonJS
 * variant (the "require" condition), which cannot register tsx's hooks from an eval'd worker, so
 * the package is found with require and its "import" export read from its package.json.
 */
function esmApiFrom(base: string): string | undefined {
  try {
    const manifestPath = createRequire(base).resolve("tsx/package.json");
    const manifest = createRequire(base)(manifestPath) as {
      exports?: Record<string, { import?: { default?: string } | string }>;
    };
    const entry = manifest.exports?.["./esm/api"]?.import;
    const target = typeof entry === "string" ? entry : entry?.default;
    return target === undefined ? undefined : new URL(target, pathToFileURL(manifestPath)).href;
  } catch {
    return undefined;
  }
}

/** The file paths given to `--import`/`--loader` that point into a tsx package. */
function tsxFlagPaths(): string[] {
  const paths: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value =
      /^--(?:import|loader|experimental-loader)=(.*)$/.exec(arg)?.[1] ??
      (/^--(?:import|loader|experimental-loader)$/.test(arg) ? args[i + 1] : undefined);
    if (value === undefined || !value.includes("tsx")) continue;
    if (value.startsWith("file:")) paths.push(value);
    else if (value.startsWith("/")) paths.push(pathToFileURL(value).href);
  }
  return paths;
}

export interface ThreadHandleOptions {
  moduleUrl: string;
  env?: Record<string, string | undefined>;
  resourceLimits?: ResourceLimits;
}

/** A worker thread running src/entry/thread.ts. */
export class ThreadHandle implements WorkerHandle {
  readonly #worker: Worker;
  #error: unknown;
  /** The running slot: the thread writes it, this side reads it once the thread is gone. */
  readonly #slot = new Float64Array(new SharedArrayBuffer(SLOT_BYTES));
  readonly id: number;

  constructor(options: ThreadHandleOptions, events: HandleEvents) {
    const start = workerStart(options.moduleUrl);
    this.#worker = new Worker(start.script, {
      eval: start.eval,
      // The entry starts importing the task module at once, while the rest of it loads.
      workerData: { preload: options.moduleUrl, slot: this.#slot.buffer },
      ...(options.env && { env: options.env }),
      ...(options.resourceLimits && { resourceLimits: options.resourceLimits }),
    });
    this.id = this.#worker.threadId;
    this.#worker.on("message", receiveFrom(events));
    // 'error' (uncaught exception, out of memory) always precedes 'exit' for the same worker.
    this.#worker.on("error", (error) => {
      this.#error = error;
    });
    this.#worker.on("exit", (exitCode) => {
      events.exit({
        exitCode,
        signal: null,
        slot: this.#slot[0]!,
        ...(this.#error !== undefined && { error: this.#error }),
      });
    });
  }

  send(message: MainMessage, transfer?: readonly Transferable[]): void {
    this.#worker.postMessage(message, transfer as never);
  }

  kill(): void {
    void this.#worker.terminate();
  }

  setRef(ref: boolean): void {
    if (ref) this.#worker.ref();
    else this.#worker.unref();
  }

  peekSlot(): number | undefined {
    return this.#slot[0];
  }
}
