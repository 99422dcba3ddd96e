/**
 * Writes a report where the command line asked: files, or stdout for `-`. Shared by
 * `concur bench` and `concur report`.
 */
import { writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { makeDir } from "../letters/make-dir.js";
import type { BenchReport } from "./report.js";
import { reporters, type ReporterName } from "./reporters/registry.js";

/** Where each reporter's output goes: a file path, or `-` for stdout. */
export type OutputTargets = Partial<Record<Exclude<ReporterName, "terminal">, string>>;

/** The flag that names each target, for messages. */
export const TARGET_FLAGS: Readonly<Record<keyof OutputTargets, string>> = {
  json: "--json",
  markdown: "--markdown",
  html: "--html",
  csv: "--export-csv",
};

/** The flags of the targets that go to stdout: more than one would interleave two documents there. */
export function stdoutFlags(targets: OutputTargets): string[] {
  return (Object.entries(targets) as Array<[keyof OutputTargets, string | undefined]>)
    .filter(([, target]) => target === "-")
    .map(([name]) => TARGET_FLAGS[name]);
}

/** True when some target is stdout (then the terminal table should not go there too). */
export function claimsStdout(targets: OutputTargets): boolean {
  return Object.values(targets).some((target) => target === "-");
}

/**
 * Creates the folders of every file target, before a run that may take minutes, so that a path
 * that cannot be written fails at once. Throws the first failure, naming the target.
 */
export async function prepareOutputs(targets: OutputTargets): Promise<void> {
  for (const [name, target] of Object.entries(targets)) {
    if (!target || target === "-") continue;
    const path = resolve(target);
    try {
      await makeDir(dirname(path));
    } catch (error) {
      throw new Error(`cannot write the ${name} report to ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}

/**
 * Renders and writes every requested output; returns the files written. A failure names the
 * file and the reason.
 */
export async function writeOutputs(
  report: BenchReport,
  targets: OutputTargets,
  stdout: { write(text: string): unknown } = process.stdout,
): Promise<string[]> {
  const written: string[] = [];
  for (const [name, target] of Object.entries(targets) as Array<[keyof OutputTargets, string | undefined]>) {
    if (!target) continue;
    const text = reporters[name](report);
    if (target === "-") {
      stdout.write(text.endsWith("\n") ? text : `${text}\n`);
      continue;
    }
    const path = resolve(target);
    try {
      await makeDir(dirname(path));
      await writeFile(path, text);
    } catch (error) {
      throw new Error(`cannot write the ${name} report to ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    written.push(path);
  }
  return written;
}
