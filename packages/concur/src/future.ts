import { CancelledError, WaitTimeoutError } from "./errors.js";
import { checkWaitTimeout } from "./validate.js";

/** Where a future is in its life. */
export type FutureState = "pending" | "running" | "fulfilled" | "rejected" | "cancelled";

/** The executor behind a future: asked to cancel the task; returns false if it could not. */
export interface FutureOwner {
  cancelFuture(token: unknown, reason: CancelledError): boolean;
}

/**
 * @internal What an executor may do to the futures it creates. Plain functions, set up once in
 * Future's static block (they reach its #private state), so no closures are made per task.
 */
export interface FutureInternals {
  /** pending → running; false if it was already cancelled. */
  start(future: Future<unknown>): boolean;
  resolve(future: Future<unknown>, value: unknown): boolean;
  reject(future: Future<unknown>, error: unknown): boolean;
  cancel(future: Future<unknown>, error: CancelledError): boolean;
  /** Who to ask when the future is cancelled, and the token to give back (the task record). */
  bind(future: Future<unknown>, owner: FutureOwner, token: unknown): void;
}
// Assigned by Future's static block, which runs when the class is defined (declared above it,
// so the block does not hit the temporal dead zone).

export let futureInternals: FutureInternals;

/** Marks a future's rejection as handled, so that a failure nobody awaits stays silent. */
const ignore = (): void => undefined;
const nativeThen = Promise.prototype.then;

/**
 * The eventual result of a task, as Python's `concurrent.futures.Future`: a native Promise that
 * can also be inspected (`done()`, `state`), cancelled, and given done-callbacks.
 *
 * Why a Promise subclass: awaiting a native promise is what V8 makes cheap. A hand-written
 * thenable costs a wrapper promise, a thenable job and a promise of its own per `await`, about
 * 1 KB and 2 µs per task under `Promise.all`. A subclass keeps the built-in `then`; and because
 * `future.constructor` is `Promise` (set below), `await`, `Promise.all` and `Promise.resolve` take
 * a future as it is, as they do a plain promise, and `then` returns plain promises.
 *
 * A rejected future nobody awaits is not an unhandled rejection (as in Python): a no-op handler
 * is attached just before it rejects. Do not call the Promise statics on it (`Future.resolve`):
 * its constructor takes a task name, not an executor.
 */
export class Future<T> extends Promise<T> {
  #state: FutureState = "pending";
  /** The value or the error, once done (read by done-callbacks and result()). */
  #outcome: unknown;
  // Typed loosely on purpose: a T in a parameter position would make Future invariant, and a
  // Future<never> (a task that only throws) could not sit in a list with a Future<number>.
  #resolve: ((value: any) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  #callbacks: Array<(future: Future<any>) => void> | undefined;
  // The owner and its token for this task, instead of a closure per future: submit stays cheap.
  #owner: FutureOwner | undefined;
  #token: unknown;

  /** The task's name, for messages. */
  readonly task: string;

