/**
 * Vega-Lite specs of the report's three charts. Pure functions of the BenchReport: every value
 * drawn comes from its cells and comparisons, so a re-rendered saved report draws the same charts.
 */
import type { TopLevelSpec } from "vega-lite";
import type { BenchReport, BenchTaskId, CellResult } from "../report.js";
import {
  cellLabel,
  formatNumber,
  formatSpeedup,
  inUnit,
  measured,
  reportTasks,
  seriesName,
  taskCells,
  taskLabel,
  unitBasis,
} from "./format.js";
import { significanceText, tooFewRuns } from "../wording.js";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** One view of a concatenation (here: one task's panel). */
type Panel = Extract<TopLevelSpec, { vconcat: unknown }>["vconcat"][number];

/** Python rows take a darker shade of their Node executor's hue, and triangles instead of dots. */
const SERIES_COLORS: Record<string, string> = {
  sequential: "#8c8c8c",
  async: "#59a14f",
  thread: "#4e79a7",
  process: "#f28e2b",
  distributed: "#e15759",
  "Python sequential": "#4a4a4a",
  "Python thread": "#1d3b5e",
  "Python process": "#a04e00",
};
const OTHER_COLOR = "#b07aa1";
const RUNTIME_SHAPES = { node: "circle", python: "triangle-up" } as const;

const CONFIG = {
  font: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  background: "#ffffff",
  view: { stroke: null },
  axis: {
    labelFontSize: 12,
    titleFontSize: 12,
    titleFontWeight: 600,
    labelColor: "#333333",
    titleColor: "#333333",
    gridColor: "#ededed",
    domainColor: "#9a9a9a",
    tickColor: "#9a9a9a",
  },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 600, symbolSize: 90, symbolOpacity: 1 },
  title: { fontSize: 14, fontWeight: 600, anchor: "start", subtitleFontSize: 12, subtitleColor: "#666666" },
  concat: { spacing: 40 },
} as const;

interface Scale {
  domain: string[];
  range: string[];
}

/** The colour scale over the series of these cells, in matrix order, so legends list only those. */
function seriesScale(report: BenchReport, cells: CellResult[]): Scale {
  const ids = new Set(cells.map((c) => c.id));
  const domain: string[] = [];
  for (const task of reportTasks(report)) {
    for (const cell of taskCells(report, task)) {
      const name = seriesName(cell);
      if (ids.has(cell.id) && !domain.includes(name)) domain.push(name);
    }
  }
  return { domain, range: domain.map((name) => SERIES_COLORS[name] ?? OTHER_COLOR) };
}

function shapeScale(cells: CellResult[]): Scale {
  const domain = (["node", "python"] as const).filter((r) => cells.some((c) => c.runtime === r));
  return { domain: [...domain], range: domain.map((r) => RUNTIME_SHAPES[r]) };
}

/** Colour by executor series and shape by runtime, the same in every chart of the report. */
function seriesEncodings(report: BenchReport, cells: CellResult[]) {
  return {
    color: { field: "series", type: "nominal", title: "executor", scale: seriesScale(report, cells) },
    shape: { field: "runtime", type: "nominal", title: "runtime", scale: shapeScale(cells) },
  } as const;
}

/** Cells drawn in the speedup charts: those compared with their sequential baseline. */
function comparedCells(report: BenchReport): CellResult[] {
  const ids = new Set(report.comparisons.map((c) => c.cellId));
  return report.cells.filter((c) => ids.has(c.id));
}

/** Spreads a cell's dots across its band without randomness, so renders are reproducible. */
function jitter(index: number): number {
  return ((index * 0.6180339887) % 1) - 0.5;
}

