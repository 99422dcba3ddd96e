/**
 * The engine behind ThreadPoolExecutor and ProcessPoolExecutor: the queue, and the rules that
 * move tasks between it and the workers. The workers' lifecycle is pool-workers.ts; who is to
 * blame when one dies, crash-accounting.ts; batch sizes, pool-policy.ts. The two classes differ
 * only in how a worker is made (`createHandle`); the worker side is src/entry/run-task.ts.
 *
 * Invariants:
 * - a task is in exactly one place: the queue, one worker's `inflight`, or settled;
 * - a worker runs its inflight tasks in insertion order, one at a time, so the first entry of
 *   `inflight` not reported is the one running or the next to run, and the ones after it have
 *   not started (that is what makes work stealing safe; after a crash the running slot says
 *   where the worker really was, since it may hold finished results back).
 */
import os from "node:os";
import type { CancelledError, WorkerStartError } from "../errors.js";
import { Status, type TaskOutcome } from "../protocol/messages.js";
import type { HandleEvents, WorkerExit, WorkerHandle } from "../runtime/handle.js";
import type { PoolOptions } from "../types.js";
import { ExecutorBase, checkCount, checkMilliseconds, type TaskRecord } from "./base.js";
import { judgeCrash } from "./crash-accounting.js";
import { autoChunk, pickWorker, prefetchLimit } from "./pool-policy.js";
import { TaskQueue } from "./pool-queue.js";
import { outcomeError, sendBatch } from "./pool-messages.js";
import { crashError, mayRunAborted, runningAborted, type PoolWorker } from "./pool-worker.js";
import { WorkerSet, initMessage } from "./pool-workers.js";
import { Waiters } from "./waiters.js";

export abstract class PoolExecutor<M> extends ExecutorBase<M> {
  /** The most workers this pool runs at once. */
  readonly maxWorkers: number;
  readonly #maxTasksPerWorker: number;
  readonly #idleTimeout: number;
  readonly #cancelGrace: number;
  readonly #prefetch: number | "auto";
  readonly #queue: TaskQueue;
  readonly #workers: WorkerSet;
  /** Tasks that may have been running when a worker died unsure of it: recorded exactly next time. */
  #suspects: WeakSet<TaskRecord> | undefined;
  #dispatchScheduled = false;
  /** Moving average of one input's run time, milliseconds (undefined until a result arrives). */
  #avgRunMs: number | undefined;
  readonly #idleWaiters = new Waiters();

