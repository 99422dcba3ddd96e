/**
 * What the orchestrator (bench/pools.ts) and a trial process (bench/pools/runner.ts) say to each
 * other: one trial request in argv, one JSON result line on stdout. Types and constants only.
 */

/** The task functions of bench/workers/work.mjs, as every contender sees them. */
export interface WorkModule {
  inc(x: number): number;
  processLetter(record: LetterRecord, m?: number): number;
  spin(n: number): number;
}
export type TaskName = keyof WorkModule;

/** One record of the seed's Task 2. */
export interface LetterRecord {
  id: number;
  name: string;
  url: string;
}

export const CONTENDERS = [
  "concur-thread",
  "piscina",
  "tinypool",
  "workerpool-thread",
  "poolifier-thread",
  "concur-process",
  "tinypool-process",
  "workerpool-process",
  "poolifier-cluster",
] as const;
export type ContenderId = (typeof CONTENDERS)[number];
export type PoolKind = "thread" | "process";

export function kindOf(id: ContenderId): PoolKind {
  return id === "concur-process" ||
    id === "tinypool-process" ||
    id === "workerpool-process" ||
    id === "poolifier-cluster"
    ? "process"
    : "thread";
}

export function isConcur(id: ContenderId): boolean {
  return id === "concur-thread" || id === "concur-process";
}

/** Where the runner finds what it loads (resolved by the orchestrator, absolute file URLs). */
export interface Paths {
  concur: string;
  workersDir: string;
  piscina: string;
  tinypool: string;
  workerpool: string;
  poolifier: string;
}

/** Worker count: a number, or the library's own default (no option given). */
export type Workers = number | "default";

export type TrialRequest =
  /** Finds the `spin` argument worth `targetMs`, or (given `spinN`) times that argument again. */
  | { scenario: "calibrate"; targetMs: number; spinN?: number }
  | { scenario: "sequential"; recordsFile: string; startAt: number }
  | { scenario: "sequentialTiny"; tasks: number }
  | { scenario: "startup"; contender: ContenderId; workers: number }
  | { scenario: "tiny"; contender: ContenderId; workers: number; tasks: number; window: number | "all" }
  | { scenario: "mapTiny"; contender: ContenderId; workers: number; tasks: number }
  | { scenario: "task2"; contender: ContenderId; workers: Workers; recordsFile: string }
  | { scenario: "cpu"; contender: ContenderId; workers: number; tasks: number; spinN: number }
  /** No library: bare workers and the harness's own promises (what no pool can go below). */
  | { scenario: "floor"; kind: PoolKind; workers: number; tasks: number };

/** Numbers a trial reports; every duration in milliseconds. */
export type Metrics = Record<string, number>;

export type TrialResult = { ok: true; metrics: Metrics } | { ok: false; error: string };

/** The runner prints its result on one line starting with this. */
export const RESULT_PREFIX = "@@trial-result ";
