/**
 * concur's command line. Each command lives in its own file under commands/ and registers itself
 * on the program; this file only wires them and maps failures to exit codes:
 * 0 ok, 1 task failures, 2 bad usage, 130 / 143 stopped by SIGINT / SIGTERM (see interrupt.ts).
 */
import { Command, CommanderError } from "commander";
import { registerCommands } from "./commands/index.js";
import { printable, printableLines } from "../letters/printable.js";
import { UsageError, exitCodes } from "./usage.js";

export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = new Command();
  program
    .name("concur")
    .description(
      "Run jobs on the event loop, in worker threads or in child processes, and measure which wins.",
    )
    .version(await packageVersion(), "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    // Commander quotes the user's own arguments in its errors ("unknown option '…'").
    .configureOutput({ outputError: (text, write) => write(printableLines(text)) });
  registerCommands(program);
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === "number" ? process.exitCode : exitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return exitCodes.ok; // --help, --version
      return exitCodes.usage;
    }
    if (error instanceof UsageError) {
      // Usage messages quote the flag values given, as they were typed.
      process.stderr.write(`concur: ${printable(error.message)}\n(run with --help for usage)\n`);
      return exitCodes.usage;
    }
    process.stderr.write(
      `concur: ${printableLines(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
    );
    return exitCodes.failure;
  }
}

async function packageVersion(): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const text = await readFile(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}
