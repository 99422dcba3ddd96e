/**
 * Notes that keep a reader from misreading the numbers: what the sizes were, and how the Python
 * rows compare with Node's when they did different amounts of work.
 */
import type { BenchConfig, CellResult } from "./report.js";
import { cellLabel } from "./verdict.js";

/** What compares across runtimes: time per million inner iterations (cpu), else time per run. */
function perUnit(cell: CellResult): number {
  return cell.msPerMillionIterations ?? cell.stats?.median ?? Number.POSITIVE_INFINITY;
}

function fmt(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toPrecision(3);
}

/** The notes of a report. */
export function collectNotes(config: BenchConfig, cells: readonly CellResult[]): string[] {
  const notes: string[] = [];
  const { size } = config;
  if (config.tasks.includes("cpu")) {
    notes.push(
      `cpu size: ${size.records} records per run at multiplier ${size.multiplier}` +
        (size.factor !== undefined ? ` (--size ${size.factor}; 1 is the seed's full Task 2)` : "") +
        ".",
    );
  }
  const nodeSeq = cells.find((c) => c.task === "cpu" && c.runtime === "node" && c.executor === "sequential");
  const pySeq = cells.find((c) => c.task === "cpu" && c.runtime === "python" && c.executor === "sequential");
  const pyCpu = cells.filter((c) => c.task === "cpu" && c.runtime === "python");
  if (pyCpu.length > 0 && size.pythonRecords !== size.records) {
    notes.push(
      `Python's cpu rows processed ${size.pythonRecords} of the ${size.records} records per run (pure Python is about 100× slower): ` +
        "compare them with Node's per million inner iterations (ms/M iter), not by time per run. Nothing is extrapolated.",
    );
  }
  if (nodeSeq?.msPerMillionIterations && pySeq?.msPerMillionIterations) {
    const ratio = pySeq.msPerMillionIterations / nodeSeq.msPerMillionIterations;
    notes.push(
      `Per million inner iterations, sequential: Node ${fmt(nodeSeq.msPerMillionIterations)} ms, Python ${fmt(pySeq.msPerMillionIterations)} ms (Python ${fmt(ratio)}× slower).`,
    );
  }
  for (const task of config.tasks) {
    const best = (runtime: "node" | "python"): CellResult | undefined =>
      cells
        .filter((c) => c.task === task && c.runtime === runtime && c.stats)
        .reduce<CellResult | undefined>((a, b) => (!a || perUnit(b) < perUnit(a) ? b : a), undefined);
    const node = best("node");
    const py = best("python");
    if (!node || !py) continue;
    const unit = task === "cpu" ? "ms per million iterations" : "ms per run";
    notes.push(
      `${task}, best of each runtime (${unit}): Node ${cellLabel(node)} ${fmt(perUnit(node))}, Python ${cellLabel(py)} ${fmt(perUnit(py))}.`,
    );
  }
  const asyncCells = cells.filter((c) => c.executor === "async" && c.runtime === "node");
  if (asyncCells.length > 0) {
    notes.push(
      "async runs every input of a run at once on this event loop (its worker count is its concurrency).",
    );
  }
  notes.push(...usageNotes(config, cells));
  notes.push(...distributedNotes(config, cells));
  if (config.python.note) notes.push(config.python.note);
  return notes;
}

/** Where the distributed rows' workers ran, and what the numbers can and cannot say; or how to add them. */
function distributedNotes(config: BenchConfig, cells: readonly CellResult[]): string[] {
  const d = config.distributed;
  if (!d) return [];
  if (!d.enabled) return d.note ? [d.note] : [];
  const tasks = new Set(cells.filter((c) => c.executor === "distributed").map((c) => c.task));
  if (tasks.size === 0) return [];
  // How each worker process ran each task (workloads.ts: distributedWorker).
  const ways = [...tasks].map((task) =>
    task === "io" ? "io on each process's event loop" : `${task} on one worker thread each`,
  );
  const how = ` (${ways.join("; ")})`;
  const where = d.localWorkers
    ? `${d.workers ?? "?"} \`concur worker\` processes the lab started on this machine${how}, through Redis at ${d.redis ?? "?"}, ` +
      "their start-up in the start-up column. They share this machine's cores, so the row shows what the round trips cost, not what more machines would gain; " +
      "Redis's own CPU counts as other processes'."
    : `the ${d.workers ?? "?"} \`concur worker\` processes that served the queue (on their own machines), through Redis at ${d.redis ?? "?"}; their CPU time is not in this machine's columns.`;
  return [`distributed rows: ${where}`];
}

/** What the CPU and memory columns cover, and whether the machine's load could be watched. */
function usageNotes(config: BenchConfig, cells: readonly CellResult[]): string[] {
  const notes: string[] = [];
  const scopes = new Set(cells.map((c) => (typeof c.resources === "object" ? c.resources.scope : undefined)));
  const endpoint = config.endpoint.embedded && config.tasks.includes("io") ? ", the embedded endpoint" : "";
  if (scopes.has("tree")) {
    notes.push(
      `CPU time (user + system, median per run) and peak RSS are of this process (the lab, its worker threads${endpoint}) and its child processes, over the measured runs.`,
    );
  } else if (scopes.has("process")) {
    notes.push(
      `CPU time (user + system, median per run) and peak RSS are of this process only (the lab, its worker threads${endpoint}): without /proc, child processes are not measured and process pools show n/a.`,
    );
  }
  if (cells.some((c) => c.load === "unavailable")) {
    notes.push(
      "The machine's load was not sampled during the runs (no /proc here): whether other programs competed cannot be told.",
    );
  }
  return notes;
}
