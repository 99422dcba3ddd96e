/**
 * The engine behind ThreadPoolExecutor and ProcessPoolExecutor: a queue, a set of workers, and
 * the rules that move tasks between them. The two classes differ only in how a worker is made
 * (`createHandle`); the worker side is src/entry/run-task.ts.
 *
 * Invariants:
 * - a task is in exactly one place: the queue, one worker's `inflight`, or settled;
 * - a worker runs its inflight tasks in insertion order, one at a time, so the first entry of
 *   `inflight` is the one running and the others have not started (that is what makes
 *   requeueing after a crash and work stealing safe);
 * - a worker keeps this process alive (ref) only while it starts, holds tasks, or is closing.
 */
import os from "node:os";
import { CancelledError, NotSerializableError, ProtocolError, WorkerStartError } from "../errors.js";
import { PROTOCOL_VERSION, Status, type TaskOutcome, type WorkerMessage } from "../protocol/messages.js";
import { deserializeError } from "../protocol/serialize-error.js";
import type { HandleEvents, WorkerExit, WorkerHandle } from "../runtime/handle.js";
import type { PoolOptions } from "../types.js";
import { ExecutorBase, checkCount, checkMilliseconds, type TaskRecord } from "./base.js";
import { Deque } from "./deque.js";
import { Waiters } from "./waiters.js";
import { PartialChunkError } from "./map.js";
import {
  collectTransfer,
  crashError,
  describe,
  newPoolWorker,
  submitStack,
  toRunTask,
  type PoolWorker,
} from "./pool-worker.js";
import { autoChunk, pickWorker, prefetchLimit } from "./pool-policy.js";

/** Consecutive start-up crashes (no ready, no startError) before the pool gives up. */
const MAX_START_FAILURES = 3;

export abstract class PoolExecutor<M> extends ExecutorBase<M> {
  readonly maxWorkers: number;
  readonly #maxTasksPerWorker: number;
  readonly #idleTimeout: number;
  readonly #cancelGrace: number;
  readonly #shutdownGrace: number;
  readonly #prefetch: number | "auto";
  readonly #queue = new Deque<TaskRecord>();
  /** Queued tasks not cancelled yet (cancelled ones are skipped lazily by dispatch). */
  #queuedLive = 0;
  readonly #workers = new Set<PoolWorker>();
  #startFailures = 0;
  #broken: WorkerStartError | undefined;
  #dispatchScheduled = false;
  /** Moving average of one input's run time, milliseconds (undefined until a result arrives). */
  #avgRunMs: number | undefined;
  readonly #idleWaiters = new Waiters();
  readonly #roomWaiters = new Waiters();
  readonly #exitWaiters = new Waiters();

  constructor(module: URL | string, options: PoolOptions) {
    super(module, options);
    this.maxWorkers = checkCount("maxWorkers", options.maxWorkers, os.availableParallelism());
    this.#maxTasksPerWorker = checkCount("maxTasksPerWorker", options.maxTasksPerWorker, Infinity, true);
    this.#idleTimeout = checkCount("idleTimeout", options.idleTimeout, Infinity, true);
    this.#cancelGrace = checkMilliseconds("cancelGracePeriod", options.cancelGracePeriod, 200);
    this.#shutdownGrace = checkMilliseconds("shutdownGracePeriod", options.shutdownGracePeriod, 5000);
    this.#prefetch =
      options.prefetch === "auto" || options.prefetch === undefined
        ? "auto"
        : checkCount("prefetch", options.prefetch, 1);
  }

  /** Makes one worker (a thread or a process) reporting to `events`. */
  protected abstract createHandle(events: HandleEvents): WorkerHandle;

  // ---- queue side -------------------------------------------------------------------------

