/**
 * The workers of a pool and their lifecycle: spawn, ready, retire, close, exit, and what a death
 * during start-up means (start-policy.ts). What runs where is the engine's business (pool.ts):
 * this file tells it when a worker is ready, what it reported, and when it died holding tasks.
 *
 * States: starting → ready → closing → dead (or starting/ready → dead). A worker keeps this
 * process alive (ref) only while it starts, holds tasks, or is closing.
 */
import { ProtocolError, WorkerStartError } from "../errors.js";
import {
  PROTOCOL_VERSION,
  type MainMessage,
  type TaskOutcome,
  type WorkerMessage,
} from "../protocol/messages.js";
import { deserializeError } from "../protocol/serialize-error.js";
import type { HandleEvents, WorkerExit, WorkerHandle } from "../runtime/handle.js";
import { pickSteals } from "./pool-policy.js";
import { newPoolWorker, type PoolWorker } from "./pool-worker.js";
import { StartPolicy } from "./start-policy.js";
import type { StatsRecorder } from "./stats.js";
import { Waiters } from "./waiters.js";

/** What the engine hears from its workers. */
export interface WorkerSetHooks {
  ready(worker: PoolWorker): void;
  results(worker: PoolWorker, results: TaskOutcome[]): void;
  released(worker: PoolWorker, ids: number[]): void;
  /** A worker that was not starting died holding tasks (`worker.inflight`, still in place). */
  lost(worker: PoolWorker, exit: WorkerExit): void;
  /** Workers cannot start (the pool is broken for good), or one may be started again after a back-off. */
  broken(error: WorkerStartError): void;
  /** Something changed (an exit, a back-off ended): dispatch again, check for idleness. */
  changed(): void;
}

export interface WorkerSetOptions {
  createHandle(events: HandleEvents): WorkerHandle;
  init: Extract<MainMessage, { t: "init" }>;
  shutdownGrace: number;
  stats: StatsRecorder;
  hooks: WorkerSetHooks;
}

export class WorkerSet implements Iterable<PoolWorker> {
  readonly #options: WorkerSetOptions;
  readonly #workers = new Set<PoolWorker>();
  readonly #policy = new StartPolicy();
  readonly #exitWaiters = new Waiters();
  #broken: WorkerStartError | undefined;
  /** Set while the pool waits before starting a worker again (workers were killed at start-up). */
  #backoff: NodeJS.Timeout | undefined;

  constructor(options: WorkerSetOptions) {
    this.#options = options;
  }

  get broken(): WorkerStartError | undefined {
    return this.#broken;
  }

  get size(): number {
    return this.#workers.size;
  }

  [Symbol.iterator](): IterableIterator<PoolWorker> {
    return this.#workers.values();
  }

