import type { Command } from "commander";

/** Adds every concur command to the program. Each command file exports one `register` function. */
export function registerCommands(_program: Command): void {
  // Commands are added here as they land: run, serve, bench, report, advise.
}
