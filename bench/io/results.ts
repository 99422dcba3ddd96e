/** What bench/results/io.json holds: one `bench:io` run (Task 1, IO-bound). */
import type { Machine } from "../lib/machine.js";
import type { Summary } from "../lib/stats.js";

export type IoKind = "sequential" | "async" | "thread" | "process";

export interface IoConfig {
  kind: IoKind;
  /** Pool size; concurrency of the async executor (its default); 1 for sequential. */
  workers: number;
  /** Rounds of requests: ceil(letters / workers) for a pool, 1 for async, letters for sequential. */
  rounds: number;
}

export interface IoRow extends IoConfig {
  /** Pool started and its connections open before the clock starts. */
  warmMs: Summary;
  /** Creation, the run and shutdown. */
  coldMs: Summary;
  /** The floor: `rounds × latency`. */
  idealMs: number;
  /** The target's bar in milliseconds, or undefined when there is none (sequential). */
  goalMs: number | undefined;
}

export interface IoResults {
  schema: "concur-bench-io/1";
  date: string;
  machine: Machine;
  letters: number;
  latencyMs: number;
  rounds: number;
  /** Variables of this machine's environment the pools' workers ran without. */
  envRemoved?: string[];
  elapsedMs: number;
  rows: IoRow[];
}
