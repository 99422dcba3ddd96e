/**
 * `concur report bench.json`: re-renders a saved report (after checking it against the schema):
 * the terminal table on stdout, and any of --html, --markdown, --json.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { claimsStdout, writeOutputs, type OutputTargets } from "../../lab/outputs.js";
import { renderTerminal } from "../../lab/reporters/terminal.js";
import { validateReport } from "../../lab/validate.js";
import { printable } from "../../letters/printable.js";
import { UsageError, exitCodes } from "../usage.js";

interface ReportFlags {
  html?: string;
  markdown?: string;
  json?: string;
  color: boolean;
}

/** Adds `concur report`. */
export function register(program: Command): void {
  program
    .command("report")
    .description("Re-render a saved `concur bench --json` report: the table, and HTML or Markdown.")
    .argument("<report.json>", "a report written by concur bench --json")
    .option("--html <file>", "write a self-contained HTML page")
    .option("--markdown <file>", "write Markdown (- for stdout)")
    .option("--json <file>", "write the (validated) report again as JSON (- for stdout)")
    .option("--no-color", "no colours in the table")
    .addHelpText(
      "after",
      "\nExample:\n  concur report bench.json --html report.html\n\nExit codes: 0 ok, 1 unreadable or invalid report, 2 bad usage.",
    )
    .action(async (file: string, flags: ReportFlags) => {
      process.exitCode = await report(file, flags);
    });
}

async function report(file: string, flags: ReportFlags): Promise<number> {
  if (flags.html === "-")
    throw new UsageError("--html needs a file name (an HTML page is not for a terminal)");
  const targets: OutputTargets = {
    ...(flags.json && { json: flags.json }),
    ...(flags.markdown && { markdown: flags.markdown }),
    ...(flags.html && { html: flags.html }),
  };
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
