import { CancelledError, WaitTimeoutError } from "./errors.js";

/** Where a future is in its life. */
export type FutureState = "pending" | "running" | "fulfilled" | "rejected" | "cancelled";

/** What the executor does when a future is cancelled; returns false if it could not cancel. */
export type CancelHook = (reason: CancelledError) => boolean;

const SETTLER = Symbol("concur.settler");

/**
 * The eventual result of a task, as Python's `concurrent.futures.Future`, and awaitable.
 *
 * A future holds no Promise until something awaits it: a rejected future nobody awaits is not an
 * unhandled rejection (as in Python), and submitting 100,000 tasks allocates no promises.
 */
export class Future<T> implements PromiseLike<T> {
  #state: FutureState = "pending";
  #value: T | undefined;
  #error: unknown;
  #callbacks: Array<(future: Future<T>) => void> | undefined;
  #cancelHook: CancelHook | undefined;
  #promise: Promise<T> | undefined;

  /** The task's name, for messages. */
  readonly task: string;

  constructor(task: string, cancelHook?: CancelHook) {
    this.task = task;
    this.#cancelHook = cancelHook;
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
    if (this.#cancelHook && !this.#cancelHook(error)) return false;
    // The hook normally settles through the settler; settle here if it did not.
    if (!this.done()) this.#settle("cancelled", undefined, error);
    return true;
  }

  /**
   * Waits for the result. Rejects with the task's error, `CancelledError`, or `WaitTimeoutError`
   * after `timeout` milliseconds (the task itself goes on).
   */
  result(options: { timeout?: number } = {}): Promise<T> {
    const { timeout } = options;
    if (timeout === undefined || this.done()) return this.#toPromise();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new WaitTimeoutError(`task "${this.task}" did not finish within ${timeout} ms`, timeout));
      }, timeout);
      this.addDoneCallback(() => {
        clearTimeout(timer);
        if (this.#state === "fulfilled") resolve(this.#value as T);
        else reject(this.#error);
      });
    });
  }

  /** Waits, then gives the error the task failed with, or undefined if it succeeded. */
  async exception(options: { timeout?: number } = {}): Promise<unknown> {
    try {
      await this.result(options);
      return undefined;
    } catch (error) {
      if (error instanceof WaitTimeoutError && !this.done()) throw error;
      return error;
    }
  }

  /** Calls `fn(future)` once the future is done (at once, if it already is). */
  addDoneCallback(fn: (future: Future<T>) => void): void {
    if (this.done()) {
      fn(this);
      return;
    }
    (this.#callbacks ??= []).push(fn);
  }

  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#toPromise().then(onFulfilled, onRejected);
  }

  /** As `Promise.prototype.catch`. */
  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.#toPromise().catch(onRejected);
  }

  #toPromise(): Promise<T> {
    if (this.#promise) return this.#promise;
    if (this.#state === "fulfilled") this.#promise = Promise.resolve(this.#value as T);
    else if (this.done()) this.#promise = Promise.reject(this.#error);
    else {
      this.#promise = new Promise<T>((resolve, reject) => {
        (this.#callbacks ??= []).push(() => {
          if (this.#state === "fulfilled") resolve(this.#value as T);
          else reject(this.#error);
        });
      });
    }
    return this.#promise;
  }

  #settle(state: FutureState, value: T | undefined, error: unknown): boolean {
    if (this.done()) return false;
    this.#state = state;
    this.#value = value;
    this.#error = error;
    this.#cancelHook = undefined;
    const callbacks = this.#callbacks;
    this.#callbacks = undefined;
    if (callbacks) {
      for (const fn of callbacks) {
        try {
          fn(this);
        } catch (callbackError) {
          // A user's done-callback must not break the executor's bookkeeping (Python logs it too).
          queueMicrotask(() => {
            throw callbackError;
          });
        }
      }
    }
    return true;
  }

  /** @internal The executor's handle to drive this future. */
  static [SETTLER]<T>(future: Future<T>): FutureSettler<T> {
    return {
      start: () => {
        if (future.#state !== "pending") return false;
        future.#state = "running";
        return true;
      },
      resolve: (value: T) => future.#settle("fulfilled", value, undefined),
      reject: (error: unknown) => future.#settle("rejected", undefined, error),
      cancel: (error: CancelledError) => future.#settle("cancelled", undefined, error),
      setCancelHook: (hook: CancelHook | undefined) => {
        if (!future.done()) future.#cancelHook = hook;
      },
    };
  }
}

/** @internal What an executor may do to a future it created. */
export interface FutureSettler<T> {
  /** pending → running; false if it was already cancelled. */
  start(): boolean;
  resolve(value: T): boolean;
  reject(error: unknown): boolean;
  cancel(error: CancelledError): boolean;
  setCancelHook(hook: CancelHook | undefined): void;
}

/** @internal Creates a future together with its settler. */
export function createFuture<T>(task: string, cancelHook?: CancelHook): [Future<T>, FutureSettler<T>] {
  const future = new Future<T>(task, cancelHook);
  return [future, Future[SETTLER](future)];
}

/** A future already settled with `value`: handy in tests and adapters. */
export function resolvedFuture<T>(task: string, value: T): Future<T> {
  const [future, settler] = createFuture<T>(task);
  settler.resolve(value);
  return future;
}
