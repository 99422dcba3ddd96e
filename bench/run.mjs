/**
 * `node bench/run.mjs <script.ts> [args]`: runs a TypeScript bench script with tsx registered
 * from code rather than by `--import tsx`. Why: worker threads started from a file inherit this
 * process's command-line flags, so under `--import tsx` every worker thread of a measured pool
 * would load tsx too (about 60 ms per worker here); registered from code, tsx stays in this
 * thread, and process.execArgv stays empty for the child processes as well.
 */
import { register } from "tsx/esm/api";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const script = process.argv[2];
if (!script) {
  console.error("usage: node bench/run.mjs <script.ts> [args]");
  process.exit(2);
}
register();
// The script sees its own path in argv[1] and its arguments from argv[2] on, as if run directly.
process.argv.splice(1, 1);
await import(pathToFileURL(resolve(script)).href);
