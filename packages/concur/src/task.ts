/**
 * What a running task can ask about itself, the same way on every executor. Import it in a task
 * module as `import { taskSignal } from "concur/task"`: it is tiny and loads no executor code, so
 * it is cheap inside workers.
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** The context of one running task. */
export interface TaskContext {
  /** Aborts when the task is cancelled, times out, or its executor shuts down with cancelFutures. */
  readonly signal: AbortSignal;
  /** The task's name. */
  readonly name: string;
  /**
   * Which run of this task this is: 1 the first time, n when the executor runs it again because
   * an earlier run may have started and its outcome was lost. That happens on a
   * `DistributedExecutor` (a job taken back from a machine that died, or handed back by a worker
   * stopping past its grace period: delivery is at-least-once) and on a thread or process pool
   * whose worker died before reporting results it had finished. Otherwise it is 1
   * (`SequentialExecutor` and `AsyncExecutor` never run a task twice). A task with side effects
   * can read it to look for what an earlier run left behind.
   */
  readonly attempt: number;
}

// Kept on a global symbol so that two copies of concur (a bundled one and a linked one, say)
// share it: the executor that runs the task and the task that asks may come from different copies.
const KEY = Symbol.for("concur.taskContext");
interface Shared {
  /** In-process executors interleave tasks on one thread, so they need async context. */
  storage: AsyncLocalStorage<TaskContext>;
  /**
   * A worker runs one task at a time, so a plain slot is enough there, and it avoids enabling
   * async hooks (which tax every promise) in workers.
   */
  serial: TaskContext | undefined;
}
const holder = globalThis as { [KEY]?: Shared };
const shared: Shared = (holder[KEY] ??= { storage: new AsyncLocalStorage<TaskContext>(), serial: undefined });

const neverAborted = new AbortController().signal;

/**
 * The AbortSignal of the task that is running now: pass it to `fetch`, timers or your own loops
 * so that a cancelled or timed-out task stops early. Outside a task it is a signal that never aborts.
 * @example
 * export async function download(url: string) {
 *   const res = await fetch(url, { signal: taskSignal() });
 *   return res.text();
 * }
 */
export function taskSignal(): AbortSignal {
  return (shared.storage.getStore() ?? shared.serial)?.signal ?? neverAborted;
}

/** The context of the running task, or undefined outside a task. */
export function currentTask(): TaskContext | undefined {
  return shared.storage.getStore() ?? shared.serial;
}

/** @internal Runs `fn` as the task `context` (in-process executors: tasks interleave). */
export function runInTaskContext<R>(context: TaskContext, fn: () => R): R {
  return shared.storage.run(context, fn);
}

/** @internal Marks `context` as the task running now, for runners that run one task at a time. */
export function setSerialTask(context: TaskContext | undefined): void {
  shared.serial = context;
}

/**
 * @internal A task's context whose AbortController is made only if the task asks for its
 * signal: most tasks never do, and an AbortController per task is measurable at 100k tasks/s.
 */
export class LazyTaskContext implements TaskContext {
  #controller: AbortController | undefined;
  #reason: unknown;
  constructor(
    readonly name: string,
    readonly attempt: number = 1,
  ) {}

  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    if (this.#reason !== undefined && !this.#controller.signal.aborted) this.#controller.abort(this.#reason);
    return this.#controller.signal;
  }

  abort(reason: unknown): void {
    this.#reason ??= reason ?? new Error(`task "${this.name}" was aborted`);
    this.#controller?.abort(this.#reason);
  }
}
