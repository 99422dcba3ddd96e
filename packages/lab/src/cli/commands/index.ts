import type { Command } from "commander";
import { register as registerRun } from "./run.js";
import { register as registerServe } from "./serve.js";
import { register as registerBench } from "./bench.js";
import { register as registerReport } from "./report.js";
import { register as registerAdvise } from "./advise.js";
import { register as registerDistributed } from "./distributed.js";

/** Adds every concur command to the program. Each command file exports one `register` function. */
export function registerCommands(program: Command): void {
  registerRun(program);
  registerServe(program);
  registerBench(program);
  registerReport(program);
  registerAdvise(program);
  registerDistributed(program);
}
