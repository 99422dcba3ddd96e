/**
 * Loading a task module and finding its tasks, the same on every executor (in-process, thread,
 * process). Shared by both sides: imports nothing main-side.
 */
import { pathToFileURL } from "node:url";
import { isAbsolute } from "node:path";
import { TaskNotFoundError } from "../errors.js";
import type { AnyTask } from "../types.js";

/** A loaded task module: its URL and its exported functions by name. */
export interface LoadedModule {
  url: string;
  tasks: ReadonlyMap<string, AnyTask>;
}

/** Normalises what users pass (URL, file URL string, absolute path) into a URL string. */
export function toModuleUrl(module: URL | string): string {
  if (module instanceof URL) return module.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;
  if (isAbsolute(module)) return pathToFileURL(module).href;
  throw new TypeError(
    `task module must be a URL or an absolute path, got "${module}" (try new URL("./tasks.js", import.meta.url))`,
  );
}

/** Imports the module and collects its exported functions (a default export object's too). */
export async function loadTaskModule(url: string): Promise<LoadedModule> {
  const namespace = (await import(url)) as Record<string, unknown>;
  const tasks = new Map<string, AnyTask>();
  for (const [name, value] of Object.entries(namespace)) {
    if (typeof value === "function") tasks.set(name, value as AnyTask);
  }
  return { url, tasks };
}

/** The task called `name`, or a TaskNotFoundError listing what the module does export. */
export function findTask(module: LoadedModule, name: string): AnyTask {
  const task = module.tasks.get(name);
  if (task === undefined) throw new TaskNotFoundError(name, module.url, [...module.tasks.keys()]);
  return task;
}