  protected enqueue(record: TaskRecord): void {
    if (this.#broken) {
      this.rejectTask(record, this.#broken);
      return;
    }
    this.#queue.push(record);
    this.#queuedLive++;
    // Many submit() calls in one tick become one dispatch pass and one message per worker.
    this.#scheduleDispatch();
  }

  #scheduleDispatch(): void {
    if (this.#dispatchScheduled) return;
    this.#dispatchScheduled = true;
    queueMicrotask(() => {
      this.#dispatchScheduled = false;
      this.#dispatch();
    });
  }

  protected removeQueued(_record: TaskRecord): void {
    // The record is settled (state "done") by the caller; dispatch skips it when it reaches it.
    this.#queuedLive--;
    this.#notifyRoom();
  }

  protected cancelQueued(error: CancelledError): void {
    for (const record of this.#queue.drain()) {
      if (record.state === "done") continue;
      this.cancelRecord(record, error);
    }
    this.#queuedLive = 0;
    // Tasks sent ahead into a worker but not started are pending too: drop them.
    for (const worker of this.#workers) {
      let first = true;
      for (const record of worker.inflight.values()) {
        if (!first) record.future.cancel(error.message);
        first = false;
      }
    }
    this.#notifyRoom();
    this.#checkIdle();
  }

  protected queuedCount(): number {
    return this.#queuedLive;
  }

  protected waitForRoom(): Promise<void> {
    if (this.#queuedLive < this.maxQueue) return Promise.resolve();
    return this.#roomWaiters.wait();
  }

  protected defaultMapBuffer(): number | (() => number) {
    return () => 4 * this.maxWorkers * autoChunk(this.#avgRunMs);
  }

  protected override defaultChunksize(): number | (() => number) {
    return () => autoChunk(this.#avgRunMs);
  }

  // ---- dispatch ---------------------------------------------------------------------------

  #dispatch(): void {
    if (this.#broken) {
      this.#failQueue(this.#broken);
      return;
    }
    const limit = prefetchLimit(this.#prefetch, this.#avgRunMs);
    let batches: Map<PoolWorker, TaskRecord[]> | undefined;
    while (this.#queue.size > 0) {
      const record = this.#queue.peek()!;
      if (record.state === "done") {
        this.#queue.shift();
        continue;
      }
      const exclusive = record.extras?.timeout !== undefined;
      // At the tail (no more waiting tasks than workers) nothing is queued inside a busy worker:
      // a task waiting behind another while a worker sits idle is what makes a batch end late.
      const tailLimit = this.#queuedLive <= this.#workers.size ? 1 : limit;
      const worker = pickWorker(this.#workers, tailLimit, exclusive, this.#maxTasksPerWorker);
      if (!worker) break;
      this.#queue.shift();
      this.#queuedLive--;
      // A task given back by work stealing is already "running" as far as its future knows.
      if (record.state === "queued" && !this.markStarted(record)) continue;
      worker.inflight.set(record.id, record);
      worker.assigned++;
      if (exclusive) worker.exclusive = true;
      batches ??= new Map();
      const batch = batches.get(worker);
      if (batch) batch.push(record);
      else batches.set(worker, [record]);
    }
    let refused = false;
    if (batches) for (const [worker, records] of batches) refused = !this.#send(worker, records) || refused;
    // A task refused as not serializable freed a place in its worker: fill it.
    if (refused && this.#queuedLive > 0) this.#scheduleDispatch();
    this.#spawnAsNeeded();
    this.#stealIfIdle();
    this.#notifyRoom();
    for (const worker of this.#workers) this.#updateRef(worker);
  }

  /** Sends a batch to a worker; false when some task in it could not be sent (and was failed). */
  #send(worker: PoolWorker, records: TaskRecord[]): boolean {
    const tasks = records.map(toRunTask);
    const transfer = collectTransfer(records);
    try {
      worker.handle.send({ t: "run", tasks }, transfer);
      return true;
    } catch {
      // Fall through: find which task could not be serialized by sending them one by one.
    }
    let allSent = true;
    records.forEach((record, i) => {
      try {
        worker.handle.send({ t: "run", tasks: [tasks[i]!] }, record.extras?.transfer);
      } catch (error) {
        allSent = false;
        this.#unassign(worker, record);
        const message = error instanceof Error ? error.message : String(error);
        this.rejectTask(
          record,
          new NotSerializableError(
            `an argument of task "${record.name}" cannot be sent to a worker: ${message}`,
            record.name,
            { cause: error },
          ),
        );
      }
    });
    return allSent;
  }

  #unassign(worker: PoolWorker, record: TaskRecord): void {
    worker.inflight.delete(record.id);
    if (worker.inflight.size === 0) worker.exclusive = false;
  }

  // ---- workers ----------------------------------------------------------------------------

  #spawnAsNeeded(): void {
    if (this.closed && this.#queuedLive === 0) return;
    let starting = 0;
    for (const worker of this.#workers) if (worker.state === "starting") starting++;
    // Start workers in parallel, as many as the waiting tasks can use.
    let wanted = Math.min(this.maxWorkers - this.#liveWorkers(), this.#queuedLive - starting);
    while (wanted-- > 0 && !this.#broken) this.#spawn();
  }

  #liveWorkers(): number {
    let n = 0;
    for (const worker of this.#workers) if (worker.state === "starting" || worker.state === "ready") n++;
    return n;
  }

  #spawn(): void {
    const worker = newPoolWorker();
    try {
      worker.handle = this.createHandle({
        message: (message) => this.#onMessage(worker, message),
        invalid: (problem) => {
          worker.fatal = new ProtocolError(`worker sent an invalid message: ${problem}`);
          worker.handle.kill();
        },
        exit: (exit) => this.#onExit(worker, exit),
      });
      worker.handle.send({
        t: "init",
        v: PROTOCOL_VERSION,
        moduleUrl: this.moduleUrl,
        ...(this.initializer !== undefined && {
          initializer: this.initializer,
          initArgs: [...this.initArgs],
        }),
      });
    } catch (error) {
      if (worker.handle) worker.handle.kill();
      this.#breakPool(
        new WorkerStartError(
          `could not start a worker: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        ),
      );
      return;
    }
    this.#workers.add(worker);
    this.statsRecorder.workersStarted++;
  }

  #onMessage(worker: PoolWorker, message: WorkerMessage): void {
    switch (message.t) {
      case "ready":
        if (worker.state !== "starting") return;
        worker.state = "ready";
        this.#startFailures = 0;
        this.#dispatch();
        return;
      case "results":
        this.#onResults(worker, message.results);
        return;
      case "released":
        this.#onReleased(worker, message.ids);
        return;
      case "startError":
        worker.startError = deserializeError(message.error);
        return;
      case "fatal":
        worker.fatal = deserializeError(message.error);
        return;
    }
  }

  #onResults(worker: PoolWorker, results: TaskOutcome[]): void {
    for (const [id, status, payload, ms] of results) {
      const record = worker.inflight.get(id);
      if (!record) continue;
      this.#unassign(worker, record);
      const perInput = record.chunk ? ms / Math.max(1, record.args.length) : ms;
      this.#avgRunMs = this.#avgRunMs === undefined ? perInput : this.#avgRunMs * 0.8 + perInput * 0.2;
      switch (status) {
        case Status.ok:
          this.resolveTask(record, payload, ms);
          break;
        case Status.failed:
          this.rejectTask(record, deserializeError(payload, submitStack(record)), ms);
          break;
        case Status.chunkFailed:
          this.rejectTask(
            record,
            new PartialChunkError(payload.values, deserializeError(payload.error, submitStack(record))),
            ms,
          );
          break;
        case Status.dropped:
          break;
      }
    }
    if (worker.killTimer && !this.#runningAborted(worker)) {
      clearTimeout(worker.killTimer);
      worker.killTimer = undefined;
    }
    this.#afterWork(worker);
  }

  /** True while the worker's running task is one that was cancelled or timed out. */
  #runningAborted(worker: PoolWorker): boolean {
    const first = worker.inflight.values().next();
    return !first.done && first.value.state === "done";
  }

  #onReleased(worker: PoolWorker, ids: number[]): void {
    worker.releasing = false;
    // Put them back at the front, last first, so they keep their order.
    for (let i = ids.length - 1; i >= 0; i--) {
      const record = worker.inflight.get(ids[i]!);
      if (!record) continue;
      this.#unassign(worker, record);
      worker.assigned--;
      if (record.state === "done") continue;
      this.#queue.unshift(record);
      this.#queuedLive++;
    }
    this.#dispatch();
  }

  /** After a worker finished something: recycle, idle, or give it more. */
  #afterWork(worker: PoolWorker): void {
    if (worker.inflight.size === 0 && worker.state === "ready") {
      if (worker.assigned >= this.#maxTasksPerWorker) this.#retire(worker);
      else if (this.#queuedLive === 0 && Number.isFinite(this.#idleTimeout)) {
        clearTimeout(worker.idleTimer);
        worker.idleTimer = setTimeout(() => {
          if (worker.state === "ready" && worker.inflight.size === 0) this.#retire(worker);
        }, this.#idleTimeout);
        worker.idleTimer.unref();
      }
    }
    this.#dispatch();
    this.#checkIdle();
  }

  /** Work stealing: an idle worker and an empty queue, while another worker holds unstarted tasks. */
  #stealIfIdle(): void {
    if (this.#queuedLive > 0) return;
    let idle = 0;
    for (const worker of this.#workers)
      if (worker.state === "ready" && worker.inflight.size === 0 && !worker.exclusive) idle++;
    if (idle === 0) return;
    for (const worker of this.#workers) {
      if (worker.releasing || worker.state !== "ready" || worker.inflight.size < 2) continue;
      // Keep the running task and half of the waiting ones; give back the rest.
      const waiting = [...worker.inflight.keys()].slice(1);
      const give = waiting.slice(Math.floor(waiting.length / 2));
      if (give.length === 0) continue;
      worker.releasing = true;
      try {
        worker.handle.send({ t: "release", ids: give });
      } catch {
        worker.releasing = false;
      }
      if (--idle === 0) return;
    }
  }

  /** Closes a worker gracefully (recycling or idle timeout); a replacement starts on demand. */
  #retire(worker: PoolWorker): void {
    if (worker.state !== "ready" || !this.#askToClose(worker)) return;
    worker.killTimer = setTimeout(() => worker.handle.kill(), this.#shutdownGrace);
    worker.killTimer.unref();
  }

  /** ready → closing: the worker finishes what it holds, then exits. False if it had to be killed. */
  #askToClose(worker: PoolWorker): boolean {
    worker.state = "closing";
    clearTimeout(worker.idleTimer);
    try {
      worker.handle.send({ t: "close" });
      return true;
    } catch {
      worker.handle.kill();
      return false;
    }
  }

  #onExit(worker: PoolWorker, exit: WorkerExit): void {
    const wasStarting = worker.state === "starting";
    worker.state = "dead";
    this.#workers.delete(worker);
    clearTimeout(worker.idleTimer);
    clearTimeout(worker.killTimer);
    if (wasStarting) this.#onStartFailure(worker, exit);
    else if (worker.inflight.size > 0) {
      const records = [...worker.inflight.values()];
      for (const record of records) this.#unassign(worker, record);
      const [running, ...waiting] = records;
      if (running && running.state !== "done") {
        this.statsRecorder.workersCrashed++;
        this.rejectTask(running, crashError(running, exit, worker.fatal));
      }
      // The others never started: run them elsewhere rather than lose them.
      for (let i = waiting.length - 1; i >= 0; i--) {
        const record = waiting[i]!;
        if (record.state === "done") continue;
        this.#queue.unshift(record);
        this.#queuedLive++;
      }
    }
    this.#dispatch();
    this.#checkIdle();
    if (this.#workers.size === 0) this.#exitWaiters.releaseAll();
  }

  #onStartFailure(worker: PoolWorker, exit: WorkerExit): void {
    if (worker.startError !== undefined) {
      // The module failed to load or the initializer threw: it would fail again every time.
      this.#breakPool(
        new WorkerStartError(`workers cannot start: ${describe(worker.startError)}`, {
          cause: worker.startError,
        }),
      );
      return;
    }
    if (this.closed && this.#queuedLive === 0) return;
    this.#startFailures++;
    if (this.#startFailures >= MAX_START_FAILURES) {
      const how = exit.signal ? `signal ${exit.signal}` : `exit code ${String(exit.exitCode)}`;
      this.#breakPool(
        new WorkerStartError(
          `workers exited during start-up ${this.#startFailures} times in a row (last: ${how})`,
          {
            cause: worker.fatal ?? exit.error,
          },
        ),
      );
    }
  }

  #breakPool(error: WorkerStartError): void {
    this.#broken ??= error;
    this.#failQueue(this.#broken);
    for (const worker of this.#workers) {
      if (worker.state !== "starting") continue;
      worker.state = "closing";
      worker.handle.kill();
      this.#updateRef(worker);
    }
  }

  #failQueue(error: Error): void {
    for (const record of this.#queue.drain()) if (record.state !== "done") this.rejectTask(record, error);
    this.#queuedLive = 0;
    this.#notifyRoom();
    this.#checkIdle();
  }

  #updateRef(worker: PoolWorker): void {
    const ref = worker.state === "starting" || worker.state === "closing" || worker.inflight.size > 0;
    if (ref !== worker.referenced) {
      worker.referenced = ref;
      worker.handle.setRef(ref);
    }
  }

  // ---- cancel, timeout, shutdown ----------------------------------------------------------

  protected abortRunning(record: TaskRecord, _reason: Error): void {
    // Cancels are rare: finding the worker beats keeping a task → worker map on the hot path.
    let worker: PoolWorker | undefined;
    for (const candidate of this.#workers) if (candidate.inflight.has(record.id)) worker = candidate;
    if (!worker || worker.state === "dead") return;
    try {
      worker.handle.send({ t: "abort", id: record.id });
    } catch {
      // The channel is gone: the worker is dying and its exit will clean up.
    }
    // The running task gets a grace period to stop through its signal; then the worker goes.
    if (worker.inflight.keys().next().value === record.id && !worker.killTimer) {
      worker.killTimer = setTimeout(() => {
        worker.killTimer = undefined;
        if (this.#runningAborted(worker)) {
          worker.handle.kill();
        }
      }, this.#cancelGrace);
    }
  }

  protected forceStop(error: CancelledError): void {
    this.cancelQueued(error);
    // The running tasks: cancelling aborts their signal and kills a worker that does not stop
    // within cancelGracePeriod; its exit then lets close() go on.
    for (const worker of this.#workers) {
      for (const record of [...worker.inflight.values()]) record.future.cancel(error.message);
    }
  }

  protected async close(): Promise<void> {
    const idle = this.#idleWaiters.wait();
    this.#checkIdle();
    await idle;
    if (this.#workers.size === 0) return;
    const exited = this.#exitWaiters.wait();
    for (const worker of this.#workers) {
      if (worker.state === "starting") {
        // Closing, not starting: a 'ready' that was already on its way must not make it a
        // ready (and unreferenced) worker, or nothing would hold the loop open until its exit.
        worker.state = "closing";
        worker.handle.kill();
        this.#updateRef(worker);
        continue;
      }
      if (worker.state === "ready" && !this.#askToClose(worker)) continue;
      // A worker that will not stop (a stuck task, a handle it keeps open) is killed.
      clearTimeout(worker.killTimer);
      worker.killTimer = setTimeout(() => worker.handle.kill(), this.#shutdownGrace);
      this.#updateRef(worker);
    }
    await exited;
    // A child's process handle closes just after its 'exit' event: let it, so that nothing of
    // the pool is left when shutdown resolves.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  #checkIdle(): void {
    if (!this.#idleWaiters.waiting || this.#queuedLive > 0) return;
    for (const worker of this.#workers) if (worker.inflight.size > 0) return;
    this.#idleWaiters.releaseAll();
  }

  #notifyRoom(): void {
    if (this.#queuedLive < this.maxQueue) this.#roomWaiters.releaseAll();
  }

  protected liveCounts(): { workers: number; queued: number; running: number; capacity: number } {
    let running = 0;
    for (const worker of this.#workers) running += worker.inflight.size;
    return { workers: this.#liveWorkers(), queued: this.#queuedLive, running, capacity: this.maxWorkers };
  }
}
