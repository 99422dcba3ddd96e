/**
 * The trials, run inside a fresh trial process (bench/pools/runner.ts). Each checks its results
 * against a known checksum, so a contender that drops or garbles tasks fails loudly instead of
 * looking fast.
 */
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { loadContender, type PoolAdapter } from "./contenders.js";
import type { LetterRecord, Metrics, Paths, PoolKind, TrialRequest, WorkModule } from "./protocol.js";

const now = (): number => performance.now();
/** Wall-clock milliseconds since the epoch, comparable across processes. */
const epochNow = (): number => performance.timeOrigin + performance.now();

export async function runTrial(request: TrialRequest, paths: Paths): Promise<Metrics> {
  switch (request.scenario) {
    case "calibrate":
      return calibrate(request.targetMs, request.spinN, paths);
    case "sequential":
      return sequentialTask2(readRecords(request.recordsFile), request.startAt, paths);
    case "sequentialTiny":
      return sequentialTiny(request.tasks, paths);
    case "floor":
      return floor(request.kind, request.workers, request.tasks, paths);
    default:
      break;
  }
  const create = await loadContender(request.contender, paths);
  switch (request.scenario) {
    case "startup": {
      const t0 = now();
      const pool = create(request.workers);
      check((await pool.run("inc", 1)) === 2, "inc(1) !== 2");
      const t1 = now();
      await pool.close();
      return { startupMs: t1 - t0, shutdownMs: now() - t1 };
    }
    case "tiny": {
      const pool = create(request.workers);
      await tinyTasks(pool, 2_000, 64); // workers started and the paths warm
      const t0 = now();
      await tinyTasks(pool, request.tasks, request.window);
      const ms = now() - t0;
      await pool.close();
      return { ms, tasksPerSec: (request.tasks / ms) * 1000 };
    }
    case "mapTiny": {
      const pool = create(request.workers);
      await mapTiny(pool, 2_000);
      const t0 = now();
      await mapTiny(pool, request.tasks);
      const ms = now() - t0;
      await pool.close();
      return { ms, tasksPerSec: (request.tasks / ms) * 1000 };
    }
    case "task2": {
      const records = readRecords(request.recordsFile);
      const expected = closedForms(records);
      // Cold: the user's whole experience, pool creation to shutdown.
      const t0 = now();
      const cold = create(request.workers);
      checkLetters(await runAll(cold, records), expected);
      await cold.close();
      const coldMs = now() - t0;
      // Warm: workers started and the task compiled before the clock starts.
      const warm = create(request.workers);
      const warmUp = records.slice(0, 4 * availableParallelism());
      await runAll(warm, warmUp);
      const t1 = now();
      checkLetters(await runAll(warm, records), expected);
      const warmMs = now() - t1;
      await warm.close();
      return { coldMs, warmMs };
    }
    case "cpu": {
      const pool = create(request.workers);
      await Promise.all(Array.from({ length: 4 * request.workers }, () => pool.run("spin", request.spinN)));
      const t0 = now();
      const results = await Promise.all(
        Array.from({ length: request.tasks }, () => pool.run("spin", request.spinN)),
      );
      const ms = now() - t0;
      await pool.close();
      check(
        results.length === request.tasks && results.every((r) => r === results[0]),
        "spin results differ",
      );
      return { ms };
    }
  }
}

/** `count` tiny tasks, `window` in flight at a time (or all submitted at once). */
async function tinyTasks(pool: PoolAdapter, count: number, window: number | "all"): Promise<void> {
  let sum = 0;
  if (window === "all") {
    const pending: PromiseLike<unknown>[] = new Array<PromiseLike<unknown>>(count);
    for (let i = 0; i < count; i++) pending[i] = pool.run("inc", i);
    for (const value of await Promise.all(pending)) sum += value as number;
  } else {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < count) {
        // Read the value first: `sum += await …` would add to the sum as it was before the await.
        const value = (await pool.run("inc", next++)) as number;
        sum += value;
      }
    };
    await Promise.all(Array.from({ length: window }, lane));
  }
  check(sum === (count * (count + 1)) / 2, `tiny tasks: wrong sum ${sum}`);
}

async function mapTiny(pool: PoolAdapter, count: number): Promise<void> {
  if (!pool.map) throw new Error("this contender has no map");
  let sum = 0;
  for await (const value of pool.map("inc", range(count))) sum += value as number;
  check(sum === (count * (count + 1)) / 2, `map: wrong sum ${sum}`);
}

function* range(count: number): Generator<number> {
  for (let i = 0; i < count; i++) yield i;
}

function runAll(pool: PoolAdapter, records: readonly LetterRecord[]): Promise<unknown[]> {
  return Promise.all(records.map((record) => pool.run("processLetter", record)));
}

/** The sequential baseline of Task 2, optionally started at an agreed instant (the pair run). */
async function sequentialTask2(
  records: readonly LetterRecord[],
  startAt: number,
  paths: Paths,
): Promise<Metrics> {
  const work = (await import(new URL("work.mjs", paths.workersDir).href)) as WorkModule;
  const expected = closedForms(records);
  while (epochNow() < startAt)
    await new Promise((resolve) => setTimeout(resolve, Math.min(5, startAt - epochNow())));
  const start = epochNow();
  const results = records.map((record) => work.processLetter(record));
  const end = epochNow();
  checkLetters(results, expected);
  return { ms: end - start, start, end };
}

