/**
 * The view model shared by the document reporters (HTML, Markdown) and the chart specs: which
 * tasks and cells to show in which order, their labels, the unit they are compared in, and the
 * number formats. Pure functions of the BenchReport.
 */
import type { BenchExecutor, BenchReport, BenchTaskId, CellResult, Comparison } from "../report.js";
import { median } from "../stats.js";
import { significanceText, tooFewRuns } from "../wording.js";

const EXECUTOR_ORDER: Record<BenchExecutor, number> = {
  sequential: 0,
  async: 1,
  thread: 2,
  process: 3,
  distributed: 4,
};

/** The report's tasks in config order, then any task that only appears in the cells. */
export function reportTasks(report: BenchReport): BenchTaskId[] {
  const tasks = [...report.config.tasks];
  for (const cell of report.cells) if (!tasks.includes(cell.task)) tasks.push(cell.task);
  return tasks;
}

/** A task's cells in matrix order: Node before Python, then executor, then workers. */
export function taskCells(report: BenchReport, task: BenchTaskId): CellResult[] {
  return report.cells
    .filter((cell) => cell.task === task)
    .sort(
      (a, b) =>
        Number(a.runtime === "python") - Number(b.runtime === "python") ||
        EXECUTOR_ORDER[a.executor] - EXECUTOR_ORDER[b.executor] ||
        a.workers - b.workers,
    );
}

/** Cells that have numbers to draw. */
export function measured(cells: CellResult[]): (CellResult & { stats: NonNullable<CellResult["stats"]> })[] {
  return cells.filter((cell): cell is CellResult & { stats: NonNullable<CellResult["stats"]> } => {
    return cell.stats !== null && cell.samplesMs.length > 0;
  });
}

/** "thread" for Node, "Python thread" for the original experiment's rows. */
export function seriesName(cell: Pick<CellResult, "runtime" | "executor">): string {
  return cell.runtime === "python" ? `Python ${cell.executor}` : cell.executor;
}

/** A row label: "sequential", "async (26 in flight)", "thread ×4", "Python process ×2". */
export function cellLabel(cell: Pick<CellResult, "runtime" | "executor" | "workers">): string {
  const series = seriesName(cell);
  if (cell.executor === "sequential") return series;
  if (cell.executor === "async") return `${series} (${cell.workers} in flight)`;
  return `${series} ×${cell.workers}`;
}

export function taskLabel(task: BenchTaskId): string {
  if (task === "io") return "io (IO-bound: download)";
  if (task === "cpu") return "cpu (CPU-bound: process)";
  return `${task.slice("user:".length)} (your task)`;
}

export function comparisonOf(report: BenchReport, cellId: string): Comparison | undefined {
  return report.comparisons.find((c) => c.cellId === cellId);
}

/** The unit a task's times are compared in. */
export interface UnitBasis {
  /** "run" when every cell does the same work per run; otherwise a unit of work. */
  unit: "run" | "million iterations" | (string & {});
  /** "per run", "per million inner-loop iterations", "per record". */
  phrase: string;
  /** Why the task is compared per unit of work, e.g. "records per run differ (Node 260, Python 26)". */
  note: string | null;
}

/**
 * Cells that do different amounts of work per run (Python's CPU rows on a subset of the records)
 * are compared per unit: per million inner-loop iterations when every cell counts them (records
 * differ in length), else per the work's own unit.
 */
export function unitBasis(report: BenchReport, task: BenchTaskId): UnitBasis {
  const cells = measured(taskCells(report, task));
  const sameWork = (a: CellResult, b: CellResult) =>
    a.work.perRun === b.work.perRun && a.work.innerIterations === b.work.innerIterations;
  const first = cells[0];
  if (first === undefined || cells.every((c) => sameWork(c, first))) {
    return { unit: "run", phrase: "per run", note: null };
  }
  const byIterations = cells.every((c) => (c.work.innerIterations ?? 0) > 0);
  const sizes = new Map<string, Set<number>>();
  for (const c of cells) {
    const who = c.runtime === "python" ? "Python" : "Node";
    sizes.set(who, (sizes.get(who) ?? new Set()).add(c.work.perRun));
  }
  const parts = [...sizes].map(([who, set]) => `${who} ${[...set].join("/")}`);
  const note = `${first.work.name}s per run differ (${parts.join(", ")})`;
  return byIterations
    ? { unit: "million iterations", phrase: "per million inner-loop iterations", note }
    : { unit: first.work.name, phrase: `per ${first.work.name}`, note };
}

