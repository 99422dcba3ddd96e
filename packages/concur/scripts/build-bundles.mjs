/**
 * Build step after tsc (which writes the ES-module build and its declarations to dist/):
 *
 * 1. Each worker entry (src/entry/thread.ts, process.ts) with what it imports, bundled into one
 *    CommonJS file, dist/entry/<name>.cjs. Why: a worker that starts from an ES module graph
 *    spends about 8 ms loading it (the ES-module loader and seven files), a quarter of a worker's
 *    start-up here; one CommonJS file loads in well under a millisecond. The task module is still
 *    loaded with import(), which esbuild leaves as it is.
 * 2. The CommonJS build for `require("concur")` on every Node 20 (require(esm) only arrived in
 *    20.19): dist/cjs/index.js and dist/cjs/task.js, one bundle each, beside a package.json that
 *    marks the folder CommonJS, and a copy of the declarations so TypeScript in CommonJS mode
 *    (`"module": "node16"`) reads them as CommonJS types. The bundle sits one folder below
 *    dist/, as dist/runtime/handle.js does, so `new URL("../entry/…", import.meta.url)` finds
 *    the same worker entries from either build.
 *
 * State a task can see (taskSignal) lives on a global symbol (src/task.ts), so the bundles'
 * copies and the copy a task module imports from "concur/task" share it.
 */
import { build } from "esbuild";
import { cp, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: ["src/entry/thread.ts", "src/entry/process.ts"],
  outdir: "dist/entry",
  outExtension: { ".js": ".cjs" },
});

await build({
  ...common,
  entryPoints: ["src/index.ts", "src/task.ts", "src/backend.ts"],
  outdir: "dist/cjs",
  // CommonJS has no import.meta: give the bundle its own file URL, and leave import.meta.resolve
  // undefined (thread-handle.ts falls back to createRequire when calling it throws).
  banner: { js: 'const __concurFileUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { "import.meta.url": "__concurFileUrl", "import.meta.resolve": "undefined" },
});
await writeFile(join(root, "dist/cjs/package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);

// The declarations, unchanged, under dist/cjs/ (minus the worker entries, which export nothing).
const dist = join(root, "dist");
for (const entry of await readdir(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith(".d.ts")) continue;
  const from = join(entry.parentPath, entry.name);
  const relative = from.slice(dist.length + 1);
  if (relative.startsWith("cjs/") || relative.startsWith("entry/")) continue;
  await cp(from, join(dist, "cjs", relative));
}
