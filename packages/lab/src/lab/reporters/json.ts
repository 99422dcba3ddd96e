/**
 * The JSON reporter: the report itself, the document every other reporter renders. Non-finite
 * numbers become null (as JSON.stringify does), which the schema allows where they can occur.
 */
import { safeJson } from "../../letters/printable.js";
import type { BenchReport } from "../report.js";

/** The report as pretty-printed JSON, with a trailing newline. */
export function renderJson(report: BenchReport): string {
  return `${safeJson(report)}\n`;
}
