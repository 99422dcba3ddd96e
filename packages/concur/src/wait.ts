/** Python's `as_completed` and `wait`, for concur futures. */
import { WaitTimeoutError } from "./errors.js";
import type { Future } from "./future.js";
import { checkIterable, checkOneOf, checkWaitTimeout } from "./validate.js";

/** When `wait` returns. */
export type ReturnWhen = "FIRST_COMPLETED" | "FIRST_EXCEPTION" | "ALL_COMPLETED";
const RETURN_WHEN: readonly ReturnWhen[] = ["FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"];

/**
 * A future as `asCompleted` yields it: done, read with `result()`, `exception()` or `state`.
 * Why not `Future<T>` itself: TypeScript types `for await (const x of it)` as the *awaited* item,
 * which for a Future<T> is T, while at run time `x` is the future (a hand-written async iterator
 * hands out what it yields, unawaited). Without `then` in its type the item stays a future to
 * TypeScript, so `const n: number = done` is an error instead of printing `[object Future]`.
 * (`await done` still gives the value at run time, but TypeScript types it as the future: read
 * the value with `await done.result()`.)
 */
export type DoneFuture<F> = F extends Future<unknown> ? Omit<F, "then" | "catch" | "finally"> : never;

/**
 * Yields the futures as they complete (done, failed or cancelled), whatever their order.
 * Throws `WaitTimeoutError` if they are not all done within `timeout` milliseconds (0: do not
 * wait; at most 2³¹ − 1).
 *
 * Written as a plain async iterator, not an async generator: a generator would await each
 * yielded Future (it is thenable) and hand out its value instead of the future itself.
 * @example for await (const done of asCompleted(futures)) console.log(await done.result());
 */
export function asCompleted<F extends Future<unknown>>(
  futures: Iterable<F>,
  options?: { timeout?: number },
): AsyncIterableIterator<DoneFuture<F>> {
  checkIterable("asCompleted(): futures", futures, false);
  const timeout = checkWaitTimeout("asCompleted()", options);
  const pending = new Set(futures);
  const finished: F[] = [];
  let wake: (() => void) | undefined;
  for (const future of pending) {
    future.addDoneCallback(() => {
      finished.push(future);
      wake?.();
    });
  }
  const deadline = timeout === undefined ? undefined : performance.now() + timeout;
  const iterator: AsyncIterableIterator<DoneFuture<F>> = {
    async next(): Promise<IteratorResult<DoneFuture<F>>> {
      if (pending.size === 0) return { done: true, value: undefined };
      if (finished.length === 0) {
        let timer: NodeJS.Timeout | undefined;
        try {
          await new Promise<void>((resolve, reject) => {
            wake = resolve;
            if (deadline !== undefined) {
              const left = Math.max(0, deadline - performance.now());
              timer = setTimeout(() => {
                reject(
                  new WaitTimeoutError(
                    `${pending.size} of the futures were not done within ${timeout} ms`,
                    timeout!,
                  ),
                );
              }, left);
            }
          });
        } finally {
          wake = undefined;
          clearTimeout(timer);
        }
      }
      const future = finished.shift()!;
      pending.delete(future);
      return { done: false, value: future as unknown as DoneFuture<F> };
    },
    async return(): Promise<IteratorResult<DoneFuture<F>>> {
      pending.clear();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/**
 * Waits until the futures meet `returnWhen` (or `timeout` passes) and splits them into done and
 * not done. Never throws for a failed task: inspect the futures. As in Python, FIRST_EXCEPTION
 * returns when a future *raised* (rejected); a cancelled one does not count, and if none raises
 * it waits for all of them.
 */
export async function wait<F extends Future<unknown>>(
  futures: Iterable<F>,
  options?: { returnWhen?: ReturnWhen; timeout?: number },
): Promise<{
  /** The futures that had settled (or been cancelled) when `wait` returned. */
  done: Set<F>;
  /** The others. */
  notDone: Set<F>;
}> {
  checkIterable("wait(): futures", futures, false);
  const timeout = checkWaitTimeout("wait()", options);
  const returnWhen = checkOneOf("wait(): returnWhen", options?.returnWhen, RETURN_WHEN, "ALL_COMPLETED");
  const all = [...futures];
  const failed = (f: F): boolean => f.state === "rejected";
  const satisfied = (): boolean => {
    const doneCount = all.filter((f) => f.done()).length;
    if (doneCount === all.length) return true;
    if (returnWhen === "FIRST_COMPLETED") return doneCount > 0;
    if (returnWhen === "FIRST_EXCEPTION") return all.some(failed);
    return false;
  };
  if (!satisfied()) {
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const check = (): void => {
        if (satisfied()) {
          clearTimeout(timer);
          resolve();
        }
      };
      if (timeout !== undefined) timer = setTimeout(resolve, timeout);
      for (const future of all) future.addDoneCallback(check);
    });
  }
  const done = new Set(all.filter((f) => f.done()));
  return { done, notDone: new Set(all.filter((f) => !done.has(f))) };
}
