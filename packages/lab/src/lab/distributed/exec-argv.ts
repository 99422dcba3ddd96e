/**
 * The Node flags a `concur worker` process started by the lab shares with the lab: loaders such
 * as `--import tsx` (the lab may run from source) and memory or feature flags, without those that
 * would make the child something else. The same rule as concur's process pool.
 */

/** Flags of this process that must not reach a worker, with whether they take a value. */
const NOT_INHERITED: Array<[RegExp, boolean]> = [
  // An eval'd script would run again in the worker instead of the CLI.
  [/^(-e|--eval|-p|--print)$/, true],
  [/^(--eval|--print)=/, false],
  [/^--input-type(=|$)/, false],
  // The test runner, watch mode and debugger ports belong to the parent alone.
  [/^--test($|-)/, false],
  [/^--watch($|-)/, false],
  [/^--(inspect|debug)(-brk|-port|-wait)?($|=)/, false],
];

/** `execArgv` without the flags a child must not inherit. */
export function inheritableExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const rule = NOT_INHERITED.find(([pattern]) => pattern.test(arg));
    if (!rule) kept.push(arg);
    else if (rule[1]) i++; // skip its value too
  }
  return kept;
}
