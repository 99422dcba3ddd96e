/**
 * A pool's queue of tasks waiting for a worker, with the count maxQueue is checked against.
 * Cancelled tasks are not searched for and removed: they stay in line, settled, and are dropped
 * when they reach the front (`next`), so a cancel costs O(1).
 */
import type { TaskRecord } from "./base.js";
import { Deque } from "./deque.js";
import { Waiters } from "./waiters.js";

export class TaskQueue {
  readonly #deque = new Deque<TaskRecord>();
  /** Queued tasks not settled yet. */
  #live = 0;
  readonly #room = new Waiters();
  readonly #maxQueue: number;

  constructor(maxQueue: number) {
    this.#maxQueue = maxQueue;
  }

  get live(): number {
    return this.#live;
  }

  push(record: TaskRecord): void {
    this.#deque.push(record);
    this.#live++;
  }

  /** The first task not settled, left in line (settled ones before it are dropped). */
  next(): TaskRecord | undefined {
    while (this.#deque.size > 0) {
      const record = this.#deque.peek()!;
      if (record.state !== "done") return record;
      this.#deque.shift();
    }
    return undefined;
  }

  /** Takes the task `next` returned out of line. */
  take(): void {
    this.#deque.shift();
    this.#live--;
  }

  /** Puts tasks back at the front, keeping their order (given back by a worker, or after a crash). */
  requeue(records: readonly TaskRecord[]): void {
    for (let i = records.length - 1; i >= 0; i--) {
      const record = records[i]!;
      if (record.state === "done") continue;
      this.#deque.unshift(record);
      this.#live++;
    }
  }

  /** A queued task was settled by its caller (cancelled): it no longer counts. */
  settled(): void {
    this.#live--;
    this.notifyRoom();
  }

  /** Empties the queue; returns the tasks not settled yet, for the caller to settle. */
  drain(): TaskRecord[] {
    const live: TaskRecord[] = [];
    for (const record of this.#deque.drain()) if (record.state !== "done") live.push(record);
    this.#live = 0;
    this.notifyRoom();
    return live;
  }

  waitForRoom(): Promise<void> {
    if (this.#live < this.#maxQueue) return Promise.resolve();
    return this.#room.wait();
  }

  notifyRoom(): void {
    if (this.#live < this.#maxQueue) this.#room.releaseAll();
  }
}
