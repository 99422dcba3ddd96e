/**
 * Every reporter, by name: each turns a BenchReport into a string (and does no I/O), so the CLI
 * and library users pick one by name and write the result where they like.
 */
import type { BenchReport } from "../report.js";
import { renderCsv } from "./csv.js";
import { renderHtml } from "./html.js";
import { renderJson } from "./json.js";
import { renderMarkdown } from "./markdown.js";
import { renderTerminal } from "./terminal.js";

/** A reporter: a report in, a document out. */
export type Reporter = (report: BenchReport) => string;

/** The reporters by name. */
export const reporters = {
  terminal: (report: BenchReport) => renderTerminal(report),
  json: renderJson,
  markdown: renderMarkdown,
  html: renderHtml,
  csv: renderCsv,
} as const satisfies Record<string, Reporter>;

/** A reporter's name. */
export type ReporterName = keyof typeof reporters;
