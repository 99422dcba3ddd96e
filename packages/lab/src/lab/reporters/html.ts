/**
 * The HTML reporter: one self-contained, offline page. The charting library is inlined, the chart
 * specs and the report itself sit in the page as JSON (so a saved page can be re-read), and a
 * Content-Security-Policy forbids any network access when the page is viewed.
 */
import type { BenchReport, BenchTaskId } from "../report.js";
import { escapeHtml, scriptJson, vegaBundles } from "./html-assets.js";
import { chartSpecs, type ChartId } from "./charts.js";
import {
  USAGE_HEAD,
  configFacts,
  formatDate,
  formatDuration,
  hasUsage,
  machineFacts,
  reportTasks,
  resultRows,
  taskLabel,
  unitBasis,
  usageCells,
  usageRows,
} from "./format.js";
import { BOOTSTRAP, STYLE } from "./html-style.js";
import { methodsLegend, starredCells } from "../wording.js";

/**
 * Vega compiles expressions with `new Function` ('unsafe-eval'); vega-embed adds a <style>; exports
 * are data:/blob: URLs. Everything else, fetches included, is refused.
 */
const CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline' 'unsafe-eval'",
  "style-src 'unsafe-inline'",
  "img-src data: blob:",
  "font-src data:",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

const h = escapeHtml;

function list(items: string[]): string {
  return `<ul>${items.map((item) => `<li>${h(item)}</li>`).join("")}</ul>`;
}

function facts(pairs: [string, string][]): string {
  return `<dl>${pairs.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join("")}</dl>`;
}

function resultsTable(report: BenchReport, task: BenchTaskId): string {
  const starred = starredCells(report, task);
  const basis = unitBasis(report, task);
  const head = [
    "executor",
    "workers",
    "runs",
    "median",
    "95% CI",
    "per unit",
    "speedup [95% CI]",
    "significant?",
  ];
  const numeric = new Set([1, 2, 3, 4, 5]);
  const rows = resultRows(report, task).map((row) => {
    const classes = [
      row.cell.runtime === "python" ? "python" : "",
      starred.has(row.cell.id) ? "winner" : "",
      row.cell.status === "failed" ? "failed" : "",
    ].filter(Boolean);
    const cells = [
      row.label,
      row.workers,
      row.runs,
      row.median,
      row.ci,
      row.perUnit,
      row.speedup,
      row.significant,
    ];
    const tds = cells.map((text, i) => {
      const cls = numeric.has(i) ? ' class="num"' : i === 7 && text.startsWith("no") ? ' class="no"' : "";
      return `<td${cls}>${h(text)}</td>`;
    });
    return `<tr${classes.length ? ` class="${classes.join(" ")}"` : ""} data-cell="${h(row.cell.id)}">${tds.join("")}</tr>`;
  });
  const ths = head.map((text, i) => `<th${numeric.has(i) ? ' class="num"' : ""}>${h(text)}</th>`).join("");
  return [
    `<h3>${h(taskLabel(task))}</h3>`,
    basis.note ? `<p class="note">Compared ${h(basis.phrase)}: ${h(basis.note)}.</p>` : "",
    `<table><thead><tr>${ths}</tr></thead><tbody>${rows.join("")}</tbody></table>`,
    hasUsage(report, task) ? usageTable(report, task) : "",
  ].join("\n");
}

/** Percentiles, throughput, CPU time, peak memory and the machine's load, one row per cell. */
function usageTable(report: BenchReport, task: BenchTaskId): string {
  const ths = USAGE_HEAD.map((text, i) => `<th${i > 0 ? ' class="num"' : ""}>${h(text)}</th>`).join("");
  const rows = usageRows(report, task).map((row) => {
    const spike = typeof row.cell.load === "object" && row.cell.load.spike;
    const tds = usageCells(row).map((text, i) => `<td${i > 0 ? ' class="num"' : ""}>${h(text)}</td>`);
    return `<tr${spike ? ' class="spike"' : ""} data-usage-cell="${h(row.cell.id)}">${tds.join("")}</tr>`;
  });
  return [
    `<table class="usage"><caption>Percentiles, throughput and what the runs cost</caption>`,
    `<thead><tr>${ths}</tr></thead><tbody>${rows.join("")}</tbody></table>`,
  ].join("");
}

