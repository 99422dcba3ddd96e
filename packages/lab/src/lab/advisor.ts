/**
 * `concur advise`: measures a sample of a task's calls and recommends an executor and a worker
 * count, with the numbers behind it. What it measures:
 * - each call's wall time and CPU time (process.cpuUsage) in this process, one at a time: a task
 *   that mostly waits has a low CPU share; a CPU-bound one is near 1;
 * - the same calls all at once on the event loop: waiting tasks overlap, CPU-bound ones do not;
 * - the size and copy time of inputs and results (v8.serialize, structuredClone): what a worker
 *   pays per message;
 * - start-up of a one-worker thread pool and process pool, and their cost per call once warm.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import { createExecutor } from "concur";
import type { ExecutorKind } from "concur";
import { printableValues } from "../letters/printable.js";
import { median, summarize } from "./stats.js";
import type { SampleStats } from "./report.js";

/** Options of {@link advise}. */
export interface AdviseOptions {
  /** Path or file URL of the task module. */
  module: string;
  /** The exported function. */
  task: string;
  /** Inputs, one call each; the sample is taken evenly across them. */
  inputs: readonly unknown[];
  /** Calls measured. @default min(inputs, 20) */
  sample?: number;
  /** Measure thread and process pools too (start-up and per-call cost). @default true */
  pools?: boolean;
  /** Called with a line of progress. */
  onProgress?: (message: string) => void;
}

/** A pool's measured costs. */
export interface PoolCost {
  /** Creating a one-worker pool until its first call returned, minus one in-process call. */
  startupMs: number;
  /** Median wall time per call on the warm pool, minus the in-process median: the message cost. */
  overheadMsPerCall: number;
}

/** What `advise` found and recommends. */
export interface Advice {
  module: string;
  task: string;
  inputs: number;
  cores: number;
  sample: {
    calls: number;
    wallMs: SampleStats;
    cpuMs: SampleStats;
    /** Total CPU time ÷ total wall time of the calls run one at a time: 1 is CPU-bound, near 0 waits. */
    cpuShare: number;
    /** Wall time of the sample run all at once on the event loop. */
    concurrentWallMs: number;
    /** Sum of one-at-a-time wall times ÷ the all-at-once wall time: above 1, the calls overlap. */
    concurrencyGain: number;
  };
  serialization:
    | { ok: true; inputBytes: number; resultBytes: number; cloneMsPerCall: number }
    | { ok: false; error: string };
  pools: { thread: PoolCost | null; process: PoolCost | null; errors: string[] };
  recommendation: {
    executor: ExecutorKind;
    workers: number;
    /** Why, from the numbers. */
    reasons: string[];
    /** Estimated wall time of all the inputs: sequentially, and with the recommendation. */
    estimateMs: { sequential: number; recommended: number };
  };
}

type TaskFn = (input: unknown) => unknown;

function sampleOf<T>(items: readonly T[], count: number): T[] {
  if (count >= items.length) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]!);
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

async function loadTask(module: string, task: string): Promise<{ url: URL; fn: TaskFn }> {
  const url = module.startsWith("file:") ? new URL(module) : pathToFileURL(module);
  const mod = (await import(url.href)) as Record<string, unknown>;
  const fn = mod[task];
  if (typeof fn !== "function") {
    const names = Object.keys(mod).filter((k) => typeof mod[k] === "function");
    throw new Error(
      `"${task}" is not an exported function of ${module} (exported functions: ${names.join(", ") || "none"})`,
    );
  }
  return { url, fn: fn as TaskFn };
}

