/**
 * Benches that measure pools in their own process must not run under `--import tsx`: worker
 * threads started from a file inherit the command-line flags, so each would load tsx too (about
 * 60 ms per worker here). bench/run.mjs registers tsx from code instead; this stops a run that
 * was started the other way, rather than let it measure tsx.
 */
export function refuseTsxFlags(script: string): void {
  if (process.execArgv.some((arg) => /tsx/.test(arg))) {
    console.error(
      `${script}: run it with \`node bench/run.mjs ${script}\` (npm run does), not under --import tsx`,
    );
    process.exit(2);
  }
}
