/**
 * The terminal reporter: per task a table (median ± 95% CI, per unit, speedup with its interval,
 * start-up), a bar chart of the medians, then the verdicts, notes and warnings. Plain string
 * building: no I/O, colours only when asked.
 */
import Table from "cli-table3";
import pc from "picocolors";
import { printableValues } from "../../letters/printable.js";
import type { BenchReport, BenchRuntime, BenchTaskId, CellResult, Comparison } from "../report.js";
import { cellLabel, formatSpeedup } from "../verdict.js";
import { formatCpu, formatRss, hasUsage } from "./format.js";
import { methodsLegend, starredCells, tooFewRuns } from "../wording.js";

/** Options of {@link renderTerminal}. */
export interface TerminalOptions {
  /** ANSI colours. @default picocolors' detection (off when NO_COLOR is set or not a TTY) */
  color?: boolean;
  /** Width of the bar chart's bars, in columns. @default 32 */
  barWidth?: number;
}

type Colors = ReturnType<typeof pc.createColors>;

/** A duration for a table: 3 significant digits, ms or s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "—";
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toPrecision(3)} ms`;
  return `${ms.toFixed(3)} ms`;
}

/** A median and its interval in the median's unit: `462 ms [17–1130]`, `1.34 s [1.32–1.35]`. */
export function formatWithInterval(median: number, low: number, high: number): string {
  const seconds = median >= 1000;
  const scale = seconds ? 1000 : 1;
  const digits = (x: number): string => {
    const v = x / scale;
    if (v === 0) return "0";
    return v >= 100 ? v.toFixed(0) : v >= 1 ? v.toPrecision(3) : v.toFixed(3);
  };
  return `${digits(median)} ${seconds ? "s" : "ms"} [${digits(low)}–${digits(high)}]`;
}

function plain(ms: number): string {
  return formatMs(ms).replace(/ m?s$/, "");
}

/**
 * A horizontal bar of `value / max × width` columns, drawn with eighth blocks so that close values
 * still look different.
 */
export function bar(value: number, max: number, width: number): string {
  if (!(max > 0) || !(value > 0)) return "";
  const eighths = Math.max(1, Math.round((Math.min(value, max) / max) * width * 8));
  const partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]!;
  return "█".repeat(Math.floor(eighths / 8)) + partial;
}

function rowLabel(cell: CellResult): string {
  return `${cell.runtime === "python" ? "py " : ""}${cellLabel(cell)}`;
}

function speedupText(c: Comparison | undefined, cell: CellResult, colors: Colors): string {
  if (!c) return colors.dim(cell.executor === "sequential" ? "baseline" : "—");
  const num = (x: number | null): string => formatSpeedup(x).slice(0, -1);
  const ci = c.speedupCi95;
  const text = ci ? `${formatSpeedup(c.speedup)} [${num(ci.low)}–${num(ci.high)}]` : formatSpeedup(c.speedup);
  if (c.change === "too-few-runs") return colors.dim(`${text} ?`);
  if (c.change === "within-noise") return colors.dim(`${text} ns`);
  return c.change === "faster" ? colors.green(text) : colors.red(text);
}

function unitText(cell: CellResult): string {
  if (cell.msPerMillionIterations != null) return `${plain(cell.msPerMillionIterations)} ms/M it`;
  if (cell.msPerUnit === null) return "—";
  return `${formatMs(cell.msPerUnit)}/${cell.work.name}`;
}

function statusText(cell: CellResult, colors: Colors): string {
  if (cell.status === "failed") return colors.red(`failed: ${cell.error ?? "?"}`.slice(0, 60));
  return colors.yellow(cell.status);
}

/** CPU per run and peak memory in one column: "380+12 ms · 88 MiB". */
function usageText(cell: CellResult, colors: Colors): string {
  const cpu = formatCpu(cell);
  const rss = formatRss(cell);
  return cpu === rss ? colors.dim(cpu) : `${cpu} · ${rss}`;
}

function taskTable(report: BenchReport, task: BenchTaskId, colors: Colors): string {
  // Reports from before CPU and memory were recorded keep their narrower table.
  const usage = hasUsage(report, task);
  const table = new Table({
    head: [
      "executor",
      "runs",
      "median [95% CI]",
      "per unit",
      "speedup [95% CI]",
      "start-up",
      ...(usage ? ["cpu u+s/run · peak RSS"] : []),
    ],
    colAligns: ["left", "right", "right", "right", "right", "right", "right"],
    style: { head: [], border: [], compact: true },
  });
  const winners = starredCells(report, task);
  for (const cell of report.cells.filter((c) => c.task === task)) {
    const label = winners.has(cell.id) ? colors.bold(`${rowLabel(cell)} ★`) : rowLabel(cell);
    const s = cell.stats;
    const startup = cell.startupStats ? formatMs(cell.startupStats.median) : "—";
    const extra = usage ? [usageText(cell, colors)] : [];
    if (!s) {
      table.push([label, "0", { colSpan: 3, content: statusText(cell, colors) }, startup, ...extra]);
      continue;
    }
    const median = s.ci95
      ? formatWithInterval(s.median, s.ci95.low, s.ci95.high)
      : `${formatMs(s.median)} ${colors.dim(`(${tooFewRuns(s.n)})`)}`;
    const runs = cell.status === "ok" ? String(s.n) : `${s.n} ${statusText(cell, colors)}`;
    const comparison = report.comparisons.find((c) => c.cellId === cell.id);
    table.push([
      label,
      runs,
      median,
      unitText(cell),
      speedupText(comparison, cell, colors),
      startup,
      ...extra,
    ]);
  }
  return table.toString();
}

