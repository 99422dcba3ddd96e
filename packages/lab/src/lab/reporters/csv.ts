/**
 * The CSV reporter: one row per cell with its numbers, for a spreadsheet or a data frame. RFC
 * 4180: a header row, comma-separated fields, CRLF line ends, and a field that holds a comma, a
 * double quote, CR or LF enclosed in double quotes with its quotes doubled. Numbers are in
 * milliseconds, bytes, cores and units per second, to 6 significant digits (a microsecond of a
 * second-long run; the JSON report has every digit); an empty field is a value not measured (a
 * Python row's CPU time) or not available here.
 */
import { printable } from "../../letters/printable.js";
import type { BenchReport, CellResult, Comparison } from "../report.js";
import { median } from "../stats.js";
import { comparisonOf, cpuPerRun, taskCells, reportTasks } from "./format.js";

type Field = string | number | boolean | null | undefined;

/** Digits kept of a number that is not an integer. */
export const SIGNIFICANT_DIGITS = 6;

/** The header, in column order. */
export const CSV_COLUMNS = [
  "cell_id",
  "runtime",
  "task",
  "executor",
  "workers",
  "status",
  "runs",
  "median_ms",
  "ci95_low_ms",
  "ci95_high_ms",
  "p75_ms",
  "p99_ms",
  "mean_ms",
  "min_ms",
  "max_ms",
  "speedup",
  "speedup_ci95_low",
  "speedup_ci95_high",
  "significance",
  "p_value",
  "cpu_user_ms_per_run",
  "cpu_system_ms_per_run",
  "peak_rss_bytes",
  "throughput_per_s",
  "max_other_cpu_cores",
  "load_spike",
  "round_trip_ms",
  "round_trip_local_ms",
  "round_trip_overhead_ms",
] as const;

/** One field, quoted when RFC 4180 requires it. */
export function csvField(value: Field): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return "";
    return String(Number.isInteger(value) ? value : Number(value.toPrecision(SIGNIFICANT_DIGITS)));
  }
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Text from the report (a saved report may come from anyone): control characters made visible,
 * and a leading `=`, `+`, `-` or `@` guarded with an apostrophe, so that a spreadsheet shows the
 * text instead of running it as a formula. No id the lab makes starts so.
 */
function text(value: string): string {
  const safe = printable(value);
  return /^[=+\-@]/.test(safe) ? `'${safe}` : safe;
}

function significance(cell: CellResult, comparison: Comparison | undefined): string {
  if (comparison) return comparison.change;
  return cell.executor === "sequential" && cell.stats ? "baseline" : "";
}

function row(report: BenchReport, cell: CellResult): Field[] {
  const s = cell.stats;
  const cmp = comparisonOf(report, cell.id);
  const cpu = cpuPerRun(cell);
  const measuredCpu = typeof cpu === "object" ? cpu : undefined;
  const load = typeof cell.load === "object" ? cell.load : undefined;
  const trip = cell.roundTrip;
  return [
    text(cell.id),
    text(cell.runtime),
    text(cell.task),
    text(cell.executor),
    cell.workers,
    text(cell.status),
    s?.n ?? cell.samplesMs.length,
    s?.median,
    s?.ci95?.low,
    s?.ci95?.high,
    s?.p75,
    s?.p99,
    s?.mean,
    s?.min,
    s?.max,
    cmp?.speedup,
    cmp?.speedupCi95?.low,
    cmp?.speedupCi95?.high,
    significance(cell, cmp),
    cmp?.pValue,
    measuredCpu?.userMs,
    measuredCpu?.systemMs,
    typeof cell.resources === "object" ? cell.resources.peakRssBytes : undefined,
    cell.throughputPerSecond,
    load?.maxOtherCpuCores,
    load?.spike,
    // The distributed cell's calibration (RoundTrip): empty on every other row.
    trip && median(trip.distributedMs),
    trip && median(trip.localMs),
    trip?.overheadMs,
  ];
}

/** Renders the report as CSV: the header, then one row per cell in the tables' order. */
export function renderCsv(report: BenchReport): string {
  const cells = reportTasks(report).flatMap((task) => taskCells(report, task));
  const lines = [[...CSV_COLUMNS], ...cells.map((cell) => row(report, cell))];
  return lines.map((fields) => fields.map(csvField).join(",")).join("\r\n") + "\r\n";
}
