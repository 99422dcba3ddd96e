import { CancelledError, WaitTimeoutError } from "./errors.js";

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

/**
 * The eventual result of a task, as Python's `concurrent.futures.Future`, and awaitable.
 *
 * A future holds no Promise until something awaits it: a rejected future nobody awaits is not an
 * unhandled rejection (as in Python), and submitting 100,000 tasks allocates no promises.
 */
export class Future<T> implements Promise<T> {
  #state: FutureState = "pending";
  #value: T | undefined;
  #error: unknown;
  // Typed loosely on purpose: a T in a parameter position would make Future invariant, and a
  // Future<never> (a task that only throws) could not sit in a list with a Future<number>.

  #callbacks: Array<(future: Future<any>) => void> | undefined;
  // The owner and its token for this task, instead of a closure per future: submit stays cheap.
  #owner: FutureOwner | undefined;
  #token: unknown;
  #promise: Promise<T> | undefined;

  /** The task's name, for messages. */
  readonly task: string;

  constructor(task: string) {
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

  /** As `Promise.prototype.finally`. */
  finally(onFinally?: (() => void) | null): Promise<T> {
    return this.#toPromise().finally(onFinally);
  }

  get [Symbol.toStringTag](): string {
    return "Future";
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
    this.#owner = undefined;
    this.#token = undefined;
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

  static {
    futureInternals = {
      start: (future) => {
        if (future.#state !== "pending") return false;
        future.#state = "running";
        return true;
      },
      resolve: (future, value) => future.#settle("fulfilled", value, undefined),
      reject: (future, error) => future.#settle("rejected", undefined, error),
      cancel: (future, error) => future.#settle("cancelled", undefined, error),
      bind: (future, owner, token) => {
        future.#owner = owner;
        future.#token = token;
      },
    };
  }
}
