/**
 * `executor.map`: pulls inputs lazily, keeps at most `buffer` of them in flight, yields in
 * input order (or as completed), and cleans up (cancels what is in flight, closes the input
 * iterator) however the consumer leaves: end, break, or error.
 *
 * Two ways to stop it from outside: its signal aborts (everything in flight is cancelled at
 * once and nothing more is yielded), or the executor shuts down (nothing more is submitted; what
 * was submitted finishes and is yielded; then the map throws ShutdownError).
 */
import { CancelledError, QueueFullError, ShutdownError } from "../errors.js";
import type { Future } from "../future.js";

/** What a pool-side chunk resolves to: the inputs' results, in order. */
export type ChunkResult = unknown[];

export interface MapPlan {
  inputs: Iterable<unknown> | AsyncIterable<unknown>;
  ordered: boolean;
  /** Inputs in flight at most (submitted and not yet yielded). */
  buffer: number | (() => number);
  /** Inputs per submitted task; a function is asked again before each chunk. */
  chunksize: number | (() => number);
  signal: AbortSignal | undefined;
  submitOne(input: unknown): Future<unknown>;
  /** Runs `inputs` as one task; resolves to their results or rejects with the first failure. */
  submitChunk(inputs: unknown[]): Future<unknown>;
  waitForRoom(): Promise<void>;
}

interface Slot {
  future: Future<unknown>;
  size: number;
  chunk: boolean;
}

/** A chunk that failed partway: the results before the failure come first, then the error. */
export class PartialChunkError extends Error {
  constructor(
    readonly values: unknown[],
    readonly error: unknown,
  ) {
    super("a map chunk failed partway");
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}

function valueOf(x: number | (() => number)): number {
  return typeof x === "function" ? x() : x;
}

export async function* mapTasks<R>(plan: MapPlan): AsyncGenerator<R, void, undefined> {
  const asyncInputs = isAsyncIterable(plan.inputs);
  const iterator: Iterator<unknown> | AsyncIterator<unknown> = asyncInputs
    ? (plan.inputs as AsyncIterable<unknown>)[Symbol.asyncIterator]()
    : (plan.inputs as Iterable<unknown>)[Symbol.iterator]();
  let exhausted = false;
  let inFlight = 0;
  const window: Slot[] = [];
  // Unordered mode: slots in the order they settle, and a wake-up for the consumer.
  const settled: Slot[] = [];
  let wake: (() => void) | undefined;

  /** The executor shut down while the map was going: what is in flight is yielded, then this. */
  let stopped: ShutdownError | undefined;
  const signal = plan.signal;
  /** The slot the consumer is waiting on (out of the window already, in ordered mode). */
  let current: Slot | undefined;
  /** Ends a wait for queue room early: an abort must not wait for room that may never come. */
  let roomWake: (() => void) | undefined;
  const onAbort = (): void => {
    for (const slot of window) slot.future.cancel("map() was cancelled by its signal");
    current?.future.cancel("map() was cancelled by its signal");
    wake?.();
    roomWake?.();
  };
  signal?.addEventListener("abort", onAbort, { once: true });

  const checkSignal = (): void => {
    if (signal?.aborted)
      throw new CancelledError("map() was cancelled by its signal", { cause: signal.reason });
  };

  /** Submits one task for `inputs`; undefined once the executor has shut down. */
  const submit = async (inputs: unknown[]): Promise<Slot | undefined> => {
    for (;;) {
      try {
        const chunk = inputs.length > 1;
        const future = chunk ? plan.submitChunk(inputs) : plan.submitOne(inputs[0]);
        return { future, size: inputs.length, chunk };
      } catch (error) {
        if (error instanceof ShutdownError) {
          stopped = error;
          return undefined;
        }
        // Backpressure from maxQueue: wait for room rather than fail the whole map.
        if (!(error instanceof QueueFullError)) throw error;
        await new Promise<void>((resolve) => {
          roomWake = resolve;
          void plan.waitForRoom().then(resolve);
        });
        roomWake = undefined;
        checkSignal();
      }
    }
  };

  const fill = async (): Promise<void> => {
    while (!exhausted && !stopped && inFlight < valueOf(plan.buffer)) {
      checkSignal();
      const room = valueOf(plan.buffer) - inFlight;
      const size = Math.max(1, Math.min(valueOf(plan.chunksize), room));
      const inputs: unknown[] = [];
      while (inputs.length < size) {
        const next = asyncInputs
          ? await (iterator as AsyncIterator<unknown>).next()
          : (iterator as Iterator<unknown>).next();
        if (next.done) {
          exhausted = true;
          break;
        }
        inputs.push(next.value);
      }
      if (inputs.length === 0) break;
      const slot = await submit(inputs);
      if (!slot) break;
      inFlight += slot.size;
      window.push(slot);
      if (!plan.ordered) {
        slot.future.addDoneCallback(() => {
          settled.push(slot);
          wake?.();
        });
      }
    }
  };

  const take = async (): Promise<Slot | undefined> => {
    if (plan.ordered) return window.shift();
    while (settled.length === 0) {
      if (window.length === 0) return undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
      checkSignal();
    }
    const slot = settled.shift()!;
    window.splice(window.indexOf(slot), 1);
    return slot;
  };

  try {
    await fill();
    for (;;) {
      const slot = await take();
      if (!slot) {
        if (stopped) throw stopped;
        return;
      }
      let values: unknown[];
      try {
        current = slot;
        const value = await slot.future;
        values = slot.chunk ? (value as ChunkResult) : [value];
      } catch (error) {
        // An abort cancelled this item: the map's own error says why, with the signal's reason.
        checkSignal();
        if (error instanceof PartialChunkError) {
          for (const value of error.values) {
            checkSignal();
            yield value as R;
          }
          throw error.error;
        }
        throw error;
      } finally {
        current = undefined;
      }
      inFlight -= slot.size;
      // Top up before yielding, so workers stay busy while the consumer handles the values.
      await fill();
      // Checked before every item, since the consumer may abort while it holds the previous one.
      for (const value of values) {
        checkSignal();
        yield value as R;
      }
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    for (const slot of window) slot.future.cancel("map() ended before this item was consumed");
    if (!exhausted) await iterator.return?.();
  }
}
