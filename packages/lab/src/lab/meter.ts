/**
 * What a run costs besides its time: the CPU time and peak memory of this process (worker threads
 * included) and of its child processes, and the CPU other processes took meanwhile. A run's clock
 * brackets the span its time is measured over; in between, a timer samples every
 * SAMPLE_EVERY_MS. Reading /proc is synchronous on purpose: a few small files, read in
 * microseconds, and no work queued on the thread pool that an IO task is using.
 */
import { performance } from "node:perf_hooks";
import { childrenOf, readChildren } from "./proc/tree.js";
import { systemReader, type SystemReading } from "./proc/system.js";

/** How often a running run is sampled, milliseconds. */
export const SAMPLE_EVERY_MS = 250;

/** The machine between two samples of one run. */
export interface LoadInterval {
  wallMs: number;
  /** CPU time processes other than this one and its descendants took, ms (may read slightly below 0). */
  otherCpuMs: number;
}

/** What one run cost. */
export interface RunUsage {
  cpuUserMs: number;
  cpuSystemMs: number;
  peakRssBytes: number;
  /** Absent when the machine's load cannot be read (no /proc). */
  intervals?: LoadInterval[];
  loadAverages?: number[];
}

/** Brackets the timed part of a run. `stop` may be called again (or without `start`): no effect. */
export interface RunClock {
  start(): void;
  stop(): void;
}

/** A run's clock and, once stopped, what the run cost. */
export interface MeteredRun extends RunClock {
  usage(): RunUsage | undefined;
}

/** Makes a clock per run. */
export interface Meter {
  /** True when child processes are measured (/proc); false: this process only. */
  readonly tree: boolean;
  /** True when the machine's load is sampled (/proc). */
  readonly load: boolean;
  /** This process's children now (empty without /proc): which process workers a cell started. */
  children(): number[];
  /**
   * A clock for one run. `others` are child processes that belong to other cells (their pools
   * stay warm while this one runs): their CPU and memory are not this run's, though still this
   * process tree's rather than "other processes'".
   */
  run(others?: ReadonlySet<number>): MeteredRun;
}

interface Sample {
  atMs: number;
  /** This run's scope: this process and the children not in `others`. */
  cpuUserMs: number;
  cpuSystemMs: number;
  rssBytes: number;
  /** CPU time of the whole tree, `others` included: what is not another process's. */
  treeCpuMs: number;
  machine: SystemReading | undefined;
}

/** A meter for this process; `proc` is /proc's location, `everyMs` the sampling period. */
export function createMeter(options: { proc?: string; everyMs?: number } = {}): Meter {
  const proc = options.proc ?? "/proc";
  const everyMs = options.everyMs ?? SAMPLE_EVERY_MS;
  const tree = readChildren(process.pid, proc) !== undefined;
  const machine = systemReader(proc);
  const sample = (others: ReadonlySet<number>): Sample => {
    const reading = machine?.();
    const own = process.cpuUsage();
    const children = tree ? readChildren(process.pid, proc) : undefined;
    // A worker of this run's pool that exits has its time in `reaped`; so would another cell's
    // (a failed cell's pool shut down meanwhile), adding its lifetime to one run: the median per
    // run the reports show is not moved by one such run.
    let cpuUserMs = own.user / 1000 + (children?.reaped.userMs ?? 0);
    let cpuSystemMs = own.system / 1000 + (children?.reaped.systemMs ?? 0);
    let rssBytes = process.memoryUsage.rss();
    let othersCpuMs = 0;
    for (const [pid, usage] of children?.live ?? []) {
      if (others.has(pid)) {
        othersCpuMs += usage.userMs + usage.systemMs;
        continue;
      }
      cpuUserMs += usage.userMs;
      cpuSystemMs += usage.systemMs;
      rssBytes += usage.rssBytes;
    }
    return {
      atMs: performance.now(),
      cpuUserMs,
      cpuSystemMs,
      rssBytes,
      treeCpuMs: cpuUserMs + cpuSystemMs + othersCpuMs,
      machine: reading,
    };
  };
  return {
    tree,
    load: machine !== undefined,
    children: () => (tree ? childrenOf(process.pid, proc) : []),
    run: (others = new Set()) => meteredRun(() => sample(others), everyMs, machine !== undefined),
  };
}

function meteredRun(sample: () => Sample, everyMs: number, load: boolean): MeteredRun {
  let first: Sample | undefined;
  let last: Sample | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let peakRssBytes = 0;
  const intervals: LoadInterval[] = [];
  const loadAverages: number[] = [];
  const take = (): void => {
    const next = sample();
    peakRssBytes = Math.max(peakRssBytes, next.rssBytes);
    if (next.machine) loadAverages.push(next.machine.loadAverage);
    if (last?.machine && next.machine) {
      intervals.push({
        wallMs: next.atMs - last.atMs,
        otherCpuMs: next.machine.busyMs - last.machine.busyMs - (next.treeCpuMs - last.treeCpuMs),
      });
    }
    first ??= next;
    last = next;
  };
  return {
    start() {
      if (first) return;
      take();
      // unref'd: a sampler must never keep the process alive.
      timer = setInterval(take, everyMs).unref();
    },
    stop() {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      take();
      stopped = true;
    },
    usage() {
      if (!stopped || !first || !last) return undefined;
      return {
        cpuUserMs: last.cpuUserMs - first.cpuUserMs,
        cpuSystemMs: last.cpuSystemMs - first.cpuSystemMs,
        peakRssBytes,
        ...(load && { intervals, loadAverages }),
      };
    },
  };
}
