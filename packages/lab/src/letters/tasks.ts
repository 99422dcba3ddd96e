/**
 * The task module of the seed's workload: every executor (sequential, async, thread, process)
 * loads this one file unchanged and calls its exports by name.
 *
 * It is imported inside every worker thread and child process, so it stays light: only the task
 * functions and what they need (no executor, lab or CLI code, no endpoint server).
 */
export { downloadAndWrite } from "./download.js";
export { processLetter } from "./process.js";
export { loadLetters } from "./load.js";
