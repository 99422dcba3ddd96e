/**
 * Worker side of the running slot (src/protocol/running-slot.ts): what to write, and when.
 *
 * A thread writes to shared memory, which costs nothing: every task start and end is recorded.
 * A process writes to a file, one system call (~2.5 µs here) per write, which would cost tiny
 * tasks a fifth of their throughput. So a process records each task exactly only once tasks take
 * long enough (PRECISE_MIN_MS on average) for two writes to be lost in the noise, or when the
 * main side asks for it (a task that was near a crash before); for tiny tasks it writes `unsure`
 * once per batch, and the main side treats the tasks from there on as suspects, not culprits
 * (an async task is recorded exactly once it awaits).
 * Whatever the mode, the slot never claims something false.
 */
import { SlotKind, encodeSlot } from "../protocol/running-slot.js";

/** Where the slot lives. */
export interface SlotStore {
  write(value: number): void;
  /** Writes cost nothing (shared memory): record every task exactly. */
  readonly free: boolean;
}

/** Average run time from which a process worker records every task exactly (2 writes ≈ 1%). */
const PRECISE_MIN_MS = 0.5;

export class SlotWriter {
  readonly #store: SlotStore | undefined;
  #kind: number = SlotKind.none;
  #id = 0;
  #precise = false;
  #avgMs: number | undefined;
  #last = 0;

  constructor(store: SlotStore | undefined) {
    this.#store = store;
  }

  /** Before task `id` starts. */
  starting(id: number, exact: boolean): void {
    if (!this.#store) return;
    this.#precise = this.#store.free || exact || (this.#avgMs !== undefined && this.#avgMs >= PRECISE_MIN_MS);
    if (this.#precise) this.#set(SlotKind.running, id);
    // `unsure` stays true for every later task, until something exact is written.
    else if (this.#kind !== SlotKind.unsure) this.#set(SlotKind.unsure, id);
  }

  /**
   * Task `id` returned a promise: it may run for long, and a kill then is likely to find it, so
   * record it exactly (two writes for an async task, which already costs a message of its own).
   */
  awaiting(id: number): void {
    if (!this.#store || this.#precise) return;
    this.#precise = true;
    this.#set(SlotKind.running, id);
  }

  /** After task `id` finished (its result may be held back). */
  ended(id: number, ms: number): void {
    this.#last = id;
    this.#avgMs = this.#avgMs === undefined ? ms : this.#avgMs * 0.8 + ms * 0.2;
    if (this.#precise) this.#set(SlotKind.done, id);
  }

  /** The worker runs nothing (its queue drained): say so exactly. */
  idle(): void {
    if (this.#last !== 0 && !(this.#kind === SlotKind.done && this.#id === this.#last))
      this.#set(SlotKind.done, this.#last);
  }

  /** The worker is about to die by its own hand (process.exit, a fatal error): exact, whatever the mode. */
  dying(running: number | undefined): void {
    if (running !== undefined) this.#set(SlotKind.running, running);
    else this.idle();
  }

  #set(kind: number, id: number): void {
    this.#kind = kind;
    this.#id = id;
    try {
      this.#store!.write(encodeSlot(kind as 0 | 1 | 2 | 3, id));
    } catch {
      // A slot that cannot be written is only less information: the main side falls back.
    }
  }
}
