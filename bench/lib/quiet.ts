/**
 * A shared machine's other work skews every timing. Before each trial the orchestrator (idle by
 * then) measures how busy the CPUs are; while they are busy it waits a little, within a per-trial
 * and a per-run allowance, and it records what it saw so a report can say how quiet the run was.
 * Linux only (/proc/stat); elsewhere nothing is waited for or recorded.
 */
import { readFileSync } from "node:fs";

/** Length of one look at the CPUs: long enough to see a burst, short next to a trial. */
const SAMPLE_MS = 150;

/** Busy and total jiffies of all CPUs since boot, or undefined without /proc. */
function cpuTimes(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync("/proc/stat", "utf8")
      .split("\n", 1)[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Share of all CPUs busy over the next `ms` milliseconds (0..1), or undefined without /proc. */
export async function busyShare(ms = 250): Promise<number | undefined> {
  const before = cpuTimes();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = cpuTimes();
  if (!before || !after || after.total === before.total) return undefined;
  return (after.busy - before.busy) / (after.total - before.total);
}

export interface QuietGate {
  /** Waits (bounded) until the CPUs are mostly idle; returns the busy share last seen. */
  wait(): Promise<number | undefined>;
  /** Milliseconds waited so far over the whole run, beyond the one look each trial takes. */
  readonly waitedMs: number;
}

export function quietGate(options: { threshold: number; perTrialMs: number; perRunMs: number }): QuietGate {
  let waitedMs = 0;
  return {
    get waitedMs() {
      return waitedMs;
    },
    async wait() {
      let share = await busyShare(SAMPLE_MS);
      // Only the waiting beyond that first look counts against the allowances.
      const start = performance.now();
      while (
        share !== undefined &&
        share > options.threshold &&
        performance.now() - start < options.perTrialMs &&
        waitedMs + (performance.now() - start) < options.perRunMs
      ) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        share = await busyShare(SAMPLE_MS);
      }
      waitedMs += performance.now() - start;
      return share;
    },
  };
}
