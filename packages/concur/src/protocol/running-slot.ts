/**
 * The running slot: one number a worker keeps up to date in memory the main side can still read
 * after the worker died (a SharedArrayBuffer for a thread, an unlinked file for a process). It
 * says which task was running, so that a crash blames that task and no other, even while the
 * worker holds finished results back (see src/executors/crash-accounting.ts).
 *
 * Shared by both sides: imports nothing.
 */

/** What the slot claims, about the tasks of one worker in the order it was given them. */
export const SlotKind = {
  /** Nothing has started yet. */
  none: 0,
  /** `id` runs now; the tasks before it finished; the tasks after it have not started. */
  running: 1,
  /** `id` finished and nothing runs; the tasks after it have not started. */
  done: 2,
  /**
   * The tasks before `id` finished; `id` or a task after it may be running (or none). Written
   * instead of `running` where a write per task would cost too much (tiny tasks in a process).
   */
  unsure: 3,
} as const;
export type SlotKindCode = (typeof SlotKind)[keyof typeof SlotKind];

/** Byte size of the slot: one float64, exact for task ids below 2^50. */
export const SLOT_BYTES = 8;

export function encodeSlot(kind: SlotKindCode, id: number): number {
  return id * 4 + kind;
}

export function decodeSlot(value: number): { kind: SlotKindCode; id: number } {
  if (!Number.isFinite(value) || value < 0) return { kind: SlotKind.none, id: 0 };
  const kind = (value % 4) as SlotKindCode;
  return { kind, id: (value - kind) / 4 };
}
