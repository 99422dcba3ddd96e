/**
 * Compile-time checks of the typed API (run by `npm run typecheck`, not at run time): a task's
 * name, arguments and result type flow from the task module to submit, with and map.
 */
import { ThreadPoolExecutor, asCompleted, type DoneFuture, type Future } from "../../src/index.js";

type Tasks = typeof import("../fixtures/basic-tasks.js");
declare const pool: ThreadPoolExecutor<Tasks>;

export async function typeChecks(): Promise<void> {
  const sum: Future<number> = pool.submit("add", 1, 2);
  const slept: number = await pool.submit("sleep", 5);
  const viaWith: Future<number> = pool.with({ timeout: 10 }).submit("add", 1, 2);
  for await (const n of pool.map("inc", [1, 2, 3])) {
    const check: number = n;
    void check;
  }
  void sum;
  void slept;
  void viaWith;

  // asCompleted hands out the futures themselves, not their values.
  for await (const done of asCompleted([sum, viaWith])) {
    const asDone: DoneFuture<Future<number>> = done;
    const value: number = await done.result();
    const failure: unknown = await done.exception();
    // @ts-expect-error: the item is a future, not the number it resolves to
    const notTheValue: number = done;
    void asDone;
    void value;
    void failure;
    void notTheValue;
  }

  // @ts-expect-error: no such task
  pool.submit("nope", 1);
  // @ts-expect-error: wrong argument type
  pool.submit("add", "1", 2);
  // @ts-expect-error: missing argument
  pool.submit("add", 1);
  // @ts-expect-error: not a function export
  pool.submit("notAFunction");
  // @ts-expect-error: add takes two arguments, so it cannot be mapped over single inputs
  pool.map("add", [1, 2]);
  // @ts-expect-error: inputs of the wrong type
  pool.map("inc", ["a"]);
  // @ts-expect-error: the result is a number, not a string
  const wrong: string = await pool.submit("inc", 1);
  void wrong;
}
