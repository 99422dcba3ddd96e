/**
 * `mkdir -p` that always ends. Node's own `mkdir(dir, { recursive: true })` loops forever, at
 * 100% CPU on a libuv thread, where a file system refuses to create a folder with ENOENT although
 * its parent exists (`/proc/x`, `/sys/x`): it takes ENOENT for "the parent is missing", creates
 * the parent (EEXIST), and tries again. Here each missing folder is created once, parents first,
 * with a plain `mkdir`, so a refusal is an error instead of a spin.
 */
import { mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/** Creates `dir` and any missing parents; resolves once it exists as a folder. */
export async function makeDir(dir: string): Promise<void> {
  const missing: string[] = [];
  // Walk up to the nearest existing ancestor (a bounded walk: each step is one path component).
  for (let current = resolve(dir); ;) {
    const info = await stat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
    if (info) {
      if (!info.isDirectory()) throw notAFolder(current);
      break;
    }
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break; // a missing root: let mkdir report it
    current = parent;
  }
  for (const path of missing.reverse()) {
    try {
      await mkdir(path);
    } catch (error) {
      // Created meanwhile by a concurrent call (26 downloads share one folder): fine if a folder.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (!(await stat(path)).isDirectory()) throw notAFolder(path);
    }
  }
}

function notAFolder(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), {
    code: "ENOTDIR",
    path,
    syscall: "mkdir",
  });
}