  constructor(module: URL | string, options: PoolOptions) {
    super(module, options);
    this.#queue = new TaskQueue(this.maxQueue);
    this.maxWorkers = checkCount("maxWorkers", options.maxWorkers, os.availableParallelism());
    this.#maxTasksPerWorker = checkCount("maxTasksPerWorker", options.maxTasksPerWorker, Infinity, true);
    this.#idleTimeout = checkCount("idleTimeout", options.idleTimeout, Infinity, true);
    this.#cancelGrace = checkMilliseconds("cancelGracePeriod", options.cancelGracePeriod, 200);
    const shutdownGrace = checkMilliseconds("shutdownGracePeriod", options.shutdownGracePeriod, 5000);
    this.#prefetch =
      options.prefetch === "auto" || options.prefetch === undefined
        ? "auto"
        : checkCount("prefetch", options.prefetch, 1);
    this.#workers = new WorkerSet({
      createHandle: (events) => this.createHandle(events),
      init: initMessage(this.moduleUrl, this.initializer, this.initArgs),
      shutdownGrace,
      stats: this.statsRecorder,
      hooks: {
        ready: () => this.#dispatch(),
        results: (worker, results) => this.#onResults(worker, results),
        released: (worker, ids) => this.#onReleased(worker, ids),
        lost: (worker, exit) => this.#onLost(worker, exit),
        broken: (error) => this.#failQueue(error),
        changed: () => {
          this.#dispatch();
          this.#checkIdle();
        },
      },
    });
  }

  /** Makes one worker (a thread or a process) reporting to `events`. */
  protected abstract createHandle(events: HandleEvents): WorkerHandle;

  // ---- queue side -------------------------------------------------------------------------

  protected enqueue(record: TaskRecord): void {
    const broken = this.#workers.broken;
    if (broken) {
      this.rejectTask(record, broken);
      return;
    }
    this.#queue.push(record);
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
    this.#queue.settled();
  }

  protected cancelQueued(error: CancelledError): void {
    for (const record of this.#queue.drain()) this.cancelRecord(record, error);
    // Tasks sent ahead into a worker but not started are pending too: drop them.
    for (const worker of this.#workers) {
      let first = true;
      for (const record of worker.inflight.values()) {
        if (!first) record.future.cancel(error.message);
        first = false;
      }
    }
    this.#checkIdle();
  }

  protected queuedCount(): number {
    return this.#queue.live;
  }

  protected waitForRoom(): Promise<void> {
    return this.#queue.waitForRoom();
  }

  protected defaultMapBuffer(): number | (() => number) {
    return () => 4 * this.maxWorkers * autoChunk(this.#avgRunMs);
  }

  protected override defaultChunksize(): number | (() => number) {
    return () => autoChunk(this.#avgRunMs);
  }

  #failQueue(error: WorkerStartError): void {
    for (const record of this.#queue.drain()) this.rejectTask(record, error);
    this.#checkIdle();
  }

  // ---- dispatch ---------------------------------------------------------------------------

  #dispatch(): void {
    const broken = this.#workers.broken;
    if (broken) {
      this.#failQueue(broken);
      return;
    }
    const limit = prefetchLimit(this.#prefetch, this.#avgRunMs);
    let batches: Map<PoolWorker, TaskRecord[]> | undefined;
    for (let record = this.#queue.next(); record; record = this.#queue.next()) {
      const exclusive = record.extras?.timeout !== undefined;
      // At the tail (no more waiting tasks than workers) nothing is queued inside a busy worker:
      // a task waiting behind another while a worker sits idle is what makes a batch end late.
      const tailLimit = this.#queue.live <= this.#workers.size ? 1 : limit;
      const worker = pickWorker(this.#workers, tailLimit, exclusive, this.#maxTasksPerWorker);
      if (!worker) break;
      this.#queue.take();
      // A task given back (work stealing, a crash) is already "running" as far as its future knows.
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
    if (refused) {
      // A refused task freed a place in its worker: fill it. And it may have been the last task
      // shutdown was waiting for (bpo-39104: without this check, shutdown() never resolved).
      if (this.#queue.live > 0) this.#scheduleDispatch();
      this.#checkIdle();
    }
    this.#spawnAsNeeded();
    // Work stealing: an idle worker and an empty queue, while another holds unstarted tasks.
    if (this.#queue.live === 0) this.#workers.steal();
    this.#queue.notifyRoom();
    for (const worker of this.#workers) this.#workers.updateRef(worker);
  }

  /** Sends a batch to a worker; false when some task in it could not be sent (and was failed). */
  #send(worker: PoolWorker, records: TaskRecord[]): boolean {
    const refused = sendBatch(worker.handle, records, this.#suspects);
    for (const [record, error] of refused) {
      this.#unassign(worker, record);
      worker.assigned--;
      this.rejectTask(record, error);
    }
    return refused.length === 0;
  }

  #unassign(worker: PoolWorker, record: TaskRecord): void {
    worker.inflight.delete(record.id);
    if (worker.inflight.size === 0) worker.exclusive = false;
  }

  #spawnAsNeeded(): void {
    const waiting = this.#queue.live;
    if (this.closed && waiting === 0) return;
    // Start workers in parallel, as many as the waiting tasks can use.
    this.#workers.spawn(Math.min(this.maxWorkers - this.#workers.live(), waiting - this.#workers.starting()));
  }

  #onResults(worker: PoolWorker, results: TaskOutcome[]): void {
    for (const outcome of results) {
      const [id, status, payload, ms] = outcome;
      const record = worker.inflight.get(id);
      if (!record) continue;
      this.#unassign(worker, record);
      const perInput = record.chunk ? ms / Math.max(1, record.args.length) : ms;
      this.#avgRunMs = this.#avgRunMs === undefined ? perInput : this.#avgRunMs * 0.8 + perInput * 0.2;
      if (status === Status.ok) this.resolveTask(record, payload, ms);
      else if (status !== Status.dropped) this.rejectTask(record, outcomeError(record, outcome), ms);
    }
    if (worker.cancelKillTimer && !mayRunAborted(worker)) this.#workers.cancelKill(worker);
    // A flush reveals where the worker is: a cancelled task may now be known to be running.
    if (!worker.cancelKillTimer && runningAborted(worker)) this.#killIfStillAborted(worker);
    this.#afterWork(worker);
  }

  /** The aborted task gets cancelGracePeriod to stop through its signal; then the worker goes. */
  #killIfStillAborted(worker: PoolWorker): void {
    this.#workers.killLater(worker, this.#cancelGrace, () => mayRunAborted(worker));
  }

  #onReleased(worker: PoolWorker, ids: number[]): void {
    worker.releasing = false;
    const records: TaskRecord[] = [];
    for (const id of ids) {
      const record = worker.inflight.get(id);
      if (!record) continue;
      this.#unassign(worker, record);
      worker.assigned--;
      records.push(record);
    }
    this.#queue.requeue(records);
    this.#dispatch();
  }

  /** After a worker finished something: recycle, idle, or give it more. */
  #afterWork(worker: PoolWorker): void {
    if (worker.inflight.size === 0 && worker.state === "ready") {
      if (worker.assigned >= this.#maxTasksPerWorker) this.#workers.retire(worker);
      else if (this.#queue.live === 0 && Number.isFinite(this.#idleTimeout))
        this.#workers.idleLater(worker, this.#idleTimeout);
    }
    this.#dispatch();
    this.#checkIdle();
  }

  /** A worker died holding tasks: the one it was running fails, the others run elsewhere. */
  #onLost(worker: PoolWorker, exit: WorkerExit): void {
    const records = [...worker.inflight.values()];
    for (const record of records) this.#unassign(worker, record);
    const { running, requeue, suspects, started } = judgeCrash(records, exit.slot);
    // A running task already settled was cancelled or timed out: killing its worker was ours.
    const ours =
      worker.killedForCancel ||
      (running ? running.state === "done" : records.every((r) => r.state === "done"));
    if (!ours) this.statsRecorder.workersCrashed++;
    if (running) this.rejectTask(running, crashError(running, exit, worker.fatal));
    // Made on the first crash that leaves suspects: until then, sending pays no lookup.
    if (suspects.length > 0) this.#suspects ??= new WeakSet();
    for (const record of suspects) this.#suspects!.add(record);
    // Their next run is their next attempt: an earlier one may have had effects.
    for (const record of started) {
      const extras = (record.extras ??= {});
      extras.attempt = (extras.attempt ?? 1) + 1;
    }
    this.#queue.requeue(requeue);
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
    // Checked when the grace period ends, not now: the task may be queued behind others, or
    // running behind finished results the worker holds back.
    this.#killIfStillAborted(worker);
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
    await this.#workers.closeAll();
  }

  #checkIdle(): void {
    if (!this.#idleWaiters.waiting || this.#queue.live > 0) return;
    for (const worker of this.#workers) if (worker.inflight.size > 0) return;
    this.#idleWaiters.releaseAll();
  }

  protected liveCounts(): { workers: number; queued: number; running: number; capacity: number } {
    let running = 0;
    for (const worker of this.#workers) running += worker.inflight.size;
    return { workers: this.#workers.live(), queued: this.#queue.live, running, capacity: this.maxWorkers };
  }
}
