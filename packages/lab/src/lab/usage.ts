/**
 * From what each measured run cost (meter.ts) to a cell's `resources` and `load`: pure functions,
 * tested on chosen numbers.
 */
import type { RunUsage } from "./meter.js";
import type { CellLoad, CellResources } from "./report.js";

/** Other processes taking more than this many cores in a window is a spike. */
export const SPIKE_CORES = 0.25;

/**
 * The window CPU shares are judged over, milliseconds of the cell's running. /proc/stat counts in
 * 10 ms ticks per CPU, so a short window misreads by a few ticks: on 2 CPUs over 500 ms, under
 * 0.1 of a core, well below the spike threshold.
 */
export const LOAD_WINDOW_MS = 500;

/** The cell's CPU time per run and peak memory over its measured runs. */
export function cellResources(runs: readonly RunUsage[], scope: CellResources["scope"]): CellResources {
  return {
    scope,
    cpuUserMs: runs.map((run) => run.cpuUserMs),
    cpuSystemMs: runs.map((run) => run.cpuSystemMs),
    peakRssBytes: Math.max(0, ...runs.map((run) => run.peakRssBytes)),
  };
}

/**
 * The machine's load over a cell's measured runs; "unavailable" when a run could not read it.
 * The intervals of the cell's runs are pooled in order into windows of LOAD_WINDOW_MS (a window
 * may span several short runs: the cell's own running, with other cells' runs left out), and
 * the last partial window counts when it is at least half as long.
 */
export function cellLoad(runs: readonly RunUsage[]): CellLoad | "unavailable" {
  if (runs.length === 0 || runs.some((run) => run.intervals === undefined)) return "unavailable";
  const shares: number[] = [];
  let window = { wallMs: 0, otherCpuMs: 0 };
  let total = { wallMs: 0, otherCpuMs: 0 };
  for (const interval of runs.flatMap((run) => run.intervals ?? [])) {
    window = { wallMs: window.wallMs + interval.wallMs, otherCpuMs: window.otherCpuMs + interval.otherCpuMs };
    total = { wallMs: total.wallMs + interval.wallMs, otherCpuMs: total.otherCpuMs + interval.otherCpuMs };
    if (window.wallMs >= LOAD_WINDOW_MS) {
      shares.push(window.otherCpuMs / window.wallMs);
      window = { wallMs: 0, otherCpuMs: 0 };
    }
  }
  if (window.wallMs >= LOAD_WINDOW_MS / 2) shares.push(window.otherCpuMs / window.wallMs);
  // Tick rounding can make a quiet window read slightly below zero: no process took less than nothing.
  const maxOtherCpuCores = shares.length > 0 ? Math.max(0, ...shares) : null;
  const loadAverages = runs.flatMap((run) => run.loadAverages ?? []);
  return {
    samples: loadAverages.length,
    maxLoadAverage: Math.max(0, ...loadAverages),
    maxOtherCpuCores,
    meanOtherCpuCores:
      total.wallMs >= LOAD_WINDOW_MS / 2 ? Math.max(0, total.otherCpuMs / total.wallMs) : null,
    spike: maxOtherCpuCores !== null && maxOtherCpuCores > SPIKE_CORES,
  };
}
