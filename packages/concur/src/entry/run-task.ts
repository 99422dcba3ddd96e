/**
 * The worker side of a pool, whatever carries the messages (thread port or process channel).
 * Main-side counterpart: src/executors/pool.ts with src/runtime/*-handle.ts.
 *
 * Tasks run one at a time, in the order received, even async ones: a pool of N workers runs at
 * most N tasks at once, as in Python. The main side may send several tasks ahead (prefetch) to
 * hide the round trip; results are sent back in batches, one message per drained batch.
 */
import { NotSerializableError, CancelledError, ProtocolError } from "../errors.js";
import {
  PROTOCOL_VERSION,
  Status,
  checkMainMessage,
  type MainMessage,
  type RunTask,
  type TaskOutcome,
  type WorkerMessage,
} from "../protocol/messages.js";
import { serializeError } from "../protocol/serialize-error.js";
import { findTask, loadTaskModule, type LoadedModule } from "../protocol/task-module.js";
import { LazyTaskContext, setSerialTask } from "../task.js";
import { SlotWriter, type SlotStore } from "./slot-writer.js";

/** How a worker talks to its main side. */
export interface Transport {
  /** Sends a message; throws synchronously when it cannot be serialized. */
  send(message: WorkerMessage): void;
  /** Flushes what was sent and ends the worker. */
  exit(code: number): void;
  /** The running slot, where the main side learns which task a dead worker was running. */
  slot?: SlotStore;
  /** False once the main side is gone (a process whose parent died): start nothing more. */
  alive?(): boolean;
}

/** Results are flushed at the latest after this many, so a long batch still streams back. */
const FLUSH_EVERY = 64;
/** Back-to-back work after which the drain loop lets this thread's event loop turn (see #drain). */
const YIELD_AFTER_MS = 1;
/** A finished result waits at most this long for others to share its message. */
const MAX_HOLD_MS = 20;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

export class WorkerRuntime {
  readonly #transport: Transport;
  #module: LoadedModule | undefined;
  #queue: Array<RunTask | undefined> = [];
  #head = 0;
  #draining = false;
  #closing = false;
  #dropped = new Set<number>();
  #current: { id: number; context: LazyTaskContext } | undefined;
  #outbox: TaskOutcome[] = [];
  #outboxNames: string[] = [];
  #lastTurn = performance.now();
  #lastFlush = performance.now();
  readonly #slot: SlotWriter;

  constructor(transport: Transport) {
    this.#transport = transport;
    this.#slot = new SlotWriter(transport.slot);
  }

  /** The worker is exiting by its own hand (process.exit in a task): record what ran, exactly. */
  dying(): void {
    this.#slot.dying(this.#current?.id);
  }

