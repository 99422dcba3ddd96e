/**
 * Which of this process's Node flags a worker process shares: loaders such as `--import tsx`,
 * memory and feature flags, without those that would make the worker something else. Used by the
 * process pool and, through concur/backend, by anything else that starts Node workers (the lab's
 * `concur worker` processes).
 */

/** Flags of this process that must not reach a worker, with whether they take a value. */
const NOT_INHERITED: Array<[RegExp, boolean]> = [
  // An eval'd script would run again in every worker (and each would start a pool of its own).
  [/^(-e|--eval|-p|--print)$/, true],
  [/^(--eval|--print)=/, false],
  [/^--input-type(=|$)/, false],
  // The test runner, watch mode and debugger ports belong to the parent alone.
  [/^--test($|-)/, false],
  [/^--watch($|-)/, false],
  [/^--(inspect|debug)(-brk|-port|-wait)?($|=)/, false],
];

/**
 * This process's flags that a worker should share (loaders such as `--import tsx`, memory and
 * feature flags), without those that would make the worker something else.
 */
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