/** Units of the basis in one run of the cell. */
export function unitsPerRun(cell: CellResult, basis: UnitBasis): number {
  if (basis.unit === "run") return 1;
  if (basis.unit === "million iterations") return (cell.work.innerIterations ?? 0) / 1e6;
  return cell.work.perRun;
}

/** A duration in the task's unit: ms per run, or ms per unit of work. */
export function inUnit(cell: CellResult, basis: UnitBasis, ms: number): number {
  const units = unitsPerRun(cell, basis);
  return units > 0 ? ms / units : ms;
}

/** Milliseconds with precision that suits their size: "1236", "81.3", "4.06", "0.406". */
export function formatNumber(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const abs = Math.abs(ms);
  if (abs >= 100) return ms.toFixed(0);
  if (abs >= 10) return ms.toFixed(1);
  if (abs >= 1) return ms.toFixed(2);
  if (abs === 0) return "0";
  return ms.toPrecision(3);
}

export function formatMs(ms: number): string {
  return `${formatNumber(ms)} ms`;
}

export function formatSpeedup(x: number): string {
  return `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`;
}

export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : formatMs(ms);
}

export function formatBytes(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}

/** "2025-06-11 09:42:17 UTC", independent of the viewer's locale; the raw text when unparsable. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export function formatLoad(load: readonly number[]): string {
  return load.map((x) => x.toFixed(2)).join(" / ");
}

/** The machine context as label/value pairs. */
export function machineFacts(report: BenchReport): [string, string][] {
  const m = report.machine;
  return [
    ["CPU", `${m.cpuModel} (${m.cores} cores, ${m.availableParallelism} available)`],
    ["Memory", formatBytes(m.memoryBytes)],
    ["Platform", `${m.platform} ${m.arch}`],
    ["Node", m.nodeVersion],
    ["Python", m.pythonVersion ?? "not found"],
    [
      "Load average (1/5/15 min)",
      `${formatLoad(m.loadAverageStart)} at start, ${formatLoad(m.loadAverageEnd)} at end`,
    ],
    ["concur", m.concurVersion],
  ];
}

function workersText(c: BenchReport["config"]): string {
  const byTask = c.workersByTask;
  if (!byTask || Object.keys(byTask).length === 0) return c.workers.join(", ");
  return Object.entries(byTask)
    .map(([task, workers]) => `${task}: ${workers.join(", ")}`)
    .join("; ");
}

function pythonText(py: BenchReport["config"]["python"]): string {
  const parts = [py.enabled ? "on" : "off"];
  if (py.enabled && py.workers)
    parts.push(`pools of ${py.workers.io} (io) and ${py.workers.cpu} (cpu) workers`);
  if (py.enabled && py.repetitions !== undefined) parts.push(`${py.repetitions} runs per cell`);
  return parts.join(", ") + (py.note ? `; ${py.note}` : "");
}

