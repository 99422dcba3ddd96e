/**
 * Starts importing the task module as soon as a worker's entry runs, before the `init` message
 * arrives: loading the module (and starting the ES-module loader for it) then overlaps the rest
 * of the worker's start-up. `init` imports the same URL again and gets this same load, with its
 * error if it failed: the import here only warms the module cache and reports nothing itself.
 */
export function preload(moduleUrl: unknown): void {
  if (typeof moduleUrl !== "string") return;
  import(moduleUrl).catch(() => undefined);
}
