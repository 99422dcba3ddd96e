/**
 * Who is to blame when a worker dies. The worker ran the tasks it was given one at a time, in
 * order; of those it had not reported, some finished (results held back to share a message),
 * at most one was running, and the rest had not started. Its running slot
 * (src/protocol/running-slot.ts) says where that line falls:
 *
 * - `running(X)`: X fails with WorkerCrashedError and is never run again (Python's rule); the
 *   others run again elsewhere (those before X had finished, but their results died with it).
 * - `done(X)` or `none`: nothing was running; everything runs again, nobody is blamed.
 * - `unsure(X)`: X or a later task may have been running (a process running tiny tasks does not
 *   pay a write per task). Nobody is blamed on a guess: they all run again, and those from X on
 *   are suspects, run next time with exact records, so that a task that kills its worker again
 *   is then caught and failed. Only such a task may run twice.
 * - no slot at all (it could not be made): the first task not reported is taken for the running
 *   one, the rule before the slot existed.
 *
 * A task run again that may have started before (finished without a report, or a suspect) runs
 * as its next attempt (`currentTask().attempt`), so that a task with side effects can tell.
 */
import { SlotKind, decodeSlot } from "../protocol/running-slot.js";
import type { TaskRecord } from "./base.js";

export interface CrashVerdict {
  /** The task running when the worker died. */
  running: TaskRecord | undefined;
  /** Tasks to run again, in their order: not started, or finished without a report. */
  requeue: TaskRecord[];
  /** The part of `requeue` that may have been running. */
  suspects: TaskRecord[];
  /** The part of `requeue` that may have started already (finished unreported, or suspects). */
  started: TaskRecord[];
}

/**
 * While the worker lives: may `target` (one of `inflight`) be the task it runs now? Asked when a
 * cancelled task ignores its signal and the worker, busy in sync code, cannot say: the tasks
 * before it in `inflight` may have finished with their results held back. `slot` is the running
 * slot read now.
 */
export function mayBeRunning(
  inflight: readonly TaskRecord[],
  slot: number | undefined,
  target: TaskRecord,
): boolean {
  const at = inflight.indexOf(target);
  if (at === 0) return true;
  if (at < 0 || slot === undefined) return false;
  const { kind, id } = decodeSlot(slot);
  if (kind === SlotKind.running) return id === target.id;
  if (kind !== SlotKind.unsure) return false;
  // unsure(X): X or a later task may run. Not found: X was reported, and all held come after it.
  const from = inflight.findIndex((record) => record.id === id);
  return from <= at;
}

/** `inflight`: the tasks the worker held and had not reported, in the order it was given them. */
export function judgeCrash(inflight: readonly TaskRecord[], slot: number | undefined): CrashVerdict {
  if (slot === undefined) {
    // Nothing says how far it got: any of them may have finished with its result held back.
    const [running, ...requeue] = inflight;
    return { running, requeue, suspects: [], started: requeue };
  }
  const { kind, id } = decodeSlot(slot);
  const at = kind === SlotKind.none ? -1 : inflight.findIndex((record) => record.id === id);
  switch (kind) {
    case SlotKind.running:
      if (at < 0) break;
      return {
        running: inflight[at],
        requeue: [...inflight.slice(0, at), ...inflight.slice(at + 1)],
        suspects: [],
        started: inflight.slice(0, at),
      };
    case SlotKind.unsure:
      // Not found: X was reported, so every task still held comes after it.
      return {
        running: undefined,
        requeue: [...inflight],
        suspects: inflight.slice(Math.max(at, 0)),
        started: [...inflight],
      };
  }
  // done(X): X and the tasks before it finished (X not held: all held came after it, unstarted).
  const started = kind === SlotKind.done && at >= 0 ? inflight.slice(0, at + 1) : [];
  return { running: undefined, requeue: [...inflight], suspects: [], started };
}
