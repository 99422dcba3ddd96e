/**
 * `concur advise`: measures a sample of a task's calls (CPU time vs wall time, message size and
 * copy time, pool start-up) and recommends an executor and a worker count, with the numbers.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { advise, renderAdvice } from "../../lab/advisor.js";
import { printable, safeJson } from "../../letters/printable.js";
import { JSON_HELP, addJsonOptions, jsonTarget, writeJsonFile, type JsonFlags } from "../json-flags.js";
import { UsageError, exitCodes, parsePositiveInt } from "../usage.js";

interface AdviseFlags extends JsonFlags {
  module: string;
  task: string;
  inputs: string;
  sample?: string;
  pools: boolean;
}

/** Adds `concur advise`. */
export function register(program: Command): void {
  const command = program
    .command("advise")
    .description("Measure a sample of your task's calls and recommend an executor and worker count.")
    .requiredOption("--module <path>", "the task module")
    .requiredOption("--task <name>", "the exported function to call")
    .requiredOption("--inputs <file>", "a JSON file holding an array of inputs, one call each")
    .option("--sample <n>", "calls to measure (default: up to 20, spread over the inputs)")
    .option("--no-pools", "do not start thread and process pools (faster, but no start-up or message costs)");
  addJsonOptions(command, "the measurements and the recommendation")
    .addHelpText(
      "after",
      JSON_HELP +
        "\n\nExample:\n  concur advise --module ./my-tasks.ts --task resize --inputs inputs.json\n\nThen check the advice with: concur bench --module ./my-tasks.ts --task resize --inputs inputs.json",
    )
    .action(async (flags: AdviseFlags) => {
      process.exitCode = await run(flags);
    });
}

async function readInputs(file: string): Promise<unknown[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new UsageError(`--inputs: cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0)
    throw new UsageError(`--inputs: ${file} must hold a non-empty JSON array`);
  return parsed;
}

async function run(flags: AdviseFlags): Promise<number> {
  const sample = flags.sample === undefined ? undefined : parsePositiveInt("--sample", flags.sample);
  if (!/^[A-Za-z_$][\w$]*$/.test(flags.task))
    throw new UsageError(`--task must be an exported function's name, got "${flags.task}"`);
  const json = jsonTarget("advise", flags);
  const inputs = await readInputs(flags.inputs);
  const progress = process.stderr.isTTY
    ? (message: string) => process.stderr.write(`\r\x1b[2K${printable(message)}…`)
    : undefined;
  try {
    const advice = await advise({
      module: resolve(flags.module),
      task: flags.task,
      inputs,
      pools: flags.pools,
      ...(sample !== undefined && { sample }),
      ...(progress && { onProgress: progress }),
    });
    if (progress) process.stderr.write("\r\x1b[2K");
    if (json === "-") process.stdout.write(`${safeJson(advice)}\n`);
    else process.stdout.write(renderAdvice(advice));
    if (json !== undefined && json !== "-") {
      process.stderr.write(`concur advise: wrote ${printable(await writeJsonFile(json, advice))}\n`);
    }
    return exitCodes.ok;
  } catch (error) {
    if (progress) process.stderr.write("\r\x1b[2K");
    process.stderr.write(`concur advise: ${printable((error as Error).message)}\n`);
    return exitCodes.failure;
  }
}