/** The run's settings as label/value pairs. */
export function configFacts(report: BenchReport): [string, string][] {
  const c = report.config;
  const e = c.endpoint;
  // Only the settings the run used: a user's module has no records, endpoint, seed or Python rows.
  const seedTasks = c.tasks.filter((t) => t === "io" || t === "cpu");
  const facts: [string, string][] = [
    ["Tasks", c.tasks.join(", ")],
    ["Executors", c.executors.join(", ")],
    ["Workers", workersText(c)],
    [
      "Runs per cell",
      `${c.warmupRuns} warm-up, then ${c.minRuns}–${c.maxRuns} runs and at least ${formatDuration(c.minTimeMs)}` +
        (c.quick ? " (quick)" : ""),
    ],
  ];
  if (seedTasks.includes("cpu")) {
    facts.push([
      "Size",
      (c.size.factor === undefined ? "" : `factor ${c.size.factor}: `) +
        `${c.size.records} records × multiplier ${c.size.multiplier}` +
        (c.python.enabled ? `; Python CPU rows: ${c.size.pythonRecords} records` : ""),
    ]);
  }
  if (seedTasks.length > 0) {
    facts.push(
      ["Endpoint", `${e.embedded ? "embedded" : "external"} ${e.url}, latency ${e.latency}`],
      ["Python rows", pythonText(c.python)],
      ["Seed", String(c.seed)],
    );
  }
  if (c.module) facts.push(["Module", `${c.module.path} → ${c.module.task} (${c.module.inputs} inputs)`]);
  return facts;
}

/** One results-table row, already formatted; shared by the HTML and Markdown tables. */
export interface ResultRow {
  cell: CellResult;
  label: string;
  workers: string;
  runs: string;
  median: string;
  ci: string;
  perUnit: string;
  speedup: string;
  significant: string;
  startup: string;
}

/** "3.40× [3.35–3.49]"; without an interval (too few runs) the ratio alone. */
export function formatSpeedupWithCi(cmp: Comparison): string {
  const ci = cmp.speedupCi95;
  return ci
    ? `${formatSpeedup(cmp.speedup)} [${formatNumber(ci.low)}–${formatNumber(ci.high)}]`
    : formatSpeedup(cmp.speedup);
}

/** The cell's median per unit of work: per million iterations when the task compares so. */
function perUnitText(cell: CellResult, basis: UnitBasis): string {
  if (basis.unit === "million iterations" && cell.stats) {
    const value = cell.msPerMillionIterations ?? inUnit(cell, basis, cell.stats.median);
    return `${formatNumber(value)} ms/M iterations`;
  }
  return cell.msPerUnit === null ? "—" : `${formatNumber(cell.msPerUnit)} ms/${cell.work.name}`;
}

export function resultRows(report: BenchReport, task: BenchTaskId): ResultRow[] {
  const basis = unitBasis(report, task);
  return taskCells(report, task).map((cell) => {
    const s = cell.stats;
    const cmp = comparisonOf(report, cell.id);
    const failed = cell.status === "failed" ? `failed${cell.error ? `: ${cell.error}` : ""}` : "no data";
    const speedup = cmp ? formatSpeedupWithCi(cmp) : cell.executor === "sequential" && s ? "baseline" : "—";
    return {
      cell,
      label: cellLabel(cell) + (cell.status === "interrupted" ? " (interrupted)" : ""),
      workers: String(cell.workers),
      runs: String(s?.n ?? cell.samplesMs.length),
      median: s ? formatMs(s.median) : failed,
      ci: !s ? "—" : s.ci95 ? `${formatNumber(s.ci95.low)}–${formatNumber(s.ci95.high)} ms` : tooFewRuns(s.n),
      perUnit: perUnitText(cell, basis),
      speedup,
      significant: cmp ? significanceText(cmp) : "—",
      startup: cell.startupStats && cell.startupStats.median > 0 ? formatMs(cell.startupStats.median) : "—",
    };
  });
}

/** The median user and system CPU time of a cell's runs; "unavailable", or undefined when not recorded. */
export function cpuPerRun(
  cell: CellResult,
): { userMs: number; systemMs: number } | "unavailable" | undefined {
  const r = cell.resources;
  if (r === undefined || r === "unavailable") return r;
  if (r.cpuUserMs.length === 0) return undefined;
  return { userMs: median(r.cpuUserMs), systemMs: median(r.cpuSystemMs) };
}

/** "—" for what was not recorded (Python rows, older reports), "n/a" for what could not be measured here. */
function missing(value: "unavailable" | undefined): string {
  return value === "unavailable" ? "n/a" : "—";
}