/** concur's SequentialExecutor on the tiny task: the in-process reference for `map`. */
async function sequentialTiny(count: number, paths: Paths): Promise<Metrics> {
  const concur = (await import(paths.concur)) as typeof import("../../../packages/concur/src/index.js");
  const work = new URL("work.mjs", paths.workersDir);
  const executor = new concur.SequentialExecutor<WorkModule>(work);
  const measure = async (n: number): Promise<number> => {
    const t0 = now();
    let sum = 0;
    for await (const value of executor.map("inc", range(n))) sum += value;
    check(sum === (n * (n + 1)) / 2, "sequential map: wrong sum");
    return now() - t0;
  };
  await measure(2_000);
  const ms = await measure(count);
  await executor.shutdown();
  return { ms, tasksPerSec: (count / ms) * 1000 };
}

/** Finds the `spin` argument that takes about `targetMs` here (unless given), and what one call then costs. */
async function calibrate(targetMs: number, fixedN: number | undefined, paths: Paths): Promise<Metrics> {
  const work = (await import(new URL("work.mjs", paths.workersDir).href)) as WorkModule;
  let n = fixedN ?? 100_000;
  for (let round = 0; round < (fixedN === undefined ? 6 : 1); round++) {
    const t0 = now();
    for (let i = 0; i < 20; i++) work.spin(n);
    const perCall = (now() - t0) / 20;
    n = Math.max(1, Math.round((n * targetMs) / perCall));
  }
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t0 = now();
    for (let i = 0; i < 100; i++) work.spin(n);
    samples.push((now() - t0) / 100);
  }
  samples.sort((a, b) => a - b);
  return { spinN: n, msPerTask: samples[2]! };
}

/** A worker with no pool around it: bench/workers/floor-worker.cjs, as a thread or a process. */
interface BareWorker {
  /** Resolves with the next message. */
  next(): Promise<unknown>;
  send(x: number): void;
  close(): Promise<void>;
}

function startBare(kind: PoolKind, paths: Paths): BareWorker {
  const file = fileURLToPath(new URL("floor-worker.cjs", paths.workersDir));
  const work = new URL("work.mjs", paths.workersDir).href;
  const waiting: Array<(message: unknown) => void> = [];
  const deliver = (message: unknown): void => waiting.shift()?.(message);
  const next = (): Promise<unknown> => new Promise((resolve) => waiting.push(resolve));
  if (kind === "thread") {
    const worker = new Worker(file, { workerData: work });
    worker.on("message", deliver);
    return {
      next,
      send: (x) => worker.postMessage(x),
      close: async () => void (await worker.terminate()),
    };
  }
  const child = fork(file, [work], {
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  child.on("message", deliver);
  return {
    next,
    send: (x) => child.send(x),
    close: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.disconnect();
      }),
  };
}

/**
 * The floor no pool can go below on this machine. Start-up: one bare worker, from creation to the
 * answer of one task (worker boot, the task module's import, a ready message, one round trip).
 * Memory: `workers` idle bare workers plus the harness's own `tasks` promises under Promise.all,
 * settled in batches from the event loop, as the all-at-once scenario awaits a pool's.
 */
async function floor(kind: PoolKind, workers: number, tasks: number, paths: Paths): Promise<Metrics> {
  const t0 = now();
  const first = startBare(kind, paths);
  const ready = first.next();
  const answered = ready.then(() => first.next());
  await ready;
  first.send(1);
  check((await answered) === 2, "floor: inc(1) !== 2");
  const startupMs = now() - t0;
  const others = Array.from({ length: workers - 1 }, () => startBare(kind, paths));
  await Promise.all(others.map((worker) => worker.next()));
  const resolvers = new Array<(value: number) => void>(tasks);
  const pending = new Array<Promise<number>>(tasks);
  for (let i = 0; i < tasks; i++) pending[i] = new Promise<number>((resolve) => (resolvers[i] = resolve));
  const all = Promise.all(pending);
  for (let i = 0; i < tasks; i += 1_000) {
    await new Promise((resolve) => setImmediate(resolve));
    for (let j = i; j < Math.min(tasks, i + 1_000); j++) resolvers[j]!(j + 1);
  }
  let sum = 0;
  for (const value of await all) sum += value;
  check(sum === (tasks * (tasks + 1)) / 2, "floor: wrong sum");
  await Promise.all([first, ...others].map((worker) => worker.close()));
  return { startupMs };
}

function readRecords(file: string): LetterRecord[] {
  return JSON.parse(readFileSync(file, "utf8")) as LetterRecord[];
}

/** What processLetter returns, in closed form: `(a-1)(b-1)/a` (equal up to float rounding). */
function closedForms(records: readonly LetterRecord[]): number[] {
  return records.map(({ name, url }) => {
    const a = name.length * 99;
    const b = url.length * 99;
    return a === 0 || b === 0 ? 0 : ((a - 1) * (b - 1)) / a;
  });
}

function checkLetters(results: readonly unknown[], expected: readonly number[]): void {
  check(results.length === expected.length, "task 2: wrong number of results");
  results.forEach((value, i) => {
    const want = expected[i]!;
    check(
      typeof value === "number" && Math.abs(value - want) <= 1e-9 * Math.max(1, want),
      `task 2: record ${i} gave ${String(value)}`,
    );
  });
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
