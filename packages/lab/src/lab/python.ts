/**
 * The seed's original experiment as report rows: runs `python/experiment.py` (stdlib
 * `concurrent.futures`) against the same endpoint and records, and turns its JSON lines into
 * cells with `runtime: "python"`.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { LETTERS, type CompanyRecord } from "../letters/index.js";
import { cellId, emptyCell } from "./cells.js";
import type { SeedTask } from "./config.js";
import type { BenchExecutor, CellResult } from "./report.js";
import { totalIterations } from "./workloads.js";

/** The script, found next to the package's own files (src/ or dist/). */
export const PYTHON_SCRIPT = fileURLToPath(new URL("../../python/experiment.py", import.meta.url));

/** Python has no event-loop executor in `concurrent.futures`; these are the ones it runs. */
export const PYTHON_EXECUTORS: readonly BenchExecutor[] = ["sequential", "thread", "process"];

/** Options of {@link runPythonExperiment}. */
export interface PythonRunOptions {
  /** The interpreter, e.g. "python3". */
  command: string;
  tasks: readonly SeedTask[];
  executors: readonly BenchExecutor[];
  endpointTemplate: string;
  /** The records of the CPU rows (already the subset). */
  records: readonly CompanyRecord[];
  multiplier: number;
  workers: { io: number; cpu: number };
  repetitions: number;
  /** Expected checksum of the CPU task over `records` (Node's own sum), to cross-check Python's. */
  cpuChecksum?: number;
  signal?: AbortSignal;
  /** Called per sample, for progress. */
  onSample?: (cell: CellResult, ms: number) => void;
}

/** What the Python run produced. */
export interface PythonRunResult {
  cells: CellResult[];
  /** Set when the script failed as a whole (not started, crashed, bad output). */
  error?: string;
  interrupted: boolean;
}

interface PythonEvent {
  event: string;
  task?: SeedTask;
  executor?: BenchExecutor;
  workers?: number;
  ms?: number;
  warmup?: boolean;
  checksum?: number;
  message?: string;
}

// Ctrl-C reaches the script as SIGINT (it shuts its pools down); one that does not exit is killed.
const KILL_GRACE_MS = 3000;

/** Runs the experiment; never throws for a Python-side failure (it becomes `error` and failed cells). */
export async function runPythonExperiment(options: PythonRunOptions): Promise<PythonRunResult> {
  const executors = PYTHON_EXECUTORS.filter((kind) => options.executors.includes(kind));
  const cells = new Map<string, CellResult>();
  for (const task of options.tasks) {
    const work =
      task === "io"
        ? { name: "request", perRun: LETTERS.length }
        : {
            name: "record",
            perRun: options.records.length,
            innerIterations: totalIterations(options.records, options.multiplier),
          };
    for (const executor of executors) {
      const workers = executor === "sequential" ? 1 : options.workers[task];
      const id = cellId(task, "python", executor, workers);
      cells.set(id, emptyCell({ id, task, runtime: "python", executor, workers }, work));
    }
  }
  if (cells.size === 0) return { cells: [], interrupted: false };

  const dir = await mkdtemp(join(tmpdir(), "concur-bench-py-"));
  const recordsFile = join(dir, "records.json");
  await writeFile(recordsFile, JSON.stringify(options.records));
  const args = [
    PYTHON_SCRIPT,
    "--endpoint",
    options.endpointTemplate,
    "--records",
    recordsFile,
    "--tasks",
    options.tasks.join(","),
    "--executors",
    executors.join(","),
    "--io-workers",
    String(options.workers.io),
    "--cpu-workers",
    String(options.workers.cpu),
    "--multiplier",
    String(options.multiplier),
    "--repetitions",
    String(options.repetitions),
    "--warmup",
    "0",
  ];
  let stderr = "";
  let done = false;
  let interrupted = false;
  try {
    const child = spawn(options.command, args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      interrupted = true;
      child.kill("SIGINT");
      killTimer = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
    const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
      child.once("error", (error) => resolve({ code: null, error }));
      child.once("close", (code) => resolve({ code }));
    });
    for await (const line of createInterface({ input: child.stdout })) {
      if (!line.trim()) continue;
      let event: PythonEvent;
      try {
        event = JSON.parse(line) as PythonEvent;
      } catch {
        continue; // a stray print is not ours to interpret
      }
      if (event.event === "done") done = true;
      const cell =
        event.task && event.executor && event.workers !== undefined
          ? cells.get(cellId(event.task, "python", event.executor, event.workers))
          : undefined;
      if (!cell) continue;
      if (event.event === "startup" && typeof event.ms === "number") cell.startupMs.push(event.ms);
      else if (event.event === "error") {
        cell.status = "failed";
        cell.error = event.message ?? "failed";
      } else if (event.event === "sample" && typeof event.ms === "number" && !event.warmup) {
        if (
          cell.task === "cpu" &&
          options.cpuChecksum !== undefined &&
          !sameSum(event.checksum, options.cpuChecksum)
        ) {
          cell.status = "failed";
          cell.error = `Python's result (${event.checksum}) differs from Node's (${options.cpuChecksum}) on the same records`;
          continue;
        }
        if (cell.status === "ok") {
          cell.samplesMs.push(event.ms);
          options.onSample?.(cell, event.ms);
        }
      }
    }
    const { code, error } = await exited;
    clearTimeout(killTimer);
    options.signal?.removeEventListener("abort", onAbort);
    const failure = error
      ? `could not start ${options.command}: ${error.message}`
      : !done && !interrupted
        ? `the Python experiment exited with code ${code}${stderr ? `: ${lastLines(stderr)}` : ""}`
        : undefined;
    for (const cell of cells.values()) {
      if (cell.status !== "ok") continue;
      if (interrupted && cell.samplesMs.length < options.repetitions) cell.status = "interrupted";
      else if (failure && cell.samplesMs.length < options.repetitions) {
        cell.status = "failed";
        cell.error = failure;
      }
    }
    return { cells: [...cells.values()], interrupted, ...(failure && { error: failure }) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Python 3.12+ sums floats with compensation (Neumaier): the last bits may differ from a plain sum.
function sameSum(a: number | undefined, b: number): boolean {
  return typeof a === "number" && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

function lastLines(text: string, count = 3): string {
  return text.trim().split("\n").slice(-count).join(" | ");
}
