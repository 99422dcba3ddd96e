/**
 * Executors that run tasks on this thread's event loop: no serialization, arguments and results
 * are passed by reference, errors arrive as the very objects thrown (a thrown non-Error value
 * arrives as TaskError holding it, as on the pools). A running task cannot be
 * stopped from outside here: cancel and timeout settle its future at once and abort its signal,
 * and its slot stays taken until the task really returns, so the concurrency bound holds.
 */
import { CancelledError, WorkerStartError } from "../errors.js";
import { taskFailure } from "../protocol/serialize-error.js";
import { findTask, loadTaskModule, type LoadedModule } from "../protocol/task-module.js";
import { LazyTaskContext, callInTaskContext, endAsyncTask } from "../task.js";
import { isThenable } from "../thenable.js";
import type { ExecutorOptions } from "../types.js";
import { ExecutorBase, type TaskRecord } from "./base.js";
import { Deque } from "./deque.js";
import { Waiters } from "./waiters.js";
import { PartialChunkError } from "./map.js";

/** Longest stretch of back-to-back tasks before the event loop gets a turn. */
const YIELD_EVERY_MS = 10;

export abstract class InProcessExecutor<M> extends ExecutorBase<M> {
  readonly #concurrency: number;
  #module: Promise<LoadedModule> | undefined;
  /** The module once loaded: tasks start only then, without an extra await. */
  #loaded: LoadedModule | undefined;
  /** Why the module could not be loaded: every task then fails with it. */
  #loadFailure: unknown;
  readonly #queue = new Deque<TaskRecord>();
  /** Queued and not cancelled (cancelled records stay in the deque until #pump skips them). */
  #queuedLive = 0;
  #running = 0;
  #pumpScheduled = false;
  /** #pump's loop is on the stack: a task that ended synchronously inside it must not recurse. */
  #pumping = false;
  #yieldScheduled = false;
  /**
   * When the current stretch of work began: set by the first start after the executor was idle
   * or after it yielded, cleared by those. A stretch can include turns of the event loop (tasks
   * waiting on IO); it then yields once more than it needed to, at most every YIELD_EVERY_MS,
   * which is cheaper than watching every turn with a setImmediate.
   */
  #stretchStart: number | undefined;
  readonly #contexts = new Map<TaskRecord, LazyTaskContext>();
  readonly #roomWaiters = new Waiters();
  readonly #idleWaiters = new Waiters();

  constructor(module: URL | string, options: ExecutorOptions, concurrency: number) {
    super(module, options);
    this.#concurrency = concurrency;
  }

  protected get concurrency(): number {
    return this.#concurrency;
  }

