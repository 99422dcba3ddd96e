import type { DurationSummary, ExecutorKind, ExecutorStats } from "../types.js";

const WINDOW = 4096;

/** The last WINDOW durations, in a ring: percentiles without unbounded memory. */
class DurationWindow {
  readonly #values = new Float64Array(WINDOW);
  #count = 0;
  #total = 0;
  #sum = 0;

  add(ms: number): void {
    this.#values[this.#count % WINDOW] = ms;
    this.#count++;
    this.#total++;
    this.#sum += ms;
  }

  summary(): DurationSummary {
    const n = Math.min(this.#count, WINDOW);
    if (n === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
    const sorted = this.#values.slice(0, n).sort();
    const at = (q: number): number => sorted[Math.min(n - 1, Math.floor(q * n))]!;
    return {
      count: this.#total,
      mean: this.#sum / this.#total,
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: sorted[n - 1]!,
    };
  }
}

/** Counters shared by every executor; the executor reports events, `snapshot` summarises. */
export class StatsRecorder {
  readonly #createdAt = performance.now();
  readonly queueWait = new DurationWindow();
  readonly runTime = new DurationWindow();
  submitted = 0;
  completed = 0;
  failed = 0;
  cancelled = 0;
  workersStarted = 0;
  workersCrashed = 0;
  workerStartFailures = 0;
  lastStartFailure: string | undefined;
  #busyMs = 0;

  /** A task ran for `ms` (worker-measured where there is a worker). */
  ran(ms: number): void {
    this.runTime.add(ms);
    this.#busyMs += ms;
  }

  snapshot(
    kind: ExecutorKind,
    live: { workers: number; queued: number; running: number; capacity: number },
  ): ExecutorStats {
    const elapsed = performance.now() - this.#createdAt;
    const capacity = Math.max(1, live.capacity);
    return {
      kind,
      workers: live.workers,
      submitted: this.submitted,
      queued: live.queued,
      running: live.running,
      completed: this.completed,
      failed: this.failed,
      cancelled: this.cancelled,
      workersStarted: this.workersStarted,
      workersCrashed: this.workersCrashed,
      workerStartFailures: this.workerStartFailures,
      ...(this.lastStartFailure !== undefined && { lastStartFailure: this.lastStartFailure }),
      queueWait: this.queueWait.summary(),
      runTime: this.runTime.summary(),
      utilization: elapsed > 0 ? Math.min(1, this.#busyMs / (capacity * elapsed)) : 0,
    };
  }
}