function chart(
  report: BenchReport,
  task: BenchTaskId,
  runtime: BenchRuntime,
  width: number,
  colors: Colors,
): string[] {
  const cells = report.cells.filter((c) => c.task === task && c.runtime === runtime && c.stats);
  if (cells.length === 0) return [];
  const max = Math.max(...cells.map((c) => c.stats!.median));
  const labelWidth = Math.max(...cells.map((c) => rowLabel(c).length));
  return cells.map((cell) => {
    const median = cell.stats!.median;
    const drawn = bar(median, max, width);
    return `  ${rowLabel(cell).padEnd(labelWidth)} ${colors.cyan(drawn)}${" ".repeat(width + 1 - drawn.length)}${formatMs(median)}`;
  });
}

function machineLine(report: BenchReport): string {
  const m = report.machine;
  const load = (l: readonly number[]): string => (l[0] ?? 0).toFixed(2);
  return [
    `Node ${m.nodeVersion}`,
    m.pythonVersion ? `Python ${m.pythonVersion}` : "no Python",
    `${m.cores} × ${m.cpuModel}`,
    `${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB`,
    `${m.platform}/${m.arch}`,
    `load ${load(m.loadAverageStart)} → ${load(m.loadAverageEnd)}`,
    `concur ${m.concurVersion}`,
  ].join(" · ");
}

function taskHeading(report: BenchReport, task: BenchTaskId): string {
  const cfg = report.config;
  const perRun = report.cells.find((c) => c.task === task)?.work.perRun ?? 0;
  if (task === "io")
    return `io: ${perRun} downloads per run, endpoint latency ${cfg.endpoint.latency}${cfg.endpoint.embedded ? " (embedded)" : ""}`;
  if (task === "cpu")
    return `cpu: ${cfg.size.records} records per run, multiplier ${cfg.size.multiplier}${cfg.size.pythonRecords && cfg.size.pythonRecords !== cfg.size.records ? ` (Python: ${cfg.size.pythonRecords} records; compare per million iterations)` : ""}`;
  return `${task}: ${cfg.module ? `${cfg.module.inputs} inputs per run from ${cfg.module.path}` : ""}`;
}

/** Renders a report for a terminal. */
export function renderTerminal(raw: BenchReport, options: TerminalOptions = {}): string {
  // Every string of a report can be outside text (a task's error message, a saved report from
  // anyone): escaped once here, before our own colours are added.
  const report = printableValues(raw);
  const colors = pc.createColors(options.color ?? pc.isColorSupported);
  const width = options.barWidth ?? 32;
  const out: string[] = [];
  const title = `concur bench${report.config.quick ? " --quick" : ""} · ${(report.durationMs / 1000).toFixed(1)} s${report.interrupted ? colors.yellow(" · interrupted") : ""}`;
  out.push(colors.bold(title), colors.dim(machineLine(report)), "");
  for (const task of report.config.tasks) {
    if (!report.cells.some((c) => c.task === task)) continue;
    out.push(colors.bold(taskHeading(report, task)), taskTable(report, task, colors));
    for (const runtime of ["node", "python"] as const) {
      const lines = chart(report, task, runtime, width, colors);
      if (lines.length > 0)
        out.push(
          colors.dim(`  median time per run${runtime === "python" ? " (Python)" : ""}, shorter is faster`),
          ...lines,
        );
    }
    out.push("");
  }
  if (report.verdicts.length > 0) {
    out.push(colors.bold("Verdict"));
    for (const verdict of report.verdicts) out.push(`  ${verdict.sentence}`);
    out.push("");
  }
  if (report.notes?.length) {
    out.push(colors.bold("Notes"), ...report.notes.map((note) => colors.dim(`  · ${note}`)), "");
  }
  if (report.warnings.length > 0) {
    out.push(
      colors.bold(colors.yellow("Warnings")),
      ...report.warnings.map((w) => colors.yellow(`  ! ${w}`)),
      "",
    );
  }
  out.push(
    colors.dim(
      "ns = within noise (no significant change); ? = too few runs to tell. " +
        methodsLegend(report.statistics),
    ),
  );
  return `${out.join("\n")}\n`;
}
