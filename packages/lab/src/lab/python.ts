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
import { cellId, emptyCell, type CellPlan } from "./cells.js";
import type { SeedTask } from "./config.js";
import type { BenchExecutor, CellResult, WorkUnit } from "./report.js";
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
  /** Which of the cells to run (`--filter`); every one when omitted. */
  include?: (cellId: string) => boolean;
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

/** The Python cells of `tasks` × `executors` (those Python has), in report order. */
export function pythonCellPlans(
  tasks: readonly SeedTask[],
  executors: readonly BenchExecutor[],
  workers: { io: number; cpu: number },
): CellPlan[] {
  return tasks.flatMap((task) =>
    PYTHON_EXECUTORS.filter((kind) => executors.includes(kind)).map((executor) => {
      const count = executor === "sequential" ? 1 : workers[task];
      return {
        id: cellId(task, "python", executor, count),
        task,
        runtime: "python",
        executor,
        workers: count,
      };
    }),
  );
}

function workOf(task: SeedTask, options: PythonRunOptions): WorkUnit {
  if (task === "io") return { name: "request", perRun: LETTERS.length };
  return {
    name: "record",
    perRun: options.records.length,
    innerIterations: totalIterations(options.records, options.multiplier),
  };
}

/**
 * Runs the experiment; never throws for a Python-side failure (it becomes `error` and failed
 * cells). The script runs every task it is given under every executor it is given, so when
 * `include` picks different executors per task, each set of executors gets a script of its own.
 */
export async function runPythonExperiment(options: PythonRunOptions): Promise<PythonRunResult> {
  const plans = pythonCellPlans(options.tasks, options.executors, options.workers).filter(
    (plan) => options.include?.(plan.id) ?? true,
  );
  const cells = new Map(
    plans.map((plan) => [plan.id, emptyCell(plan, workOf(plan.task as SeedTask, options))]),
  );
  if (cells.size === 0) return { cells: [], interrupted: false };
  const groups = new Map<string, ScriptGroup>();
  for (const task of options.tasks) {
    const executors = PYTHON_EXECUTORS.filter((kind) =>
      plans.some((plan) => plan.task === task && plan.executor === kind),
    );
    if (executors.length === 0) continue;
    const group = groups.get(executors.join(","));
    if (group) group.tasks.push(task);
    else groups.set(executors.join(","), { tasks: [task], executors });
  }

  const dir = await mkdtemp(join(tmpdir(), "concur-bench-py-"));
  const recordsFile = join(dir, "records.json");
  let interrupted = false;
  let error: string | undefined;
  try {
    await writeFile(recordsFile, JSON.stringify(options.records));
    for (const group of groups.values()) {
      const outcome = await runScript(options, group, recordsFile, cells);
      interrupted ||= outcome.interrupted;
      error ??= outcome.error;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { cells: [...cells.values()], interrupted, ...(error && { error }) };
}

/** Tasks that one script runs, all under the same executors. */
interface ScriptGroup {
  tasks: SeedTask[];
  executors: BenchExecutor[];
}

/** One run of the script: fills the group's cells in `cells`. */
async function runScript(
  options: PythonRunOptions,
  group: ScriptGroup,
  recordsFile: string,
  cells: ReadonlyMap<string, CellResult>,
): Promise<{ interrupted: boolean; error?: string }> {
  const args = [
    PYTHON_SCRIPT,
    "--endpoint",
    options.endpointTemplate,
    "--records",
    recordsFile,
    "--tasks",
    group.tasks.join(","),
    "--executors",
    group.executors.join(","),
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
  const mine = [...cells.values()].filter(
    (cell) => group.tasks.includes(cell.task as SeedTask) && group.executors.includes(cell.executor),
  );
  let stderr = "";
  let done = false;
  let interrupted = false;
  // A process group of its own: the script's pool workers inherit its stdout, and a worker left
  // behind (its parent killed before it shut its pool down) would hold the pipe open, so that
  // reading it never ends. Signals go to the whole group, as a terminal's Ctrl-C would.
  const child = spawn(options.command, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    interrupted = true;
    signalGroup("SIGINT");
    killTimer = setTimeout(() => signalGroup("SIGKILL"), KILL_GRACE_MS);
  };
  // Once the script itself has exited, whatever is left in its group is an orphan. And a lab that
  // exits first (a second Ctrl-C, the interrupt deadline) takes the group down: in a group of its
  // own, the script no longer gets the terminal's Ctrl-C.
  const killGroup = (): void => signalGroup("SIGKILL");
  process.once("exit", killGroup);
  child.once("exit", () => {
    process.removeListener("exit", killGroup);
    killGroup();
  });
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
  for (const cell of mine) {
    if (cell.status !== "ok") continue;
    if (interrupted && cell.samplesMs.length < options.repetitions) cell.status = "interrupted";
    else if (failure && cell.samplesMs.length < options.repetitions) {
      cell.status = "failed";
      cell.error = failure;
    }
  }
  return { interrupted, ...(failure && { error: failure }) };
}

// Python 3.12+ sums floats with compensation (Neumaier): the last bits may differ from a plain sum.
function sameSum(a: number | undefined, b: number): boolean {
  return typeof a === "number" && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

function lastLines(text: string, count = 3): string {
  return text.trim().split("\n").slice(-count).join(" | ");
}
