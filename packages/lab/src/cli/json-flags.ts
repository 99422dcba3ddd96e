/**
 * `--json` means one thing in every command: print the command's result as one JSON document on
 * stdout, for a program to read; whatever is for people (progress, messages) goes to stderr.
 * `--json-out <file>` writes that same document to a file instead, leaving stdout to people (one
 * or the other: a command that has both prints the text for people where it would have).
 *
 * Why stdout for the short flag: it is what `npm ls --json`, `gh --json`, `cargo metadata` and
 * `run`/`advise` already meant, and a pipe (`concur run io --json | jq`) is the common case; a
 * file is one more word away. `bench` and `report` used to take `--json <file>`: that spelling
 * still works, with a deprecation note on stderr.
 */
import { writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { makeDir } from "../letters/make-dir.js";
import { printable, safeJson } from "../letters/printable.js";
import { UsageError } from "./usage.js";

/** The flags {@link addJsonOptions} adds, as commander parses them. */
export interface JsonFlags {
  /** `true` for `--json`; a string only for the deprecated `--json <file>`. */
  json?: boolean | string;
  jsonOut?: string;
}

/** One line for each command's `--help`. */
export const JSON_HELP =
  "\nJSON: --json prints the result as one JSON document on stdout (messages and progress go to stderr);\n" +
  "--json-out <file> writes the same document to a file instead.";

/** Adds `--json` and `--json-out <file>` to `command`; `what` names the document, e.g. "the report". */
export function addJsonOptions(command: Command, what: string): Command {
  // `[file]`: an optional value, only so that the deprecated `--json <file>` still parses.
  return command
    .option(
      "--json [file]",
      `print ${what} as JSON on stdout (messages go to stderr; a file: deprecated, use --json-out)`,
    )
    .option("--json-out <file>", `write ${what} as JSON to <file>`);
}

/**
 * Where `--json`/`--json-out` send the document: `"-"` for stdout, a file name, or undefined for
 * neither. Handles the deprecated `--json <file>` (with a note on stderr). Throws a UsageError
 * for an empty or `-` file name, or for both flags at once.
 */
export function jsonTarget(command: string, flags: JsonFlags): string | undefined {
  const { json, jsonOut } = flags;
  if (typeof json === "string") {
    const instead = json === "-" ? "--json alone" : `--json-out ${printable(json)}`;
    process.stderr.write(
      `concur ${command}: "--json <file>" is deprecated: use ${instead} (--json alone prints the JSON on stdout)\n`,
    );
  }
  if (json !== undefined && jsonOut !== undefined)
    throw new UsageError("--json and --json-out: give one (stdout, or a file)");
  const file = typeof json === "string" && json !== "-" ? json : jsonOut;
  if (file === undefined) return json === undefined ? undefined : "-";
  if (file.trim() === "") throw new UsageError("--json-out must name a file, got an empty string");
  if (file === "-") throw new UsageError("--json-out takes a file name; --json prints the JSON on stdout");
  return file;
}

/** Writes `value` as JSON to `file`, creating its folder; returns the full path. */
export async function writeJsonFile(file: string, value: unknown): Promise<string> {
  const path = resolve(file);
  await makeDir(dirname(path));
  await writeFile(path, `${safeJson(value)}\n`);
  return path;
}