  /** Workers starting or ready (the ones that count against maxWorkers). */
  live(): number {
    let n = 0;
    for (const worker of this.#workers) if (worker.state === "starting" || worker.state === "ready") n++;
    return n;
  }

  starting(): number {
    let n = 0;
    for (const worker of this.#workers) if (worker.state === "starting") n++;
    return n;
  }

  /** Starts up to `count` workers in parallel, unless the pool is broken or backing off. */
  spawn(count: number): void {
    while (count-- > 0 && !this.#broken && !this.#backoff) this.#spawnOne();
  }

  #spawnOne(): void {
    const worker = newPoolWorker();
    try {
      worker.handle = this.#options.createHandle({
        message: (message) => this.#onMessage(worker, message),
        invalid: (problem) => {
          worker.fatal = new ProtocolError(`worker sent an invalid message: ${problem}`);
          worker.handle.kill();
        },
        exit: (exit) => this.#onExit(worker, exit),
      });
      worker.handle.send(this.#options.init);
    } catch (error) {
      if (worker.handle) worker.handle.kill();
      this.#break(
        new WorkerStartError(
          `could not start a worker: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        ),
      );
      return;
    }
    this.#workers.add(worker);
    this.#options.stats.workersStarted++;
  }

  #onMessage(worker: PoolWorker, message: WorkerMessage): void {
    switch (message.t) {
      case "ready":
        if (worker.state !== "starting") return;
        worker.state = "ready";
        this.#policy.ready();
        this.#options.hooks.ready(worker);
        return;
      case "results":
        this.#options.hooks.results(worker, message.results);
        return;
      case "released":
        this.#options.hooks.released(worker, message.ids);
        return;
      case "startError":
        worker.startError = deserializeError(message.error);
        return;
      case "fatal":
        worker.fatal = deserializeError(message.error);
        return;
    }
  }

  #onExit(worker: PoolWorker, exit: WorkerExit): void {
    const wasStarting = worker.state === "starting";
    worker.state = "dead";
    this.#workers.delete(worker);
    clearTimeout(worker.idleTimer);
    clearTimeout(worker.killTimer);
    clearTimeout(worker.cancelKillTimer);
    if (wasStarting) this.#onStartFailure(worker, exit);
    else if (worker.inflight.size > 0) this.#options.hooks.lost(worker, exit);
    this.#options.hooks.changed();
    if (this.#workers.size === 0) this.#exitWaiters.releaseAll();
  }

  #onStartFailure(worker: PoolWorker, exit: WorkerExit): void {
    const decision = this.#policy.failed(exit, worker.startError, worker.fatal);
    this.#options.stats.workerStartFailures = this.#policy.failures;
    this.#options.stats.lastStartFailure = this.#policy.last;
    if (decision.action === "stop") {
      this.#break(new WorkerStartError(decision.message, { cause: decision.cause }));
    } else if (decision.delayMs > 0 && !this.#backoff) {
      // Ref'd on purpose: tasks are waiting for this worker, so the process must wait too.
      this.#backoff = setTimeout(() => {
        this.#backoff = undefined;
        this.#options.hooks.changed();
      }, decision.delayMs);
    }
  }

  #break(error: WorkerStartError): void {
    this.#broken ??= error;
    clearTimeout(this.#backoff);
    this.#backoff = undefined;
    for (const worker of this.#workers) {
      if (worker.state !== "starting") continue;
      worker.state = "closing";
      worker.handle.kill();
      this.updateRef(worker);
    }
    this.#options.hooks.broken(this.#broken);
  }

  /** Closes a worker gracefully after `idleTimeout` without work (a replacement starts on demand). */
  idleLater(worker: PoolWorker, idleTimeout: number): void {
    clearTimeout(worker.idleTimer);
    worker.idleTimer = setTimeout(() => {
      if (worker.state === "ready" && worker.inflight.size === 0) this.retire(worker);
    }, idleTimeout);
    worker.idleTimer.unref();
  }

  /** Closes a ready worker gracefully (recycling, idle timeout). */
  retire(worker: PoolWorker): void {
    if (worker.state !== "ready" || !this.#askToClose(worker)) return;
    worker.killTimer = setTimeout(() => worker.handle.kill(), this.#options.shutdownGrace);
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

  /** Shutdown, once nothing is left to run: every worker closes; resolves when all have exited. */
  async closeAll(): Promise<void> {
    clearTimeout(this.#backoff);
    this.#backoff = undefined;
    if (this.#workers.size === 0) return;
    const exited = this.#exitWaiters.wait();
    for (const worker of this.#workers) {
      if (worker.state === "starting") {
        // Closing, not starting: a 'ready' that was already on its way must not make it a
        // ready (and unreferenced) worker, or nothing would hold the loop open until its exit.
        worker.state = "closing";
        worker.handle.kill();
        this.updateRef(worker);
        continue;
      }
      if (worker.state === "ready" && !this.#askToClose(worker)) continue;
      // A worker that will not stop (a stuck task, a handle it keeps open) is killed.
      clearTimeout(worker.killTimer);
      worker.killTimer = setTimeout(() => worker.handle.kill(), this.#options.shutdownGrace);
      this.updateRef(worker);
    }
    await exited;
    // A child's process handle closes just after its 'exit' event: let it, so that nothing of
    // the pool is left when shutdown resolves.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Asks busy workers to give back unstarted tasks for the idle ones (pickSteals). */
  steal(): void {
    for (const [worker, ids] of pickSteals(this.#workers)) {
      worker.releasing = true;
      try {
        worker.handle.send({ t: "release", ids });
      } catch {
        worker.releasing = false;
      }
    }
  }

  /** Kills `worker` after `ms` if `still()` says it should go then (a task ignoring its abort). */
  killLater(worker: PoolWorker, ms: number, still: () => boolean): void {
    if (worker.cancelKillTimer) return;
    worker.cancelKillTimer = setTimeout(() => {
      worker.cancelKillTimer = undefined;
      if (!still()) return;
      worker.killedForCancel = true;
      worker.handle.kill();
    }, ms);
  }

  /** The task that made killLater wait reported: the kill is off. */
  cancelKill(worker: PoolWorker): void {
    clearTimeout(worker.cancelKillTimer);
    worker.cancelKillTimer = undefined;
  }

  updateRef(worker: PoolWorker): void {
    const ref = worker.state === "starting" || worker.state === "closing" || worker.inflight.size > 0;
    if (ref !== worker.referenced) {
      worker.referenced = ref;
      worker.handle.setRef(ref);
    }
  }
}

/** The init message every worker gets first. */
export function initMessage(
  moduleUrl: string,
  initializer: string | undefined,
  initArgs: readonly unknown[],
): Extract<MainMessage, { t: "init" }> {
  return {
    t: "init",
    v: PROTOCOL_VERSION,
    moduleUrl,
    ...(initializer !== undefined && { initializer, initArgs: [...initArgs] }),
  };
}
