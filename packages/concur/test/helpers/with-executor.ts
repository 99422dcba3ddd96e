/** A fresh executor of each kind for a test, shut down and checked for leaks afterwards. */
import { createExecutor, type Executor, type ExecutorKind } from "../../src/index.js";
import { assertNoLeaks, snapshot } from "./leaks.js";

export type Tasks = typeof import("../fixtures/basic-tasks.js");
export const tasksUrl = new URL("../fixtures/basic-tasks.ts", import.meta.url);
export const isPool = (kind: ExecutorKind): boolean => kind === "thread" || kind === "process";

/** Runs `body` with a fresh executor, then shuts it down and checks nothing leaked. */
export async function withExecutor(
  kind: ExecutorKind,
  body: (executor: Executor<Tasks>) => Promise<void>,
  options: Record<string, unknown> = {},
): Promise<void> {
  const before = snapshot();
  const executor = createExecutor<Tasks>(kind, tasksUrl, { workers: 2, ...options });
  try {
    await body(executor);
  } finally {
    await executor.shutdown({ cancelFutures: true });
  }
  await assertNoLeaks(before, kind);
}
