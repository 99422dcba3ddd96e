/**
 * `concur report bench.json`: re-renders a saved report (after checking it against the schema):
 * the terminal table on stdout, and any of --html, --markdown, --json, --export-csv.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { claimsStdout, writeOutputs, type OutputTargets } from "../../lab/outputs.js";
import { renderTerminal } from "../../lab/reporters/terminal.js";
import { validateReport } from "../../lab/validate.js";
import { printable } from "../../letters/printable.js";
import { JSON_HELP, addJsonOptions, jsonTarget, type JsonFlags } from "../json-flags.js";
import { oneOnStdout } from "../stdout-targets.js";
import { UsageError, exitCodes } from "../usage.js";

interface ReportFlags extends JsonFlags {
  html?: string;
  markdown?: string;
  exportCsv?: string;
  color: boolean;
}

/** Adds `concur report`. */
export function register(program: Command): void {
  const command = program
    .command("report")
    .description("Re-render a saved `concur bench --json-out` report: the table, and HTML or Markdown.")
    // Optional only for the deprecated `concur report --json out.json bench.json`… see below.
    .argument("[report.json]", "a report written by concur bench --json-out (or --json > file)")
    .option("--html <file>", "write a self-contained HTML page")
    .option("--markdown <file>", "write Markdown (- for stdout)")
    .option("--export-csv <file>", "write one CSV row per cell (- for stdout)");
  addJsonOptions(command, "the (validated) report")
    .option("--no-color", "no colours in the table")
    .addHelpText(
      "after",
      "\nExample:\n  concur report bench.json --html report.html\n\nExit codes: 0 ok, 1 unreadable or invalid report, 2 bad usage." +
        JSON_HELP,
    )
    .action(async (file: string | undefined, flags: ReportFlags) => {
      // `concur report --json bench.json`: the new --json (stdout) before the report's name, which
      // the optional value of the deprecated --json <file> took. The report is what was meant.
      if (file === undefined && typeof flags.json === "string") {
        file = flags.json;
        flags.json = true;
      }
      if (file === undefined)
        throw new UsageError("missing the report to render: concur report <report.json>");
      process.exitCode = await report(file, flags);
    });
}

async function report(file: string, flags: ReportFlags): Promise<number> {
  if (flags.html === "-")
    throw new UsageError("--html needs a file name (an HTML page is not for a terminal)");
  const json = jsonTarget("report", flags);
  const targets: OutputTargets = oneOnStdout({
    ...(json !== undefined && { json }),
    ...(flags.markdown && { markdown: flags.markdown }),
    ...(flags.html && { html: flags.html }),
    ...(flags.exportCsv && { csv: flags.exportCsv }),
  });
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    process.stderr.write(
      `concur report: cannot read ${printable(file)}: ${printable((error as Error).message)}\n`,
    );
    return exitCodes.failure;
  }
  const validation = await validateReport(doc);
  if (!validation.ok) {
    process.stderr.write(
      `concur report: ${printable(file)} is not a valid concur bench report:\n${validation.errors.map((e) => `  ${printable(e)}`).join("\n")}\n`,
    );
    return exitCodes.failure;
  }
  if (!claimsStdout(targets))
    process.stdout.write(renderTerminal(validation.report, flags.color ? {} : { color: false }));
  for (const written of await writeOutputs(validation.report, targets)) {
    process.stderr.write(`concur report: wrote ${printable(written)}\n`);
  }
  return exitCodes.ok;
}