  constructor(task: string) {
    let resolve: ((value: any) => void) | undefined;
    let reject: ((error: unknown) => void) | undefined;
    super((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#resolve = resolve;
    this.#reject = reject;
    this.task = task;
  }

  /** True once the future has a result, an error, or was cancelled. */
  done(): boolean {
    return this.#state !== "pending" && this.#state !== "running";
  }

  /** True while the task runs. */
  running(): boolean {
    return this.#state === "running";
  }

  /** True if the future was cancelled. */
  cancelled(): boolean {
    return this.#state === "cancelled";
  }

  /** The current state. */
  get state(): FutureState {
    return this.#state;
  }

  /**
   * Cancels the task. A queued task is dropped; a running one is stopped (its signal aborts; a
   * thread or process worker that does not stop is terminated). Returns false when the future is
   * already done (and did not end by cancellation).
   */
  cancel(reason?: string): boolean {
    if (this.#state === "cancelled") return true;
    if (this.done()) return false;
    const error = new CancelledError(reason ?? `task "${this.task}" was cancelled`);
    if (this.#owner && !this.#owner.cancelFuture(this.#token, error)) return false;
    // The owner normally settles it while cancelling; a future without an owner settles here.
    if (!this.done()) this.#settle("cancelled", error);
    return true;
  }

  /**
   * Waits for the result. Rejects with the task's error, `CancelledError`, or `WaitTimeoutError`
   * after `timeout` milliseconds (the task itself goes on). A timeout of 0 does not wait.
   */
  result(options?: { timeout?: number }): Promise<T> {
    let timeout: number | undefined;
    try {
      timeout = checkWaitTimeout("result()", options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (timeout === undefined || this.done()) return this;
    return this.#whenDone(timeout).then(() => this);
  }

  /**
   * Waits, then gives the error the task failed with, or undefined if it succeeded. A task that
   * threw a value that is not an Error fails with `TaskError` holding it, on every executor, so
   * undefined always means success.
   */
  async exception(options?: { timeout?: number }): Promise<unknown> {
    const timeout = checkWaitTimeout("exception()", options);
    if (!this.done()) await this.#whenDone(timeout);
    return this.#state === "fulfilled" ? undefined : this.#outcome;
  }

  /** Resolves once the future is done; rejects with WaitTimeoutError after `timeout` ms. */
  #whenDone(timeout: number | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer =
        timeout === undefined
          ? undefined
          : setTimeout(() => {
              reject(
                new WaitTimeoutError(`task "${this.task}" did not finish within ${timeout} ms`, timeout),
              );
            }, timeout);
      this.addDoneCallback(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Calls `fn(future)` once the future is done (at once, if it already is). A callback that
   * throws is never thrown at the caller and does not stop the other callbacks: its error is
   * rethrown from a microtask, so it reaches process 'uncaughtException' (as an error thrown in a
   * timer would), whether the future was already done or not.
   */
  addDoneCallback(fn: (future: Future<T>) => void): void {
    if (this.done()) this.#call(fn);
    else (this.#callbacks ??= []).push(fn);
  }

  #call(fn: (future: Future<T>) => void): void {
    try {
      fn(this);
    } catch (callbackError) {
      // A user's done-callback must not break the executor's bookkeeping, nor go unreported.
      queueMicrotask(() => {
        throw callbackError;
      });
    }
  }

  /** `"Future"`, for `Object.prototype.toString`. */
  override get [Symbol.toStringTag](): string {
    return "Future";
  }

  #settle(state: FutureState, outcome: unknown): boolean {
    if (this.done()) return false;
    this.#state = state;
    this.#outcome = outcome;
    this.#owner = undefined;
    this.#token = undefined;
    if (state === "fulfilled") this.#resolve!(outcome);
    else {
      nativeThen.call(this, undefined, ignore);
      this.#reject!(outcome);
    }
    this.#resolve = undefined;
    this.#reject = undefined;
    const callbacks = this.#callbacks;
    this.#callbacks = undefined;
    if (callbacks) for (const fn of callbacks) this.#call(fn);
    return true;
  }

  static {
    futureInternals = {
      start: (future) => {
        if (future.#state !== "pending") return false;
        future.#state = "running";
        return true;
      },
      resolve: (future, value) => future.#settle("fulfilled", value),
      reject: (future, error) => future.#settle("rejected", error),
      cancel: (future, error) => future.#settle("cancelled", error),
      bind: (future, owner, token) => {
        future.#owner = owner;
        future.#token = token;
      },
    };
  }
}

// `await x`, `Promise.all` and `Promise.resolve(x)` use a promise as it is only when its
// `constructor` is Promise; any other constructor, a subclass's included, makes V8 wrap it in a
// new promise through a thenable job: ~310 B and ~1 µs more per awaited task. So a future says
// its constructor is Promise (which also makes `then`, `catch` and `finally` return plain
// promises); `instanceof Future` is unaffected, as it follows the prototype chain.
Object.defineProperty(Future.prototype, "constructor", {
  value: Promise,
  writable: true,
  configurable: true,
  enumerable: false,
});
