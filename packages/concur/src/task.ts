/**
 * What a running task can ask about itself, the same way on every executor. Import it in a task
 * module as `import { taskSignal } from "concur/task"`: it is tiny and loads no executor code, so
 * it is cheap inside workers.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { isThenable } from "./thenable.js";

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
  /** In-process executors interleave tasks on one thread, so async tasks need async context. */
  storage: AsyncLocalStorage<TaskContext>;
  /**
   * The task whose code runs now when no async context says otherwise: set for a whole task by
   * a worker (it runs one task at a time), and for the synchronous call of a plain task by an
   * in-process executor. It avoids enabling async hooks, which tax every promise in the process.
   */
  serial: TaskContext | undefined;
  /** Thenables returned by tasks run here and not yet settled (see callInTaskContext). */
  asyncTasks?: number;
  /** Whether `storage` may be enabled (a run() since it was last disabled). */
  storageOn?: boolean;
  storageOffScheduled?: boolean;
}
const holder = globalThis as { [KEY]?: Shared };
const shared: Shared = (holder[KEY] ??= { storage: new AsyncLocalStorage<TaskContext>(), serial: undefined });
// A copy of an older concur may have made the object without these.
shared.asyncTasks ??= 0;
shared.storageOn ??= true;
shared.storageOffScheduled ??= false;

const neverAborted = new AbortController().signal;

/**
 * The AbortSignal of the task that is running now: pass it to `fetch`, timers or your own loops
 * so that a cancelled or timed-out task stops early. Outside a task it is a signal that never aborts
 * (where a task's context is available: see {@link currentTask}).
 * @example
 * export async function download(url: string) {
 *   const res = await fetch(url, { signal: taskSignal() });
 *   return res.text();
 * }
 */
export function taskSignal(): AbortSignal {
  return (shared.storage.getStore() ?? shared.serial)?.signal ?? neverAborted;
}

/**
 * The context of the running task, or undefined outside a task.
 *
 * Inside a task it is available everywhere in the task's run: its synchronous code and, when it
 * returns a promise, everything on that promise's async chain (after each `await`, in `.then`
 * callbacks). One exception, on the in-process executors (`AsyncExecutor`, `SequentialExecutor`)
 * only: a plain (non-`async`) function that returned a plain value the last time it ran, and
 * now returns a promise, is run without async context that once, so its code after the
 * synchronous part sees `undefined`. This keeps async hooks off for synchronous tasks (see
 * docs/design.md); write such a task as an `async function` to be exact every time.
 */
export function currentTask(): TaskContext | undefined {
  return shared.storage.getStore() ?? shared.serial;
}

/**
 * Per task function, whether it has ever returned a thenable (true: it always runs in async
 * context) or returned a plain value every time so far (false: its next call runs without it).
 * Absent: never run yet, so it runs in async context.
 */
const returnsThenables = new WeakMap<object, boolean>();

/**
 * @internal Calls `fn(...args)` as the task `context`, for in-process executors (their tasks
 * interleave on one thread). When the result is a thenable, the caller must call
 * {@link endAsyncTask} once it has settled.
 *
 * Why not always `storage.run`: on Node 20, an AsyncLocalStorage that has run once keeps async
 * hooks on for every promise, tick and handle of the process (a queue engine's included),
 * which cost a distributed worker about 15% of its CPU per tiny job (measured). A plain
 * function that returned a plain value last time is called with the context in `serial`
 * instead, for its synchronous run only, and the storage is disabled once no async task is in
 * flight. The price, documented on {@link currentTask}: if such a function returns a thenable
 * after all, code that runs after its synchronous part (a `.then` callback, say) sees no context
 * on that one call; from then on it always runs in async context. An `async function` always
 * does.
 */
export function callInTaskContext(
  context: TaskContext,
  fn: (...args: never[]) => unknown,
  args: unknown[],
): unknown {
  let value: unknown;
  if (returnsThenables.get(fn) === false && shared.storage.getStore() === undefined) {
    const outer = shared.serial;
    shared.serial = context;
    try {
      value = Reflect.apply(fn, undefined, args);
    } finally {
      shared.serial = outer;
    }
    if (!isThenable(value)) return value;
  } else {
    shared.storageOn = true;
    value = shared.storage.run(context, () => Reflect.apply(fn, undefined, args));
    if (!isThenable(value)) {
      if (!returnsThenables.has(fn)) returnsThenables.set(fn, false);
      if (shared.asyncTasks === 0) scheduleStorageOff();
      return value;
    }
  }
  returnsThenables.set(fn, true);
  shared.asyncTasks!++;
  return value;
}

/**
 * @internal Runs `fn` as the task `context` the way an in-process executor runs a task
 * ({@link callInTaskContext}), for tests that run a task function by hand; a thenable it returns
 * is reported to {@link endAsyncTask} when it settles.
 */
export function runInTaskContext<R>(context: TaskContext, fn: () => R): R {
  const value = callInTaskContext(context, fn, []);
  if (isThenable(value)) value.then(endAsyncTask, endAsyncTask);
  return value as R;
}

/** @internal Reports that a thenable returned by {@link callInTaskContext} has settled. */
export function endAsyncTask(): void {
  if (--shared.asyncTasks! === 0) scheduleStorageOff();
}

function scheduleStorageOff(): void {
  if (shared.storageOffScheduled || !shared.storageOn) return;
  shared.storageOffScheduled = true;
  // Once per event-loop turn at most: toggling the hooks is not free, and tasks that finish in
  // a burst would otherwise switch them off and on again one after another.
  setImmediate(() => {
    shared.storageOffScheduled = false;
    if (shared.asyncTasks !== 0) return;
    // Code left behind by a finished task (a timer it set and did not wait for) sees no context
    // from here on; the task itself has ended.
    shared.storage.disable();
    shared.storageOn = false;
  }).unref();
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
