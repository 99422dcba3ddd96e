/** Shared by the fault suite: pools of test/fixtures/fault-tasks.ts, with leak checks. */
import assert from "node:assert/strict";
import {
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  WorkerCrashedError,
  type Executor,
  type PoolOptions,
} from "../../src/index.js";
import { assertNoLeaks, snapshot } from "../helpers/leaks.js";

export type Faults = typeof import("../fixtures/fault-tasks.js");
export const faultsUrl = new URL("../fixtures/fault-tasks.ts", import.meta.url);

export type PoolKind = "thread" | "process";
export const POOL_KINDS: readonly PoolKind[] = ["thread", "process"];

export function makePool<M = Faults>(
  kind: PoolKind,
  options: PoolOptions = {},
  url: URL = faultsUrl,
): Executor<M> {
  return kind === "thread"
    ? new ThreadPoolExecutor<M>(url, options)
    : new ProcessPoolExecutor<M>(url, options);
}

/** Runs `body` with a fresh pool, shuts it down, and checks that nothing of it is left. */
export async function withPool<M = Faults>(
  kind: PoolKind,
  options: PoolOptions,
  body: (pool: Executor<M>) => Promise<void>,
  url: URL = faultsUrl,
): Promise<void> {
  const before = snapshot();
  const pool = makePool<M>(kind, options, url);
  try {
    await body(pool);
  } finally {
    await pool.shutdown({ cancelFutures: true });
  }
  await assertNoLeaks(before, kind);
}

export function isCrash(error: unknown): error is WorkerCrashedError {
  return error instanceof WorkerCrashedError && error.code === "ERR_WORKER_CRASHED";
}

/** Resolves with `promise`, or fails the test if it has not settled within `ms` (a hang check). */
export async function settlesWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

export { assert };