  #loadModule(): Promise<LoadedModule> {
    this.#module ??= (async () => {
      let module: LoadedModule;
      try {
        module = await loadTaskModule(this.moduleUrl);
      } catch (error) {
        throw new WorkerStartError(`could not load the task module ${this.moduleUrl}`, { cause: error });
      }
      if (this.initializer !== undefined) {
        try {
          await findTask(module, this.initializer)(...this.initArgs);
        } catch (error) {
          throw new WorkerStartError(`the initializer "${this.initializer}" failed`, { cause: error });
        }
      }
      this.#loaded = module;
      return module;
    })();
    return this.#module;
  }

  protected enqueue(record: TaskRecord): void {
    this.#queue.push(record);
    this.#queuedLive++;
    // Start on a microtask, never inside submit(): the caller gets its future before any task
    // code runs, as with the pools.
    this.#schedulePump();
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  /**
   * Starts queued tasks while there is room, but lets the event loop turn after YIELD_EVERY_MS of
   * back-to-back work: a run of sync tasks (they end inside this loop) or of tasks that end in
   * microtasks would otherwise starve timers (task timeouts), IO and signal handlers (Ctrl-C)
   * until the whole queue is done. The clock is checked before every start, the first ones
   * included; a stretch ends when the executor idles or yields.
   */
  #pump(): void {
    if (this.#pumping) return;
    const module = this.#loaded;
    // Tasks start once the module is loaded (as on a pool, whose workers load it before taking
    // tasks), so every start goes through the yield check below.
    if (module === undefined && this.#loadFailure === undefined) {
      if (this.#queue.size > 0) this.#startLoading();
      else if (this.#running === 0) this.#idleWaiters.releaseAll();
      return;
    }
    this.#pumping = true;
    try {
      while (this.#running < this.#concurrency && this.#queue.size > 0) {
        if (this.#mustYield()) {
          this.#scheduleYield();
          break;
        }
        const record = this.#queue.shift()!;
        if (record.state !== "done") this.#queuedLive--;
        if (record.state === "done" || !this.markStarted(record)) continue;
        this.#running++;
        if (module) this.#run(record, module);
        else {
          this.rejectTask(record, taskFailure(this.#loadFailure), 0);
          this.#ended(record);
        }
      }
    } finally {
      this.#pumping = false;
    }
    if (this.#queuedLive < this.maxQueue) this.#roomWaiters.releaseAll();
    if (this.#running === 0 && this.#queue.size === 0) {
      this.#stretchStart = undefined;
      this.#idleWaiters.releaseAll();
    }
  }

  #mustYield(): boolean {
    if (this.#yieldScheduled) return true;
    const now = performance.now();
    if (this.#stretchStart === undefined) {
      this.#stretchStart = now;
      return false;
    }
    return now - this.#stretchStart >= YIELD_EVERY_MS;
  }

  #scheduleYield(): void {
    if (this.#yieldScheduled) return;
    this.#yieldScheduled = true;
    setImmediate(() => {
      this.#yieldScheduled = false;
      this.#stretchStart = undefined;
      this.#pump();
    });
  }

  #startLoading(): void {
    if (this.#module) return; // loading already
    this.#loadModule().then(
      () => this.#pump(),
      (error: unknown) => {
        this.#loadFailure = error;
        this.#pump();
      },
    );
  }

  /**
   * Runs a task. A sync task (one that returns a plain value) settles and ends right here, with
   * no promise or microtask of its own; a task that returns a thenable goes on in #settleAsync.
   */
  #run(record: TaskRecord, module: LoadedModule): void {
    const context = new LazyTaskContext(record.name, record.extras?.attempt ?? 1);
    this.#contexts.set(record, context);
    const start = performance.now();
    try {
      const fn = findTask(module, record.name);
      if (record.chunk) {
        const values: unknown[] = [];
        const inputs = record.args;
        for (let i = 0; i < inputs.length; i++) {
          let value: unknown;
          try {
            value = callInTaskContext(context, fn, [inputs[i]]);
          } catch (error) {
            throw new PartialChunkError(values, taskFailure(error));
          }
          if (isThenable(value)) {
            void this.#settleAsync(record, start, value, { context, fn, values, next: i + 1 });
            return;
          }
          values.push(value);
        }
        this.resolveTask(record, values, performance.now() - start);
      } else {
        const value = callInTaskContext(context, fn, record.args);
        if (isThenable(value)) {
          void this.#settleAsync(record, start, value);
          return;
        }
        this.resolveTask(record, value, performance.now() - start);
      }
    } catch (error) {
      this.rejectTask(record, taskFailure(error), performance.now() - start);
    }
    this.#ended(record);
  }

  /**
   * Waits for a task's thenable (for a chunk: then runs its remaining inputs one after another,
   * as a local map would), settles the task and ends it.
   */
  async #settleAsync(
    record: TaskRecord,
    start: number,
    pending: PromiseLike<unknown>,
    chunk?: { context: LazyTaskContext; fn: (...args: never[]) => unknown; values: unknown[]; next: number },
  ): Promise<void> {
    try {
      if (!chunk) {
        let value: unknown;
        try {
          value = await pending;
        } finally {
          endAsyncTask();
        }
        this.resolveTask(record, value, performance.now() - start);
        return;
      }
      const { context, fn, values } = chunk;
      const inputs = record.args;
      let current: unknown = pending;
      for (let i = chunk.next; ; i++) {
        try {
          if (isThenable(current)) {
            try {
              current = await current;
            } finally {
              endAsyncTask();
            }
          }
          values.push(current);
          if (i >= inputs.length) break;
          current = callInTaskContext(context, fn, [inputs[i]]);
        } catch (error) {
          throw new PartialChunkError(values, taskFailure(error));
        }
      }
      this.resolveTask(record, values, performance.now() - start);
    } catch (error) {
      this.rejectTask(record, taskFailure(error), performance.now() - start);
    } finally {
      this.#ended(record);
    }
  }

  #ended(record: TaskRecord): void {
    this.#contexts.delete(record);
    this.#running--;
    this.#pump();
  }

  protected removeQueued(_record: TaskRecord): void {
    // Settled by the caller; #pump skips it when it reaches it.
    this.#queuedLive--;
  }

  protected abortRunning(record: TaskRecord, reason: Error): void {
    this.#contexts.get(record)?.abort(reason);
  }

  protected cancelQueued(error: CancelledError): void {
    for (const record of this.#queue.drain()) if (record.state !== "done") this.cancelRecord(record, error);
    this.#queuedLive = 0;
    this.#schedulePump();
  }

  protected queuedCount(): number {
    return this.#queuedLive;
  }

  protected waitForRoom(): Promise<void> {
    if (this.#queuedLive < this.maxQueue) return Promise.resolve();
    return this.#roomWaiters.wait();
  }

  protected async close(): Promise<void> {
    if (this.#running > 0 || this.#queue.size > 0) {
      await this.#idleWaiters.wait();
    }
  }

  protected forceStop(error: CancelledError): void {
    this.cancelQueued(error);
    for (const record of [...this.#contexts.keys()]) record.future.cancel(error.message);
    // A task that ignores its signal cannot be stopped on this thread: stop waiting for it.
    this.#idleWaiters.releaseAll();
  }

  protected liveCounts(): { workers: number; queued: number; running: number; capacity: number } {
    return {
      workers: 1,
      queued: this.#queuedLive,
      running: this.#running,
      capacity: Math.min(this.#concurrency, 1e9),
    };
  }
}
