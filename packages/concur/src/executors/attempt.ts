/**
 * How a backend that runs a task again (a distributed worker given a job another machine had
 * started) tells the task which run it is: the local executor it runs the task on carries the
 * number to the task's context (`currentTask().attempt`), across a thread or process boundary.
 */
import type { Executor, TaskOptions, TaskSubmitter } from "../types.js";
import { invalid } from "../validate.js";
import { ExecutorBase } from "./base.js";

/**
 * A submitter on `executor` whose tasks see `currentTask().attempt === attempt` (a positive
 * integer; `options` as in `executor.with()`). For executor packages, not applications.
 * @example
 * withAttempt(localPool, job.attemptsStarted, { timeout: 5_000 }).submit("resize", image);
 */
export function withAttempt<M>(
  executor: Executor<M>,
  attempt: number,
  options?: TaskOptions,
): TaskSubmitter<M> {
  if (!(executor instanceof ExecutorBase))
    throw invalid("withAttempt(): executor", "one of concur's executors", executor);
  return (executor as ExecutorBase<M>).withAttempt(attempt, options);
}
