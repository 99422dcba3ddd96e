/**
 * What one run of a cell does, per task: the seed's IO task (26 downloads into a fresh folder),
 * its CPU task (the silly loop over a set of records), or a user's own function over given
 * inputs. A workload times only the executor calls; set-up and clean-up are outside the clock.
 */
import { setMaxListeners } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Executor } from "concur";
import {
  LETTERS,
  innerIterations,
  lettersTasksUrl,
  type CompanyRecord,
  type LettersTasks,
} from "../letters/index.js";
import type { RunClock } from "./meter.js";
import type { BenchTaskId, WorkUnit } from "./report.js";

/** A workload the runner drives; `Executor<any>` because a user's module has no static type. */
export interface Workload {
  readonly task: BenchTaskId;
  readonly moduleUrl: URL;
  readonly work: WorkUnit;
  /** Inputs in one run, all submitted at once: the async executor's concurrency. */
  readonly inputsPerRun: number;
  /**
   * How each `concur worker` the lab starts for the distributed cell runs this task: IO waits, so
   * on its event loop (many at once); CPU work on one worker thread per process, which keeps the
   * process's event loop free for Redis (BullMQ's lock renewals) while the thread computes.
   */
  readonly distributedWorker: { executor: "async" | "thread"; workersEach?: number };
  /**
   * The start-up probe: `workers` no-op calls submitted at once to a new executor, which starts
   * that many workers in parallel for them; resolves when all have run.
   */
  ping(executor: Executor<any>, workers: number): Promise<void>;
  /**
   * One run; `ms` covers only the executor calls, and so does `clock` (started just before the
   * first call, stopped just after the last), which measures what the run cost besides time.
   * `checksum` must match across executors.
   */
  run(
    executor: Executor<any>,
    signal: AbortSignal,
    clock?: RunClock,
  ): Promise<{ ms: number; checksum?: string }>;
}

/**
 * Runs `fn` with a signal that follows `signal`: each task of a run listens to it, so it gets its
 * own listener limit instead of Node's warning at 11 listeners on the caller's signal.
 */
async function withRunSignal<T>(signal: AbortSignal, fn: (runSignal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const forward = (): void => controller.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener("abort", forward, { once: true });
  try {
    return await fn(controller.signal);
  } finally {
    signal.removeEventListener("abort", forward);
  }
}

const EMPTY_RECORD: CompanyRecord = { id: 0, name: "", url: "" };

async function pingLetters(executor: Executor<any>, workers: number): Promise<void> {
  await Promise.all(Array.from({ length: workers }, () => executor.submit("processLetter", EMPTY_RECORD, 0)));
}

/**
 * Task 1: every letter downloaded and written, into a fresh temporary folder per run.
 * `onlyOnHost`: the endpoint is reachable from that machine only (the embedded one on
 * 127.0.0.1), so a task on another machine's worker fails saying so (`ERR_DOWNLOAD_WRONG_HOST`).
 */
export function ioWorkload(
  endpointTemplate: string,
  letters: readonly string[] = [...LETTERS],
  onlyOnHost?: string,
): Workload {
  return {
    task: "io",
    moduleUrl: lettersTasksUrl,
    work: { name: "request", perRun: letters.length },
    inputsPerRun: letters.length,
    distributedWorker: { executor: "async" },
    ping: pingLetters,
    run: (executor, signal, clock) =>
      withRunSignal(signal, async (runSignal) => {
        const outDir = await mkdtemp(join(tmpdir(), "concur-bench-io-"));
        try {
          const submitter = (executor as Executor<LettersTasks>).with({ signal: runSignal });
          const options = { endpoint: endpointTemplate, outDir, ...(onlyOnHost && { onlyOnHost }) };
          clock?.start();
          const began = performance.now();
          const names = await Promise.all(
            letters.map((letter) => submitter.submit("downloadAndWrite", letter, options)),
          );
          const ms = performance.now() - began;
          clock?.stop();
          const wrong = names.findIndex((name, i) => name !== `${letters[i]!}.txt`);
          if (wrong >= 0)
            throw new Error(
              `downloadAndWrite("${letters[wrong]!}") returned ${JSON.stringify(names[wrong])}`,
            );
          return { ms, checksum: String(names.length) };
        } finally {
          await rm(outDir, { recursive: true, force: true });
        }
      }),
  };
}

/** Total inner-loop iterations of a set of records. */
export function totalIterations(records: readonly CompanyRecord[], multiplier: number): number {
  return records.reduce((sum, record) => sum + innerIterations(record, multiplier), 0);
}

/** Task 2: `processLetter` over every record, the records loaded beforehand (not timed, as in the seed). */
export function cpuWorkload(records: readonly CompanyRecord[], multiplier: number): Workload {
  return {
    task: "cpu",
    moduleUrl: lettersTasksUrl,
    work: { name: "record", perRun: records.length, innerIterations: totalIterations(records, multiplier) },
    inputsPerRun: records.length,
    distributedWorker: { executor: "thread", workersEach: 1 },
    ping: pingLetters,
    run: (executor, signal, clock) =>
      withRunSignal(signal, async (runSignal) => {
        const submitter = (executor as Executor<LettersTasks>).with({ signal: runSignal });
        clock?.start();
        const began = performance.now();
        const results = await Promise.all(
          records.map((record) => submitter.submit("processLetter", record, multiplier)),
        );
        const ms = performance.now() - began;
        clock?.stop();
        return { ms, checksum: String(results.reduce((a, b) => a + b, 0)) };
      }),
  };
}

/**
 * A user's task over given inputs. There is no no-op to probe start-up with, so the probe calls
 * the task with the first input: a user cell's start-up includes one call.
 */
export function userWorkload(moduleUrl: URL, task: string, inputs: readonly unknown[]): Workload {
  const first = inputs[0];
  return {
    task: `user:${task}`,
    moduleUrl,
    work: { name: "input", perRun: inputs.length },
    inputsPerRun: inputs.length,
    // A user's task may be either kind: a thread, as `concur worker`'s default.
    distributedWorker: { executor: "thread", workersEach: 1 },
    async ping(executor, workers) {
      await Promise.all(Array.from({ length: workers }, () => executor.submit(task, first)));
    },
    run: (executor, signal, clock) =>
      withRunSignal(signal, async (runSignal) => {
        const submitter = executor.with({ signal: runSignal });
        clock?.start();
        const began = performance.now();
        await Promise.all(inputs.map((input) => submitter.submit(task, input)));
        const ms = performance.now() - began;
        clock?.stop();
        return { ms };
      }),
  };
}

/**
 * `count` records taken evenly across `records` (every letter represented), or `records`
 * repeated when `count` is larger: deterministic, so Node and Python process the same ones.
 */
export function selectRecords(records: readonly CompanyRecord[], count: number): CompanyRecord[] {
  if (records.length === 0 || count <= 0) return [];
  if (count >= records.length) return Array.from({ length: count }, (_, i) => records[i % records.length]!);
  return Array.from({ length: count }, (_, i) => records[Math.floor((i * records.length) / count)]!);
}