/** (a) Time per executor, per task: all samples as dots, min–max, 95% CI, and the median. */
export function timeChartSpec(report: BenchReport): TopLevelSpec {
  const all = measured(report.cells);
  const { color, shape } = seriesEncodings(report, all);
  const panels = reportTasks(report).flatMap((task): Panel[] => {
    const cells = measured(taskCells(report, task));
    if (cells.length === 0) return [];
    const basis = unitBasis(report, task);
    const rows = cells.map((cell) => {
      const ci = cell.stats.ci95;
      const ciLow = ci && inUnit(cell, basis, ci.low);
      const ciHigh = ci && inUnit(cell, basis, ci.high);
      return {
        id: cell.id,
        label: cellLabel(cell),
        series: seriesName(cell),
        runtime: cell.runtime,
        runs: cell.stats.n,
        median: inUnit(cell, basis, cell.stats.median),
        min: inUnit(cell, basis, cell.stats.min),
        max: inUnit(cell, basis, cell.stats.max),
        ciLow,
        ciHigh,
        ciText:
          ciLow !== null && ciHigh !== null
            ? `${formatNumber(ciLow)}–${formatNumber(ciHigh)}`
            : tooFewRuns(cell.stats.n),
      };
    });
    const samples = cells.flatMap((cell) =>
      cell.samplesMs.map((ms, i) => ({
        id: cell.id,
        label: cellLabel(cell),
        series: seriesName(cell),
        runtime: cell.runtime,
        run: i + 1,
        value: inUnit(cell, basis, ms),
        jitter: jitter(i),
      })),
    );
    // A log scale only when every value drawn is positive: a single 0 (an interval bound, a run
    // under the timer's resolution) sends log to -∞ and collapses every mark onto the left edge.
    const drawn = [
      ...samples.map((s) => s.value),
      ...rows.flatMap((r) => [
        r.min,
        r.max,
        ...(r.ciLow === null || r.ciHigh === null ? [] : [r.ciLow, r.ciHigh]),
      ]),
    ];
    const lowest = Math.min(...drawn);
    const highest = Math.max(...drawn);
    const log = lowest > 0 && highest / lowest > 10;
    const unit = `ms per ${basis.unit}`;
    const x = {
      type: "quantitative",
      title: `${unit}${log ? " (log scale)" : ""}`,
      scale: log ? ({ type: "log", nice: false, padding: 14 } as const) : { zero: true },
      axis: { tickCount: 8 },
    } as const;
    const y = { field: "label", type: "nominal", sort: rows.map((r) => r.label), title: null } as const;
    const fmt = ".4~r";
    return [
      {
        title: {
          text: taskLabel(task),
          subtitle: [
            "dots: every run · thin line: min–max · thick bar: 95% CI · black tick: median",
            ...(basis.note ? [`compared ${basis.phrase}: ${basis.note}`] : []),
          ],
        },
        width: 760,
        height: { step: 28 },
        layer: [
          {
            data: { values: rows },
            mark: { type: "rule", color: "#b5b5b5", strokeWidth: 1 },
            encoding: { y, x: { ...x, field: "min" }, x2: { field: "max" } },
          },
          {
            data: { values: rows.filter((r) => r.ciLow !== null) },
            mark: { type: "rule", strokeWidth: 7, opacity: 0.5, strokeCap: "butt" },
            encoding: { y, x: { ...x, field: "ciLow" }, x2: { field: "ciHigh" }, color },
          },
          {
            data: { values: samples },
            mark: { type: "point", filled: true, size: 26, opacity: 0.6 },
            encoding: {
              y,
              x: { ...x, field: "value" },
              yOffset: { field: "jitter", type: "quantitative", scale: { domain: [-1, 1] } },
              color,
              shape,
              tooltip: [
                { field: "label", title: "cell" },
                { field: "run", title: "run" },
                { field: "value", title: unit, format: fmt },
              ],
            },
          },
          {
            data: { values: rows },
            mark: { type: "tick", color: "#1a1a1a", thickness: 2.5, size: 20 },
            encoding: {
              y,
              x: { ...x, field: "median" },
              tooltip: [
                { field: "label", title: "cell" },
                { field: "runs", title: "runs" },
                { field: "median", title: `median, ${unit}`, format: fmt },
                { field: "ciText", title: "95% CI of the median" },
                { field: "min", title: "min", format: fmt },
                { field: "max", title: "max", format: fmt },
              ],
            },
          },
        ],
      },
    ];
  });
  return {
    $schema: SCHEMA,
    description: "Time per executor per task: every run, min–max, 95% CI and median.",
    config: CONFIG,
    vconcat: panels,
  } satisfies TopLevelSpec;
}

/** A comparison joined with its cell, as the speedup charts draw it. */
export interface SpeedupPoint {
  task: string;
  id: string;
  label: string;
  series: string;
  executor: string;
  runtime: string;
  workers: number;
  speedup: number;
  low: number;
  /** The interval's top; the ratio itself when there is no interval (too few runs). */
  high: number;
  /** False when the cells had too few runs for an interval: no whisker is drawn. */
  hasInterval: boolean;
  /** "3.40× (95% CI 3.35–3.49)", for tooltips and labels. */
  text: string;
  /** "yes, faster (p = 0.002)", "no (p = 0.31)", "too few runs to tell". */
  significant: string;
}