  /** Entry point for every message from the main side. */
  handle(raw: unknown): void {
    const problem = checkMainMessage(raw);
    if (problem !== undefined) {
      // The main side is concur itself: a bad message means a bug or a foreign writer on the
      // channel. Die loudly; the pool sees the crash and replaces the worker.
      this.fatal(new ProtocolError(`worker received an invalid message: ${problem}`));
      return;
    }
    const message = raw as MainMessage;
    switch (message.t) {
      case "init":
        void this.#init(message.moduleUrl, message.initializer, message.initArgs ?? []);
        return;
      case "run":
        for (const task of message.tasks) this.#queue.push(task);
        if (!this.#draining && this.#module) void this.#drain();
        return;
      case "abort":
        if (this.#current?.id === message.id) {
          this.#current.context.abort(
            new CancelledError(`task "${this.#current.context.name}" was cancelled`),
          );
        } else if (this.#isQueued(message.id)) this.#dropped.add(message.id);
        // Whatever it was, results held back go now: until the main side hears of them, it
        // cannot tell which task runs here, and would stop this worker after cancelGracePeriod
        // if the cancelled task might be the one.
        this.#flush();
        return;
      case "release":
        this.#release(message.ids);
        return;
      case "close":
        this.#closing = true;
        if (!this.#draining) this.#exit(0);
        return;
    }
  }

  /** Reports an error that happened outside any task, then exits. */
  fatal(error: unknown): void {
    this.dying();
    try {
      // Results held back go first: a task the main side never hears of counts as not started,
      // and would run again elsewhere.
      this.#flush();
      this.#transport.send({ t: "fatal", error: serializeError(error) });
    } finally {
      this.#transport.exit(1);
    }
  }

  async #init(url: string, initializer: string | undefined, initArgs: unknown[]): Promise<void> {
    let module: LoadedModule;
    try {
      module = await loadTaskModule(url);
      if (initializer !== undefined) await findTask(module, initializer)(...initArgs);
    } catch (error) {
      this.#transport.send({ t: "startError", error: serializeError(error) });
      this.#transport.exit(1);
      return;
    }
    this.#module = module;
    this.#transport.send({ t: "ready", v: PROTOCOL_VERSION, exports: [...module.tasks.keys()] });
    if (this.#queue.length > this.#head) void this.#drain();
  }

  #isQueued(id: number): boolean {
    for (let i = this.#head; i < this.#queue.length; i++) if (this.#queue[i]?.id === id) return true;
    return false;
  }

  #release(ids: number[]): void {
    const wanted = new Set(ids);
    const released: number[] = [];
    const kept: Array<RunTask | undefined> = [];
    for (let i = this.#head; i < this.#queue.length; i++) {
      const task = this.#queue[i];
      if (task === undefined) continue;
      if (wanted.has(task.id)) released.push(task.id);
      else kept.push(task);
    }
    this.#queue = kept;
    this.#head = 0;
    this.#transport.send({ t: "released", ids: released });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    // Nothing is held when a drain starts (the last one flushed as it ended).
    this.#lastTurn = this.#lastFlush = performance.now();
    const module = this.#module!;
    while (this.#head < this.#queue.length) {
      if (this.#transport.alive?.() === false) {
        // Orphaned: nobody will read the results, and a task started now would run unwatched.
        this.#closing = true;
        break;
      }
      const task = this.#queue[this.#head]!;
      this.#queue[this.#head++] = undefined;
      if (this.#dropped.delete(task.id)) {
        this.#push(task.name, [task.id, Status.dropped, null, 0]);
      } else {
        const context = new LazyTaskContext(task.name, task.attempt ?? 1);
        this.#current = { id: task.id, context };
        setSerialTask(context);
        // Recorded before the task runs: a worker that dies in it must be seen to have started it.
        this.#slot.starting(task.id, task.exact === true);
        const start = performance.now();
        let outcome: TaskOutcome;
        try {
          const fn = findTask(module, task.name);
          if (task.chunk) {
            outcome = await this.#runChunk(fn, task, start);
          } else {
            let value = fn(...task.args);
            if (isThenable(value)) {
              // Results finished so far must not wait behind a task that may take long.
              this.#flush();
              this.#slot.awaiting(task.id);
              value = await value;
            }
            outcome = [task.id, Status.ok, value, performance.now() - start];
          }
        } catch (error) {
          outcome = [task.id, Status.failed, serializeError(error), performance.now() - start];
        }
        this.#current = undefined;
        setSerialTask(undefined);
        this.#slot.ended(task.id, outcome[3]);
        this.#push(task.name, outcome);
      }
      const waiting = this.#queue.length - this.#head;
      const now = performance.now();
      const held = now - this.#lastFlush;
      // When to send the results so far. Every message wakes the main thread, and on a machine
      // whose cores the workers keep busy each wake-up costs far more than the message itself
      // (~0.1 ms of CPU taken from the workers here), so results wait to share a message until
      // the main side needs them: when this worker runs dry, when only one task is left to start
      // (the main side refills it while that task runs: no gap; tiny tasks, whose whole batch
      // runs within a millisecond, skip this and report once at the end), after FLUSH_EVERY
      // results, or once the oldest has waited MAX_HOLD_MS.
      if (
        waiting === 0 ||
        this.#outbox.length >= FLUSH_EVERY ||
        held > MAX_HOLD_MS ||
        (waiting === 1 && held > YIELD_AFTER_MS)
      ) {
        this.#flush();
      }
      if (waiting > 0 && now - this.#lastTurn > YIELD_AFTER_MS) {
        // Long tasks: let this thread's event loop turn, so that a `release` (work stealing) or
        // an `abort` for a waiting task is seen before that task starts, not after.
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.#lastTurn = performance.now();
      }
    }
    // A `release` seen at the last yield may have emptied the queue with results still held.
    this.#flush();
    this.#slot.idle();
    this.#queue = [];
    this.#head = 0;
    this.#draining = false;
    if (this.#closing) this.#exit(0);
  }

  async #runChunk(fn: (...args: unknown[]) => unknown, task: RunTask, start: number): Promise<TaskOutcome> {
    const values: unknown[] = [];
    for (const input of task.args) {
      try {
        let value = fn(input);
        if (isThenable(value)) value = await value;
        values.push(value);
      } catch (error) {
        return [
          task.id,
          Status.chunkFailed,
          { values, error: serializeError(error) },
          performance.now() - start,
        ];
      }
    }
    return [task.id, Status.ok, values, performance.now() - start];
  }

  #push(name: string, outcome: TaskOutcome): void {
    this.#outbox.push(outcome);
    this.#outboxNames.push(name);
  }

  #flush(): void {
    this.#lastFlush = performance.now();
    if (this.#outbox.length === 0) return;
    const results = this.#outbox;
    const names = this.#outboxNames;
    this.#outbox = [];
    this.#outboxNames = [];
    try {
      this.#transport.send({ t: "results", results });
    } catch {
      // One result could not be cloned and took the batch with it: send them one by one and
      // replace only the culprits, so the worker and the other results survive.
      results.forEach((outcome, i) => this.#sendOne(outcome, names[i] ?? "?"));
    }
  }

  #sendOne(outcome: TaskOutcome, name: string): void {
    try {
      this.#transport.send({ t: "results", results: [outcome] });
    } catch (error) {
      const replacement = new NotSerializableError(
        `the result of task "${name}" cannot be sent back to the main side: ${error instanceof Error ? error.message : String(error)}`,
        name,
      );
      this.#transport.send({
        t: "results",
        results: [[outcome[0], Status.failed, serializeError(replacement), outcome[3]]],
      });
    }
  }

  #exit(code: number): void {
    this.#flush();
    this.#transport.exit(code);
  }
}
