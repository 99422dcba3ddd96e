/**
 * What bench:distributed measures, one function per scenario. Each checks its results, so a side
 * that drops or garbles tasks fails loudly instead of looking fast.
 */
import { readFileSync } from "node:fs";
import type { Redis } from "ioredis";
import { cpuMsOf } from "../lib/cpu-time.js";
import { median } from "../lib/stats.js";
import type { Child } from "./processes.js";
import type { ConcurSide, Side } from "./sides.js";

export interface LetterRecord {
  id: number;
  name: string;
  url: string;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Round trips of one task at a time, the two sides interleaved in blocks of `block` so that
 * drifting load on the machine falls on both alike. Milliseconds per submit, in order.
 */
export async function latency(
  sides: readonly Side[],
  runs: number,
  warmup: number,
  block = 25,
): Promise<Map<Side, number[]>> {
  const times = new Map(sides.map((side) => [side, [] as number[]]));
  for (const side of sides) for (let i = 0; i < warmup; i++) await side.submit("inc", [i]);
  for (let done = 0; done < runs; done += block) {
    for (const side of sides) {
      for (let i = done; i < Math.min(runs, done + block); i++) {
        const t0 = performance.now();
        const value = await side.submit("inc", [i]);
        times.get(side)!.push(performance.now() - t0);
        check(value === i + 1, `${side.name}: inc(${i}) returned ${String(value)}`);
      }
    }
  }
  return times;
}

/** CPU milliseconds of each process in `pids` and of this one, now. */
function cpuNow(pids: readonly number[]): { others: number[]; self: number } {
  const usage = process.cpuUsage();
  return { others: pids.map((pid) => cpuMsOf(pid) ?? NaN), self: (usage.user + usage.system) / 1000 };
}

export interface ThroughputMetrics extends Record<string, number> {
  ms: number;
  tasksPerSec: number;
  /** CPU milliseconds per task of the submitting process, the side's workers together, and Redis. */
  submitterCpuMs: number;
  workersCpuMs: number;
  redisCpuMs: number;
}

/** `run` (n tasks), timed, with the CPU each process spent on it. */
async function timed(
  n: number,
  pids: { workers: readonly number[]; redis: number },
  run: () => Promise<void>,
): Promise<ThroughputMetrics> {
  const all = [...pids.workers, pids.redis];
  const before = cpuNow(all);
  const t0 = performance.now();
  await run();
  const ms = performance.now() - t0;
  const after = cpuNow(all);
  const spent = after.others.map((cpu, i) => cpu - before.others[i]!);
  const workers = spent.slice(0, pids.workers.length).reduce((a, b) => a + b, 0);
  return {
    ms,
    tasksPerSec: (n / ms) * 1000,
    submitterCpuMs: (after.self - before.self) / n,
    workersCpuMs: workers / n,
    redisCpuMs: spent.at(-1)! / n,
  };
}

function checkSum(values: readonly unknown[], n: number, what: string): void {
  let sum = 0;
  for (const value of values) sum += value as number;
  check(values.length === n && sum === (n * (n + 1)) / 2, `${what}: wrong results (sum ${sum})`);
}

/** `n` tiny tasks submitted at once through `submit` (raw: one addBulk). */
export function submitThroughput(
  side: Side,
  n: number,
  pids: { workers: readonly number[]; redis: number },
): Promise<ThroughputMetrics> {
  const argsList = Array.from({ length: n }, (_, i) => [i]);
  return timed(n, pids, async () =>
    checkSum(await side.submitAll("inc", argsList), n, `${side.name} submit`),
  );
}

/** `n` tiny tasks through concur's `map` (automatic chunking). */
export function mapThroughput(
  side: ConcurSide,
  n: number,
  pids: { workers: readonly number[]; redis: number },
): Promise<ThroughputMetrics> {
  const inputs = Array.from({ length: n }, (_, i) => i);
  return timed(n, pids, async () => checkSum(await side.mapAll("inc", inputs), n, "concur map"));
}

/**
 * The seed's Task 2 over `records`, warm (the workers ran a few records first): wall
 * milliseconds from the first submit to the last result.
 */
export async function task2(
  side: Side | ConcurSide,
  records: readonly LetterRecord[],
  expected: readonly number[],
  via: "submit" | "map",
): Promise<number> {
  const run = (list: readonly LetterRecord[]): Promise<unknown[]> =>
    via === "map"
      ? (side as ConcurSide).mapAll("processLetter", list)
      : side.submitAll(
          "processLetter",
          list.map((record) => [record]),
        );
  await run(records.slice(0, 8));
  const t0 = performance.now();
  const values = await run(records);
  const ms = performance.now() - t0;
  check(
    values.length === expected.length && values.every((value, i) => value === expected[i]),
    `${side.name} ${via}: Task 2 results differ from the in-process run`,
  );
  return ms;
}

export interface RecoveryMetrics extends Record<string, number> {
  /** From the SIGKILL of the worker running the job to its result, run by another worker. */
  recoveryMs: number;
  killedPid: number;
  finishedPid: number;
}

/**
 * One job of `taskMs`; as soon as it starts (its marker file names the worker process), that
 * process is killed with SIGKILL. Returns how long until the job's result arrives anyway, and
 * the killed handle (the caller starts a replacement).
 */
export async function recovery(
  side: Side,
  workers: readonly Child[],
  taskMs: number,
  marker: string,
): Promise<{ metrics: RecoveryMetrics; killed: Child }> {
  const result = side.submit("sleepMarked", [taskMs, marker]);
  let holder: Child | undefined;
  const deadline = Date.now() + 30_000;
  while (!holder) {
    check(Date.now() < deadline, `${side.name}: the recovery job did not start within 30 s`);
    await sleep(10);
    const pid = Number(readFileSync(marker, "utf8").split("\n")[0]);
    holder = workers.find((worker) => worker.pid === pid);
  }
  const killedAt = performance.now();
  await holder.stop("SIGKILL");
  const finishedPid = (await result) as number;
  const recoveryMs = performance.now() - killedAt;
  check(finishedPid !== holder.pid, `${side.name}: the killed worker finished the job`);
  return { metrics: { recoveryMs, killedPid: holder.pid, finishedPid }, killed: holder };
}

/** Keys under a side's key stem, by kind, with their count and bytes (MEMORY USAGE). */
export type KeyCensus = Record<string, { keys: number; bytes: number }>;

/** What a key under `stem` is: BullMQ's per-queue structure, a job's record, or concur's own. */
export function keyKind(stem: string, key: string): string {
  const rest = key.slice(stem.length);
  const own = /^concur:([a-z]+):/.exec(rest);
  if (own) return `concur ${own[1]}`;
  if (/^[^:]+:lock$/.test(rest)) return "job lock";
  if (/^[^:]+:logs$/.test(rest)) return "job logs";
  if (!rest.includes(":") && /^(\d+|[0-9a-f]{12}-\d+)$/.test(rest)) return "job";
  return rest;
}

export async function census(redis: Redis, stem: string): Promise<KeyCensus> {
  const out: KeyCensus = {};
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${stem}*`, "COUNT", 1000);
    cursor = next;
    for (const key of keys) {
      const kind = keyKind(stem, key);
      const bytes = ((await redis.memory("USAGE", key, "SAMPLES", "0")) as number | null) ?? 0;
      const entry = (out[kind] ??= { keys: 0, bytes: 0 });
      entry.keys++;
      entry.bytes += bytes;
    }
  } while (cursor !== "0");
  return out;
}

/**
 * INFO memory's figures, each the median of five reads 100 ms apart: used_memory moves by
 * hundreds of kB as client buffers (mem_clients_normal) grow and shrink with traffic.
 */
async function memoryInfo(redis: Redis): Promise<{ used: number; dataset: number; clients: number }> {
  const reads: Array<{ used: number; dataset: number; clients: number }> = [];
  for (let i = 0; i < 5; i++) {
    if (i > 0) await sleep(100);
    const info = await redis.info("memory");
    const field = (name: string): number => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)?.[1]);
    reads.push({
      used: field("used_memory"),
      dataset: field("used_memory_dataset"),
      clients: field("mem_clients_normal"),
    });
  }
  const mid = (pick: (r: (typeof reads)[number]) => number): number => median(reads.map(pick));
  return { used: mid((r) => r.used), dataset: mid((r) => r.dataset), clients: mid((r) => r.clients) };
}

export interface MemoryMetrics extends Record<string, number> {
  usedBefore: number;
  usedAfter: number;
  /** used_memory's growth scaled to 10,000 tasks: the figure issue 11 asks for. */
  bytesPer10k: number;
  /** used_memory_dataset's growth (used_memory less Redis's overhead: clients, scripts), per 10,000. */
  datasetPer10k: number;
  /** Growth of the client buffers (part of used_memory, not of the data), per 10,000. */
  clientsPer10k: number;
  /** Growth of the side's own keys (MEMORY USAGE summed), per 10,000: the figure noise cannot move. */
  keyBytesPer10k: number;
  keysBefore: number;
  keysAfter: number;
}

/**
 * Redis memory that `n` finished tiny tasks leave behind: INFO memory's used_memory before and
 * after, `settleMs` after the last result (job removal and stream trimming done, every result
 * read: concur's result list empties as the executor reads it, and its TTL covers only a dead
 * submitter's), with the same clients connected both times.
 */
export async function memory(
  side: Side,
  redis: Redis,
  n: number,
  settleMs: number,
): Promise<{ metrics: MemoryMetrics; before: KeyCensus; after: KeyCensus }> {
  await sleep(settleMs);
  const before = await census(redis, side.keyStem);
  const infoBefore = await memoryInfo(redis);
  const argsList = Array.from({ length: n }, (_, i) => [i]);
  checkSum(await side.submitAll("inc", argsList), n, `${side.name} memory run`);
  await sleep(settleMs);
  const infoAfter = await memoryInfo(redis);
  const after = await census(redis, side.keyStem);
  const count = (c: KeyCensus): number => Object.values(c).reduce((a, b) => a + b.keys, 0);
  const bytes = (c: KeyCensus): number => Object.values(c).reduce((a, b) => a + b.bytes, 0);
  const per10k = (delta: number): number => (delta * 10_000) / n;
  return {
    metrics: {
      usedBefore: infoBefore.used,
      usedAfter: infoAfter.used,
      bytesPer10k: per10k(infoAfter.used - infoBefore.used),
      datasetPer10k: per10k(infoAfter.dataset - infoBefore.dataset),
      clientsPer10k: per10k(infoAfter.clients - infoBefore.clients),
      keyBytesPer10k: per10k(bytes(after) - bytes(before)),
      keysBefore: count(before),
      keysAfter: count(after),
    },
    before,
    after,
  };
}
