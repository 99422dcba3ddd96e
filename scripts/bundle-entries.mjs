/**
 * Build step after tsc: bundles each worker entry (src/entry/thread.ts, process.ts) with what it
 * imports into one CommonJS file, dist/entry/<name>.cjs. Why: a worker that starts from an ES
 * module graph spends about 8 ms loading it (the ES-module loader and seven files), a quarter of
 * a worker's start-up here; one CommonJS file loads in well under a millisecond. The task module
 * is still loaded with import(), which esbuild leaves as it is.
 *
 * State a task can see (taskSignal) lives on a global symbol (src/task.ts), so the bundle's copy
 * and the copy a task module imports from "concur/task" share it.
 */
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
await build({
  absWorkingDir: root,
  entryPoints: ["src/entry/thread.ts", "src/entry/process.ts"],
  outdir: "dist/entry",
  outExtension: { ".js": ".cjs" },
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  logLevel: "warning",
});
