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
}

// Keyed on a global symbol so that two copies of concur (a bundled one and a linked one, say)
// still share one store: the executor that runs the task and the task that asks may differ.
const KEY = Symbol.for("concur.taskContext");
type Holder = { [KEY]?: AsyncLocalStorage<TaskContext> };
const holder = globalThis as Holder;
const storage: AsyncLocalStorage<TaskContext> = (holder[KEY] ??= new AsyncLocalStorage<TaskContext>());

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
  return storage.getStore()?.signal ?? neverAborted;
}

/** The context of the running task, or undefined outside a task. */
export function currentTask(): TaskContext | undefined {
  return storage.getStore();
}

/** @internal Runs `fn` as the task `context` (used by every executor's task runner). */
export function runInTaskContext<R>(context: TaskContext, fn: () => R): R {
  return storage.run(context, fn);
}