/** The task's comparisons in matrix order, each joined with its cell. */
export function speedupPoints(report: BenchReport, task: BenchTaskId): SpeedupPoint[] {
  const cells = taskCells(report, task);
  const points = cells.flatMap((cell) => {
    const cmp = report.comparisons.find((c) => c.cellId === cell.id);
    return cmp ? [{ cell, cmp }] : [];
  });
  return points.map(({ cell, cmp }) => {
    const ci = cmp.speedupCi95;
    const text = ci
      ? `${formatSpeedup(cmp.speedup)} (95% CI ${formatNumber(ci.low)}–${formatNumber(ci.high)})`
      : `${formatSpeedup(cmp.speedup)} (too few runs for an interval)`;
    return {
      task: taskLabel(task),
      id: cell.id,
      label: cellLabel(cell),
      series: seriesName(cell),
      executor: cell.executor,
      runtime: cell.runtime,
      workers: cell.workers,
      speedup: cmp.speedup,
      low: ci?.low ?? cmp.speedup,
      high: ci?.high ?? cmp.speedup,
      hasInterval: ci !== null,
      text,
      significant: significanceText(cmp),
    };
  });
}

const SPEEDUP_TOOLTIP = [
  { field: "label", title: "cell" },
  { field: "text", title: "speedup" },
  { field: "significant", title: "significant" },
] as const;

/**
 * (b) Speedup vs workers, per task, with the ideal (linear) line. The x axis spans the pools'
 * worker counts; a cell beyond them (async with every input in flight) is a labelled level line.
 */
export function speedupChartSpec(report: BenchReport): TopLevelSpec {
  const all = comparedCells(report);
  const { color, shape } = seriesEncodings(report, all);
  const panels = reportTasks(report).flatMap((task): Panel[] => {
    const points = speedupPoints(report, task);
    if (points.length === 0) return [];
    const pools = points.filter((p) => p.executor !== "async");
    const maxWorkers = Math.max(1, ...(pools.length > 0 ? pools : points).map((p) => p.workers));
    const inRange = points.filter((p) => p.workers <= maxWorkers);
    const ticks = [...new Set([1, ...inRange.map((p) => p.workers)])].sort((a, b) => a - b);
    // The y axis fits the pools and the ideal line; a level far above (async on IO) is pinned to the
    // top edge, its caption giving the value, so the pools' lines keep their resolution.
    const yTop = Math.max(maxWorkers, ...inRange.map((p) => p.high)) * 1.1;
    const levels = points
      .filter((p) => p.workers > maxWorkers)
      .map((p) => ({
        ...p,
        level: Math.min(p.speedup, yTop),
        caption: `${p.label}: ${formatSpeedup(p.speedup)}${p.speedup > yTop ? " (off the scale ↑)" : ""}`,
      }));
    const xDomain = [0, maxWorkers];
    const yDomain = [0, yTop];
    const x = {
      field: "workers",
      type: "quantitative",
      title: "workers",
      scale: { domain: xDomain, nice: false },
      axis: { values: ticks, format: "d" },
    } as const;
    const y = {
      type: "quantitative",
      title: "speedup vs sequential (×)",
      scale: { domain: yDomain, nice: false },
    } as const;
    const ideal = [
      { workers: 1, speedup: 1 },
      { workers: maxWorkers, speedup: maxWorkers, text: "ideal (linear)" },
    ];
    return [
      {
        title: {
          text: taskLabel(task),
          subtitle:
            "whiskers: 95% CI · dashed: ideal (linear)" +
            (levels.length ? " · level lines: beyond the axis" : ""),
        },
        width: 360,
        height: 300,
        layer: [
          {
            data: { values: ideal },
            mark: { type: "line", strokeDash: [6, 4], color: "#8a8a8a", strokeWidth: 1.5 },
            encoding: { x, y: { ...y, field: "speedup" } },
          },
          {
            data: { values: ideal.slice(1) },
            mark: {
              type: "text",
              align: "right",
              baseline: "top",
              dx: -10,
              dy: 2,
              color: "#6b6b6b",
              fontSize: 11,
            },
            encoding: { x, y: { ...y, field: "speedup" }, text: { field: "text" } },
          },
          {
            data: { values: [{ speedup: 1 }] },
            mark: { type: "rule", color: "#c4c4c4", strokeWidth: 1 },
            encoding: { y: { ...y, field: "speedup" } },
          },
          {
            data: { values: levels },
            mark: { type: "rule", strokeDash: [2, 2], strokeWidth: 1.5 },
            encoding: { y: { ...y, field: "level" }, color, tooltip: [...SPEEDUP_TOOLTIP] },
          },
          {
            data: { values: levels },
            mark: {
              type: "text",
              align: "right",
              baseline: "top",
              x: "width",
              dx: -4,
              dy: 4,
              fontSize: 11,
              fontWeight: 600,
            },
            encoding: { y: { ...y, field: "level" }, text: { field: "caption" }, color },
          },
          {
            data: { values: inRange.filter((p) => p.hasInterval) },
            mark: { type: "rule", strokeWidth: 1.5 },
            encoding: { x, y: { ...y, field: "low" }, y2: { field: "high" }, color },
          },
          {
            data: { values: inRange },
            mark: { type: "line", strokeWidth: 2 },
            encoding: {
              x,
              y: { ...y, field: "speedup" },
              color,
              strokeDash: {
                field: "runtime",
                type: "nominal",
                title: "runtime",
                // Only the runtimes drawn: a "python" legend entry without Python rows misleads.
                scale: {
                  domain: shapeScale(all).domain,
                  range: shapeScale(all).domain.map((r) => (r === "node" ? [1, 0] : [5, 3])),
                },
              },
              detail: { field: "series" },
            },
          },
          {
            data: { values: inRange },
            mark: { type: "point", filled: true, size: 70, opacity: 1 },
            encoding: { x, y: { ...y, field: "speedup" }, color, shape, tooltip: [...SPEEDUP_TOOLTIP] },
          },
        ],
      },
    ];
  });
  return {
    $schema: SCHEMA,
    description: "Speedup over sequential against workers, with the ideal linear speedup.",
    config: CONFIG,
    hconcat: panels,
  } satisfies TopLevelSpec;
}