/** CPU per run, user + system: "380+12 ms", "1.21+0.05 s". */
export function formatCpu(cell: CellResult): string {
  const cpu = cpuPerRun(cell);
  if (cpu === undefined || cpu === "unavailable") return missing(cpu);
  // Both parts to the decimals the total needs: "44.1+0.0 ms", not "44.1+0.00200 ms".
  const total = cpu.userMs + cpu.systemMs;
  if (total >= 1000) return `${(cpu.userMs / 1000).toFixed(2)}+${(cpu.systemMs / 1000).toFixed(2)} s`;
  const digits = cpuDigits(total);
  return `${cpu.userMs.toFixed(digits)}+${cpu.systemMs.toFixed(digits)} ms`;
}

/** Decimals for CPU milliseconds: /proc counts a child's time in 10 ms ticks, so no more than 2. */
function cpuDigits(ms: number): number {
  return ms >= 100 ? 0 : ms >= 10 ? 1 : 2;
}

/** One CPU time per run, "380 ms" (`which` picks user or system). */
export function formatCpuPart(cell: CellResult, which: "userMs" | "systemMs"): string {
  const cpu = cpuPerRun(cell);
  if (cpu === undefined || cpu === "unavailable") return missing(cpu);
  return `${cpu[which].toFixed(cpuDigits(cpu[which]))} ms`;
}

/** Peak resident memory of the measured runs: "88 MiB". */
export function formatRss(cell: CellResult): string {
  const r = cell.resources;
  if (r === undefined || r === "unavailable") return missing(r);
  return formatBytes(r.peakRssBytes);
}

/** The most CPU other processes took while the cell ran: "0.05 cores", "0.81 cores (spike)". */
export function formatOtherCpu(cell: CellResult): string {
  const load = cell.load;
  if (load === undefined || load === "unavailable") return missing(load);
  if (load.maxOtherCpuCores === null) return "too short to tell";
  return `${load.maxOtherCpuCores.toFixed(2)} cores${load.spike ? " (spike)" : ""}`;
}

/** Units of work per second at the median: "183 requests/s". */
export function formatThroughput(cell: CellResult): string {
  const rate = cell.throughputPerSecond;
  if (rate === undefined || rate === null) return "—";
  return `${formatNumber(rate)} ${cell.work.name}s/s`;
}

/** True when some cell of the task has the per-cell extras (percentiles, resources, load) to show. */
export function hasUsage(report: BenchReport, task: BenchTaskId): boolean {
  return report.cells.some(
    (c) =>
      c.task === task && (c.stats?.p75 !== undefined || c.resources !== undefined || c.load !== undefined),
  );
}

/** One row of the percentiles-and-resources table, formatted; shared by the HTML and Markdown tables. */
export interface UsageRow {
  cell: CellResult;
  label: string;
  p75: string;
  p99: string;
  throughput: string;
  cpuUser: string;
  cpuSystem: string;
  peakRss: string;
  otherCpu: string;
}

/** The headings of {@link UsageRow}'s columns, in order. */
export const USAGE_HEAD = [
  "executor",
  "p75",
  "p99",
  "throughput",
  "CPU user/run",
  "CPU sys/run",
  "peak RSS",
  "other processes' CPU (max)",
];

export function usageRows(report: BenchReport, task: BenchTaskId): UsageRow[] {
  return taskCells(report, task).map((cell) => {
    const s = cell.stats;
    return {
      cell,
      label: cellLabel(cell),
      p75: s?.p75 === undefined ? "—" : formatMs(s.p75),
      p99: s?.p99 === undefined ? "—" : formatMs(s.p99),
      throughput: formatThroughput(cell),
      cpuUser: formatCpuPart(cell, "userMs"),
      cpuSystem: formatCpuPart(cell, "systemMs"),
      peakRss: formatRss(cell),
      otherCpu: formatOtherCpu(cell),
    };
  });
}

/** A usage row's cells in the order of USAGE_HEAD. */
export function usageCells(row: UsageRow): string[] {
  return [row.label, row.p75, row.p99, row.throughput, row.cpuUser, row.cpuSystem, row.peakRss, row.otherCpu];
}