function chartFigure(
  specs: Partial<Record<ChartId, unknown>>,
  id: ChartId,
  title: string,
  caption: string,
): string {
  if (specs[id] === undefined) {
    return `<section><h2>${h(title)}</h2><p class="note">No measurements to draw.</p></section>`;
  }
  return [
    `<section><h2>${h(title)}</h2>`,
    `<figure><div id="${id}" class="chart" role="img" aria-label="${h(title)}"></div>`,
    `<figcaption>${h(caption)}</figcaption></figure></section>`,
  ].join("\n");
}

/** Renders the report as one self-contained HTML document. */
export function renderHtml(report: BenchReport): string {
  const date = formatDate(report.createdAt);
  const specs = chartSpecs(report);
  const m = report.machine;
  const hasPython = report.cells.some((c) => c.runtime === "python");
  const meta = [
    date,
    `ran for ${formatDuration(report.durationMs)}`,
    `${m.cpuModel}, ${m.cores} cores`,
    `Node ${m.nodeVersion}`,
    `concur ${m.concurVersion}`,
  ].join(" · ");
  const pythonNote = hasPython
    ? " Python rows (the original experiment's concurrent.futures script) are drawn as triangles in darker shades."
    : "";
  const body = [
    `<header><h1>concur bench report</h1><p class="meta">${h(meta)}</p></header>`,
    report.interrupted
      ? `<div class="banner" role="alert">Interrupted: this run was stopped early and the report holds only what was measured by then.</div>`
      : "",
    report.verdicts.length
      ? `<section class="verdicts"><h2>Verdict</h2>${list(report.verdicts.map((v) => v.sentence))}</section>`
      : "",
    report.notes?.length ? `<section class="notes"><h2>Notes</h2>${list(report.notes)}</section>` : "",
    report.warnings.length
      ? `<section class="warnings"><h2>Warnings</h2>${list(report.warnings)}</section>`
      : "",
    chartFigure(
      specs,
      "chart-time",
      "Time per executor",
      `Every measured run as a dot, its min–max range, the 95% confidence interval and the median.${pythonNote}`,
    ),
    chartFigure(
      specs,
      "chart-speedup",
      "Speedup vs workers",
      "Speedup over the same runtime's sequential run (median ÷ median) with its 95% interval; the dashed line is the ideal linear speedup.",
    ),
    // One task has no "IO vs CPU" to show; say "nothing to draw" only when nothing was measured.
    specs["chart-io-vs-cpu"] === undefined && specs["chart-time"] !== undefined
      ? ""
      : chartFigure(
          specs,
          "chart-io-vs-cpu",
          "IO vs CPU",
          "Every executor and worker count on each task, on one scale: where threads, processes and async pay off, and where they do not.",
        ),
    `<section><h2>Results</h2>${reportTasks(report)
      .map((task) => resultsTable(report, task))
      .join("\n")}<p class="note methods">${h(methodsLegend(report.statistics))}</p></section>`,
    `<section class="context"><div><h2>Machine</h2>${facts(machineFacts(report))}</div>`,
    `<div><h2>Configuration</h2>${facts(configFacts(report))}</div></section>`,
    `<footer>Schema ${h(report.schema)} v${h(String(report.version))}. ` +
      `The full report, every sample included, is embedded in this page as JSON ` +
      `(<code>script#concur-report</code>); <code>concur report</code> re-renders a saved report.</footer>`,
  ];
  const scripts = [
    `<script type="application/json" id="concur-report">${scriptJson(report)}</script>`,
    `<script type="application/json" id="concur-chart-specs">${scriptJson(specs)}</script>`,
    ...vegaBundles().map((code) => `<script>${code}</script>`),
    `<script>${BOOTSTRAP}</script>`,
  ];
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    `<title>${h(`concur bench report · ${date}`)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    "<main>",
    ...body.filter(Boolean),
    "</main>",
    ...scripts,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
