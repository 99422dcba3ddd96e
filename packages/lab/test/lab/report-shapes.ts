/**
 * Synthetic reports shaped like real runs (numbers chosen, no timing): what `npm start` produces
 * (10+ runs per Node cell, 3 per Python cell) and what `--quick` produces (few runs, 1 per Python
 * cell). The browser test draws them, so their spreads are those of real runs on 2 cores.
 */
import type { BenchReport, CellResult } from "../../src/lab/report.js";
import { around, cell, report } from "./synthetic.js";

/** Samples with a real run's skew: most near `ms`, one or two slow ones. */
function skewed(ms: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => ms * (1 + 0.02 * ((i * 7) % 5) + (i === n - 1 ? 0.4 : 0)));
}

function cells(
  nodeRuns: number,
  pythonRuns: number,
  ioWorkers: number[],
  cpuWorkers: number[],
): CellResult[] {
  const py = { runtime: "python" as const };
  const out: CellResult[] = [
    cell("io", "sequential", 1, skewed(1420, nodeRuns), { startup: [1] }),
    cell("io", "async", 26, skewed(58, nodeRuns), { startup: [1] }),
    ...ioWorkers.map((w) => cell("io", "thread", w, skewed(1420 / w, nodeRuns), { startup: [30 * w] })),
    ...ioWorkers.map((w) => cell("io", "process", w, skewed(1450 / w, nodeRuns), { startup: [60 * w] })),
    cell("cpu", "sequential", 1, skewed(900, nodeRuns), { startup: [1] }),
    cell("cpu", "async", 10, skewed(910, nodeRuns), { startup: [1] }),
    ...cpuWorkers.map((w) => cell("cpu", "thread", w, skewed(900 / w + 20, nodeRuns), { startup: [30] })),
    ...cpuWorkers.map((w) => cell("cpu", "process", w, skewed(900 / w + 40, nodeRuns), { startup: [60] })),
  ];
  // Python's rows: few runs, widely spread (the first run pays the interpreter's warm-up).
  const spread = (ms: number): number[] =>
    pythonRuns === 1 ? [ms] : Array.from({ length: pythonRuns }, (_, i) => ms * [0.4, 0.6, 2][i % 3]!);
  out.push(
    cell("io", "sequential", 1, spread(1500), py),
    cell("io", "thread", 8, spread(260), py),
    cell("io", "process", 8, spread(420), py),
    cell("cpu", "sequential", 1, spread(2600), py),
    cell("cpu", "thread", 2, spread(2700), py),
    cell("cpu", "process", 2, spread(1500), py),
  );
  return out;
}

/** Like the default `npm start` on 2 cores: 10 runs per Node cell, 3 per Python cell. */
export function defaultLikeReport(): BenchReport {
  return report(cells(10, 3, [1, 2, 4, 8], [1, 2]));
}

/** Like `concur bench --quick`: 3 runs per Node cell, 1 per Python cell. */
export function quickLikeReport(): BenchReport {
  const r = report(cells(3, 1, [1, 4], [1, 2]));
  r.config.quick = true;
  return r;
}

export { around };

/** A user's own module: one task, no Python, 40 inputs, sequential/async/thread ×1,2. */
export function userModuleReport(): BenchReport {
  const task = "user:resize" as const;
  const r = report([
    cell(task, "sequential", 1, skewed(33, 10)),
    cell(task, "async", 40, skewed(31, 10)),
    cell(task, "thread", 1, skewed(36, 10)),
    cell(task, "thread", 2, skewed(19, 10)),
    cell(task, "process", 2, skewed(24, 10)),
  ]);
  r.config.module = { path: "/home/me/tasks.js", task: "resize", inputs: 40 };
  r.config.python = { enabled: false };
  return r;
}
