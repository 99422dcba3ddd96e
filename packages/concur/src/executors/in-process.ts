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
import { LazyTaskContext, runInTaskContext } from "../task.js";
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
  /** The module once loaded: tasks then start without an extra await. */
  #loaded: LoadedModule | undefined;
  readonly #queue = new Deque<TaskRecord>();
  /** Queued and not cancelled (cancelled records stay in the deque until #pump skips them). */
  #queuedLive = 0;
  #running = 0;
  #pumpScheduled = false;
  #yieldScheduled = false;
  #lastYield = performance.now();
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
   * Starts the next task, but lets the event loop turn every YIELD_EVERY_MS: a chain of sync
   * tasks runs entirely in microtasks, which would otherwise starve timers (task timeouts),
   * IO and signal handlers (Ctrl-C) until the whole queue is done.
   */
  #pumpAfterTask(): void {
    const now = performance.now();
    if (now - this.#lastYield < YIELD_EVERY_MS) {
      this.#pump();
      return;
    }
    this.#lastYield = now;
    if (this.#yieldScheduled) return;
    this.#yieldScheduled = true;
    setImmediate(() => {
      this.#yieldScheduled = false;
      this.#lastYield = performance.now();
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#running < this.#concurrency && this.#queue.size > 0) {
      const record = this.#queue.shift()!;
      if (record.state !== "done") this.#queuedLive--;
      if (record.state === "done" || !this.markStarted(record)) continue;
      this.#running++;
      void this.#run(record);
    }
    if (this.#queuedLive < this.maxQueue) this.#roomWaiters.releaseAll();
    if (this.#running === 0 && this.#queue.size === 0) this.#idleWaiters.releaseAll();
  }

  async #run(record: TaskRecord): Promise<void> {
    const context = new LazyTaskContext(record.name, record.extras?.attempt ?? 1);
    this.#contexts.set(record, context);
    const start = performance.now();
    try {
      const module = this.#loaded ?? (await this.#loadModule());
      const fn = findTask(module, record.name);
      let value: unknown;
      if (record.chunk) {
        const values: unknown[] = [];
        for (const input of record.args) {
          try {
            values.push(await runInTaskContext(context, () => fn(input)));
          } catch (error) {
            throw new PartialChunkError(values, taskFailure(error));
          }
        }
        value = values;
      } else {
        value = await runInTaskContext(context, () => fn(...record.args));
      }
      this.resolveTask(record, value, performance.now() - start);
    } catch (error) {
      this.rejectTask(record, taskFailure(error), performance.now() - start);
    } finally {
      this.#contexts.delete(record);
      this.#running--;
      this.#pumpAfterTask();
    }
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