/**
 * (c) IO vs CPU side by side: every compared cell's speedup as a bar, the IO panel beside the CPU
 * panel on one shared scale, so where each executor pays off reads at a glance.
 */
export function ioVsCpuSpec(report: BenchReport): TopLevelSpec {
  const all = comparedCells(report);
  const { color } = seriesEncodings(report, all);
  const x = { type: "quantitative", title: "speedup vs sequential (×)", scale: { zero: true } } as const;
  const panels = reportTasks(report).flatMap((task): Panel[] => {
    const points = speedupPoints(report, task).map((p) => ({ ...p, value: formatSpeedup(p.speedup) }));
    if (points.length === 0) return [];
    const y = { field: "label", type: "nominal", sort: points.map((p) => p.label), title: null } as const;
    return [
      {
        title: {
          text: taskLabel(task),
          subtitle: "bars: median speedup · whiskers: 95% CI · dashed: 1× (sequential)",
        },
        width: 300,
        height: { step: 24 },
        data: { values: points },
        layer: [
          {
            mark: { type: "bar", opacity: 0.9, height: { band: 0.7 } },
            encoding: { y, x: { ...x, field: "speedup" }, color, tooltip: [...SPEEDUP_TOOLTIP] },
          },
          {
            data: { values: points.filter((p) => p.hasInterval) },
            mark: { type: "rule", color: "#333333", strokeWidth: 1.2 },
            encoding: { y, x: { ...x, field: "low" }, x2: { field: "high" } },
          },
          {
            mark: { type: "text", align: "left", baseline: "middle", dx: 4, fontSize: 11, color: "#333333" },
            encoding: { y, x: { ...x, field: "high" }, text: { field: "value" } },
          },
          {
            data: { values: [{ speedup: 1 }] },
            mark: { type: "rule", color: "#6b6b6b", strokeDash: [4, 3] },
            encoding: { x: { ...x, field: "speedup" } },
          },
        ],
      },
    ];
  });
  return {
    $schema: SCHEMA,
    description: "Speedup of every executor and worker count, the IO task beside the CPU task.",
    config: CONFIG,
    hconcat: panels,
    resolve: { scale: { x: "shared" } },
  } satisfies TopLevelSpec;
}

export type ChartId = "chart-time" | "chart-speedup" | "chart-io-vs-cpu";

/** The three specs by the id of the element each is drawn in; a chart with nothing to draw is left out. */
export function chartSpecs(report: BenchReport): Partial<Record<ChartId, TopLevelSpec>> {
  const specs: Partial<Record<ChartId, TopLevelSpec>> = {};
  const all: [ChartId, TopLevelSpec][] = [
    ["chart-time", timeChartSpec(report)],
    ["chart-speedup", speedupChartSpec(report)],
    ["chart-io-vs-cpu", ioVsCpuSpec(report)],
  ];
  for (const [id, spec] of all) {
    const panels = "vconcat" in spec ? spec.vconcat : "hconcat" in spec ? spec.hconcat : [spec];
    // "IO vs CPU" compares tasks side by side: with one task it only repeats the speedup chart.
    const needed = id === "chart-io-vs-cpu" ? 2 : 1;
    if (panels.length >= needed) specs[id] = spec;
  }
  return specs;
}
