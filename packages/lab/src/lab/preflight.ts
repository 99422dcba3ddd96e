/**
 * Checks made before a run starts, so that a mistake costs a second, not a whole benchmark: the
 * user's task module loads and exports the task, and every report file can be written.
 */
import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { TARGET_FLAGS, type OutputTargets } from "./outputs.js";

/** A problem found before the run: its message is for the user, as is. */
export class PreflightError extends Error {
  override name = "PreflightError";
}

/** The tsx loader, for a TypeScript task module (the pools resolve it the same way). */
function tsxLoader(moduleUrl: string): string | undefined {
  for (const base of [import.meta.url, moduleUrl]) {
    try {
      return pathToFileURL(createRequire(base).resolve("tsx")).href;
    } catch {
      // not resolvable from here; try the next base
    }
  }
  return undefined;
}

/** The loader flags this process runs with (e.g. `--import tsx`), which the executors pass on. */
function inheritedLoaders(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if ((arg === "--import" || arg === "--loader" || arg === "--require") && argv[i + 1] !== undefined) {
      out.push(arg, argv[++i]!);
    } else if (/^--(import|loader|require)=/.test(arg)) out.push(arg);
  }
  return out;
}

// Runs in a child: imports the module as the executors will, and reports what `task` is. An error
// while importing is left uncaught, so Node prints it as it would for the user: file, line, caret.
const PROBE = `
const [url, task] = process.argv.slice(1);
const namespace = await import(url);
process.stdout.write(JSON.stringify({ kind: typeof namespace[task], exports: Object.keys(namespace) }));
`;

/**
 * Loads the task module in a child process and checks that it exports a function `task`. Throws a
 * PreflightError naming the file: missing, failing to load (with Node's own file:line report of a
 * syntax error), or not exporting the task (listing what it does export).
 */
export async function checkTaskModule(path: string, task: string): Promise<void> {
  const url = path.startsWith("file:") ? path : pathToFileURL(resolve(path)).href;
  const file = new URL(url).pathname;
  try {
    if (!(await stat(file)).isFile()) throw new PreflightError(`--module: ${file} is not a file`);
  } catch (error) {
    if (error instanceof PreflightError) throw error;
    throw new PreflightError(`--module: no such file: ${file}`);
  }
  const loaders = inheritedLoaders();
  if (/\.[cm]?ts$/.test(file) && !loaders.some((a) => a.includes("tsx"))) {
    const tsx = tsxLoader(url);
    if (tsx) loaders.push("--import", tsx);
  }
  const { code, stdout, stderr } = await run(process.execPath, [
    ...loaders,
    "--input-type=module",
    "-e",
    PROBE,
    url,
    task,
  ]);
  if (code !== 0) {
    // Node's report of the failure (file:line, the line, a caret, the error), without the stack
    // frames and the probe's own rethrow site, which say nothing about the user's file.
    const report = stderr
      .replace(/^node:internal\/[^\n]*\n\s*triggerUncaughtException\([^\n]*\n\s*\^\n+/m, "")
      .split("\n")
      .filter((line) => !/^\s+at /.test(line) && !/^Node\.js v/.test(line))
      .join("\n")
      .trim();
    throw new PreflightError(`--module: ${file} failed to load:\n${report}`);
  }
  const probe = JSON.parse(stdout) as { kind: string; exports: string[] };
  if (probe.kind !== "function") {
    const found = probe.exports.length > 0 ? probe.exports.join(", ") : "nothing";
    throw new PreflightError(
      probe.kind === "undefined"
        ? `--task: ${file} has no export named "${task}" (it exports ${found})`
        : `--task: "${task}" in ${file} is a ${probe.kind}, not a function`,
    );
  }
}

function run(
  command: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/**
 * Checks that every report file can be written: its folder exists (or can be made, under a
 * writable ancestor) and the file, if present, is a writable file. `-` (stdout) always can.
 */
export async function checkTargets(targets: OutputTargets): Promise<void> {
  for (const [name, target] of Object.entries(targets) as Array<[keyof OutputTargets, string | undefined]>) {
    if (!target || target === "-") continue;
    const path = resolve(target);
    const flag = TARGET_FLAGS[name];
    const existing = await stat(path).catch(() => undefined);
    if (existing?.isDirectory()) throw new PreflightError(`${flag}: ${path} is a directory`);
    if (existing) {
      await access(path, constants.W_OK).catch(() => {
        throw new PreflightError(`${flag}: ${path} is not writable`);
      });
      continue;
    }
    // The nearest existing ancestor must be a writable directory (writeOutputs makes the rest).
    let dir = dirname(path);
    let found = await stat(dir).catch(() => undefined);
    while (!found && dirname(dir) !== dir) {
      dir = dirname(dir);
      found = await stat(dir).catch(() => undefined);
    }
    if (!found?.isDirectory())
      throw new PreflightError(`${flag}: cannot create ${path}: ${dir} is not a directory`);
    await access(dir, constants.W_OK).catch(() => {
      throw new PreflightError(`${flag}: cannot create ${path}: ${dir} is not writable`);
    });
  }
}