function measureSerialization(
  inputs: readonly unknown[],
  results: readonly unknown[],
): Advice["serialization"] {
  try {
    const sizes = (values: readonly unknown[]): number => median(values.map((v) => v8.serialize(v).length));
    const began = performance.now();
    for (let i = 0; i < inputs.length; i++) {
      structuredClone(inputs[i]);
      structuredClone(results[i]);
    }
    const cloneMsPerCall = (performance.now() - began) / Math.max(1, inputs.length);
    return { ok: true, inputBytes: sizes(inputs), resultBytes: sizes(results), cloneMsPerCall };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

async function measurePool(
  kind: "thread" | "process",
  url: URL,
  options: AdviseOptions,
  sample: readonly unknown[],
  inProcessMs: number,
): Promise<PoolCost> {
  const began = performance.now();
  const pool = createExecutor<Record<string, TaskFn>>(kind, url, { workers: 1 });
  try {
    await pool.submit(options.task, sample[0]);
    const startupMs = Math.max(0, performance.now() - began - inProcessMs);
    const perCall: number[] = [];
    for (const input of sample) {
      const t = performance.now();
      await pool.submit(options.task, input);
      perCall.push(performance.now() - t);
    }
    return { startupMs, overheadMsPerCall: Math.max(0, median(perCall) - inProcessMs) };
  } finally {
    await pool.shutdown({ wait: true, cancelFutures: true });
  }
}

/** Measures a sample of `options.task`'s calls and recommends an executor. */
export async function advise(options: AdviseOptions): Promise<Advice> {
  if (options.inputs.length === 0) throw new RangeError("advise needs at least one input");
  const progress = options.onProgress ?? (() => undefined);
  const { url, fn } = await loadTask(options.module, options.task);
  const sample = sampleOf(options.inputs, options.sample ?? Math.min(options.inputs.length, 20));
  const cores = os.availableParallelism();

  progress(`calling ${options.task} ${sample.length} times, one at a time`);
  await fn(sample[0]); // first call: module-level set-up and JIT, not measured
  const wall: number[] = [];
  const cpu: number[] = [];
  const results: unknown[] = [];
  for (const input of sample) {
    const usage = process.cpuUsage();
    const t = performance.now();
    results.push(await fn(input));
    wall.push(performance.now() - t);
    cpu.push(cpuMs(process.cpuUsage(usage)));
  }
  progress(`calling ${options.task} ${sample.length} times at once`);
  const t = performance.now();
  await Promise.all(sample.map((input) => fn(input)));
  const concurrentWallMs = performance.now() - t;
  const totalWall = wall.reduce((a, b) => a + b, 0);
  const totalCpu = cpu.reduce((a, b) => a + b, 0);

  const serialization = measureSerialization(sample, results);
  const pools: Advice["pools"] = { thread: null, process: null, errors: [] };
  const callMs = median(wall);
  if (options.pools !== false && serialization.ok) {
    for (const kind of ["thread", "process"] as const) {
      progress(`starting a ${kind} pool`);
      try {
        pools[kind] = await measurePool(kind, url, options, sample, callMs);
      } catch (error) {
        pools.errors.push(`${kind}: ${(error as Error).message}`);
      }
    }
  }
  const advice: Omit<Advice, "recommendation"> = {
    module: options.module,
    task: options.task,
    inputs: options.inputs.length,
    cores,
    sample: {
      calls: sample.length,
      wallMs: summarize(wall),
      cpuMs: summarize(cpu),
      cpuShare: totalWall > 0 ? Math.min(1, totalCpu / totalWall) : 1,
      concurrentWallMs,
      concurrencyGain: concurrentWallMs > 0 ? totalWall / concurrentWallMs : 1,
    },
    serialization,
    pools,
  };
  return { ...advice, recommendation: recommend(advice) };
}

/** The decision, from the measurements alone. */
export function recommend(a: Omit<Advice, "recommendation">): Advice["recommendation"] {
  const n = a.inputs;
  const call = a.sample.wallMs.median;
  const sequential = call * n;
  const pct = (x: number): string => `${Math.round(x * 100)}%`;
  const ms = (x: number): string => `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms`;
  const reasons: string[] = [
    `a call takes ${ms(call)} of wall time and uses the CPU ${pct(a.sample.cpuShare)} of it` +
      (a.sample.cpuShare < 0.5 && a.sample.concurrencyGain <= 1.5
        ? " (a low share without overlap: the machine is probably busy)"
        : ""),
  ];

  if (a.sample.cpuShare < 0.5 && a.sample.concurrencyGain > 1.5) {
    // Waiting tasks: overlap them on the event loop. Past 1/cpuShare calls at once the loop itself is busy.
    const workers = Math.max(2, Math.min(n, Math.ceil(1 / Math.max(a.sample.cpuShare, 0.001))));
    reasons.push(
      `${a.sample.calls} calls at once took ${ms(a.sample.concurrentWallMs)} instead of ${ms(call * a.sample.calls)}: they overlap (${a.sample.concurrencyGain.toFixed(1)}×), so the task mostly waits`,
      `the event loop stays free up to about ${workers} calls at once (1 ÷ CPU share); no worker start-up or copying needed`,
    );
    const cpuPerCall = a.sample.cpuMs.median;
    return {
      executor: "async",
      workers,
      reasons,
      estimateMs: { sequential, recommended: Math.max(call, (n / workers) * call, n * cpuPerCall) },
    };
  }
  if (!a.serialization.ok) {
    reasons.push(
      `its inputs or results cannot be sent to a worker (${a.serialization.error}), so it must run in this thread`,
    );
    return {
      executor: "sequential",
      workers: 1,
      reasons,
      estimateMs: { sequential, recommended: sequential },
    };
  }
  const candidates = (["thread", "process"] as const)
    .map((kind) => ({ kind, cost: a.pools[kind] }))
    .filter((c): c is { kind: "thread" | "process"; cost: PoolCost } => c.cost !== null);
  if (candidates.length === 0) {
    reasons.push(`no pool could run it (${a.pools.errors.join("; ") || "pools not measured"})`);
    return {
      executor: "sequential",
      workers: 1,
      reasons,
      estimateMs: { sequential, recommended: sequential },
    };
  }
  const workers = Math.max(1, Math.min(a.cores, n));
  const estimate = (cost: PoolCost): number =>
    cost.startupMs + (n * (call + cost.overheadMsPerCall)) / workers;
  const best = candidates.reduce((x, y) => (estimate(y.cost) < estimate(x.cost) ? y : x));
  const recommended = estimate(best.cost);
  reasons.push(
    `it is CPU-bound: calls at once on the event loop do not overlap (${a.sample.concurrencyGain.toFixed(1)}×), so only more threads or processes help`,
    ...candidates.map(
      (c) =>
        `a ${c.kind} pool starts in ${ms(c.cost.startupMs)} and adds ${ms(c.cost.overheadMsPerCall)} per call (${a.serialization.ok ? `${a.serialization.inputBytes} B in, ${a.serialization.resultBytes} B out` : ""})`,
    ),
  );
  if (recommended >= sequential) {
    // Break-even: n·call > startup + n·(call + overhead)/workers.
    const gainPerInput = call - (call + best.cost.overheadMsPerCall) / workers;
    const breakEven = gainPerInput > 0 ? Math.ceil(best.cost.startupMs / gainPerInput) : null;
    reasons.push(
      `with ${n} inputs, start-up and per-call costs outweigh the gain (estimated ${ms(recommended)} vs ${ms(sequential)} sequentially)` +
        (breakEven !== null && workers > 1
          ? `; a ${best.kind} pool of ${workers} would pay off from about ${breakEven} inputs`
          : ""),
    );
    return {
      executor: "sequential",
      workers: 1,
      reasons,
      estimateMs: { sequential, recommended: sequential },
    };
  }
  reasons.push(
    `${workers} workers (${a.cores} cores, ${n} inputs): estimated ${ms(recommended)} for all inputs vs ${ms(sequential)} sequentially`,
  );
  if (best.kind === "thread")
    reasons.push(
      "choose process instead if the task needs isolation (native addons, memory limits, crashes)",
    );
  return { executor: best.kind, workers, reasons, estimateMs: { sequential, recommended } };
}

/** The advice as text for a terminal. */
export function renderAdvice(raw: Advice): string {
  // The task's name and its error messages are a user module's text.
  const advice = printableValues(raw);
  const r = advice.recommendation;
  const lines = [
    `Recommendation for ${advice.task} (${advice.inputs} inputs, ${advice.cores} cores): ${r.executor}${r.executor === "sequential" ? "" : ` with ${r.workers} ${r.executor === "async" ? "calls at once (maxConcurrency)" : "workers"}`}`,
    ...r.reasons.map((reason) => `  · ${reason}`),
    "",
    `measured on ${advice.sample.calls} calls: wall median ${advice.sample.wallMs.median.toFixed(2)} ms, CPU median ${advice.sample.cpuMs.median.toFixed(2)} ms`,
  ];
  if (advice.pools.errors.length > 0) lines.push(...advice.pools.errors.map((e) => `  ! ${e}`));
  return `${lines.join("\n")}\n`;
}
