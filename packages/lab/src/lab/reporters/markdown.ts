/**
 * The Markdown reporter: the report as a document for a README, an issue or a pull request
 * (GitHub-flavoured tables). Text from the report is escaped so it cannot break a table or
 * smuggle in HTML.
 */
import { printable } from "../../letters/printable.js";
import type { BenchReport, BenchTaskId } from "../report.js";
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
import { methodsLegend, starredCells } from "../wording.js";

/**
 * Text for Markdown prose: no raw HTML tags, no line breaks inside a list item, and no other
 * control character (`--markdown -` goes to a terminal).
 */
export function escapeMarkdownText(text: string): string {
  return printable(text.replace(/\r?\n|\r/g, " "))
    .replace(/&(?=[#\w]+;)/g, "&amp;")
    .replace(/<(?=[A-Za-z/!?])/g, "&lt;");
}

/** Text for a table cell: as prose, and `|` escaped so it cannot end the cell. */
export function escapeMarkdownCell(text: string): string {
  return escapeMarkdownText(text).replace(/\\/g, "\\\\").replace(/\|/g, "\\|");
}

function table(head: string[], align: ("left" | "right")[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(escapeMarkdownCell).join(" | ")} |`;
  const rule = `|${align.map((a) => (a === "right" ? " ---: " : " --- ")).join("|")}|`;
  return [line(head), rule, ...rows.map(line)].join("\n");
}

function bullets(items: string[]): string {
  return items.map((item) => `- ${escapeMarkdownText(item)}`).join("\n");
}

function facts(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `- **${escapeMarkdownText(k)}:** ${escapeMarkdownText(v)}`).join("\n");
}

function resultsSection(report: BenchReport, task: BenchTaskId): string {
  const starred = starredCells(report, task);
  const basis = unitBasis(report, task);
  const rows = resultRows(report, task).map((row) => [
    starred.has(row.cell.id) ? `**${row.label}** (winner)` : row.label,
    row.cell.runtime,
    row.workers,
    row.runs,
    row.median,
    row.ci,
    row.perUnit,
    row.speedup,
    row.significant,
  ]);
  return [
    `### ${escapeMarkdownText(taskLabel(task))}`,
    ...(basis.note ? ["", escapeMarkdownText(`Compared ${basis.phrase}: ${basis.note}.`)] : []),
    "",
    table(
      [
        "executor",
        "runtime",
        "workers",
        "runs",
        "median",
        "95% CI",
        "per unit",
        "speedup [95% CI]",
        "significant?",
      ],
      ["left", "left", "right", "right", "right", "right", "right", "right", "left"],
      rows,
    ),
    ...(hasUsage(report, task)
      ? ["", "Percentiles, throughput and what the runs cost:", "", usageTable(report, task)]
      : []),
  ].join("\n");
}

function usageTable(report: BenchReport, task: BenchTaskId): string {
  const align = USAGE_HEAD.map((_, i) => (i === 0 ? "left" : "right") as "left" | "right");
  return table(USAGE_HEAD, align, usageRows(report, task).map(usageCells));
}

/** Renders the report as a Markdown document. */
export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const meta = [
    formatDate(report.createdAt),
    `ran for ${formatDuration(report.durationMs)}`,
    `${m.cpuModel}, ${m.cores} cores`,
    `Node ${m.nodeVersion}`,
    `concur ${m.concurVersion}`,
  ].join(" · ");
  const sections: string[] = ["# concur bench report", escapeMarkdownText(meta)];
  if (report.interrupted) {
    sections.push(
      "> **Interrupted:** this run was stopped early; the report holds only what was measured by then.",
    );
  }
  sections.push(
    "## Verdict",
    report.verdicts.length ? bullets(report.verdicts.map((v) => v.sentence)) : "No verdict.",
  );
  if (report.notes?.length) sections.push("## Notes", bullets(report.notes));
  if (report.warnings.length) sections.push("## Warnings", bullets(report.warnings));
  sections.push("## Results", ...reportTasks(report).map((task) => resultsSection(report, task)));
  sections.push("## Machine", facts(machineFacts(report)));
  sections.push("## Configuration", facts(configFacts(report)));
  sections.push(
    escapeMarkdownText(`${methodsLegend(report.statistics)} Schema ${report.schema} v${report.version}.`),
  );
  return sections.join("\n\n") + "\n";
}
