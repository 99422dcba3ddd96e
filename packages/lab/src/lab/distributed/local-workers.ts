/**
 * `concur worker` processes the lab starts on this machine for a distributed run, and stops.
 * Nothing outlives the lab: each worker holds a pipe on stdin whose other end is the lab's, and
 * runs with `--stop-on-stdin-close`, so the kernel's closing of that pipe stops it however the
 * lab ends (SIGKILL included); a normal end, an error or Ctrl-C stops them with SIGTERM, then
 * SIGKILL after {@link STOP_GRACE_MS}; and a hard `process.exit` (the CLI's signal policy) kills
 * them on the way out.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { inheritableExecArgv } from "concur/backend";

/** How long stopped workers get to finish and hand their jobs back before SIGKILL. */
export const STOP_GRACE_MS = 4_000;
/** How long a worker may take to connect and announce itself. */
export const START_TIMEOUT_MS = 30_000;
/** A worker's own grace period for running jobs when told to stop (its `--grace`). */
const WORKER_GRACE_MS = 1_000;
/** What a worker prints once it serves the queue (runWorker's onReady line in `concur worker`). */
const READY = /serving queue/;
/** The end of a worker's stderr kept for error messages. */
const TAIL_CHARS = 4_000;

/** The CLI's entry next to this file: `src/cli/bin.ts` under tsx, `dist/cli/bin.js` built. */
const binPath = fileURLToPath(
  new URL(`../../cli/bin.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`, import.meta.url),
);

/** Where and how the workers run. */
export interface LocalWorkersOptions {
  redis: string;
  prefix: string;
  queue: string;
  /** The task module (the submitter's own). */
  module: URL;
  /** Worker processes. */
  count: number;
  /** Each process's local executor. */
  executor: "async" | "thread" | "process";
  /** Each process's local workers (thread/process) or concurrency (async); the worker's default when absent. */
  workersEach?: number;
  /** Aborting while they start stops them and rejects. */
  signal?: AbortSignal;
  /**
   * The prefix was made up for this run: if the lab dies, its orphaned workers remove its keys
   * once they have stopped (`--remove-prefix-when-orphaned`).
   */
  ownPrefix?: boolean;
}

/** Started workers. */
export interface LocalWorkers {
  readonly pids: readonly number[];
  /**
   * Resolves with an error once every worker has exited before {@link stop} was called (crashes,
   * kills from outside): a run waiting for results would otherwise wait for ever. While one is
   * left, it takes the dead ones' jobs back (lock expiry and its stalled check, ~10 s).
   */
  readonly lost: Promise<Error>;
  /** SIGTERM, SIGKILL after the grace; resolves when every process is gone. Idempotent. */
  stop(): Promise<void>;
}

interface Child {
  process: ChildProcess;
  exited: Promise<void>;
  stderr: () => string;
}

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function launch(options: LocalWorkersOptions): Child {
  const args = [
    ...inheritableExecArgv(process.execArgv),
    binPath,
    "worker",
    "--module",
    fileURLToPath(options.module),
    "--prefix",
    options.prefix,
    "--queue",
    options.queue,
    "--executor",
    options.executor,
    ...(options.workersEach === undefined ? [] : ["--workers", String(options.workersEach)]),
    "--grace",
    String(WORKER_GRACE_MS),
    "--stop-on-stdin-close",
    ...(options.ownPrefix ? ["--remove-prefix-when-orphaned"] : []),
  ];
  // stdin: the lifeline (never written to); stdout unused; stderr kept for error messages. The
  // URL goes in the environment (concur worker reads REDIS_URL), not on the command line, where
  // any local user could read its password.
  const child = spawn(process.execPath, args, {
    stdio: ["pipe", "ignore", "pipe"],
    env: { ...process.env, REDIS_URL: options.redis },
  });
  let tail = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    tail = (tail + chunk).slice(-TAIL_CHARS);
  });
  // A stdin write end that errors (the child is gone) must not crash the lab.
  child.stdin!.on("error", () => undefined);
  const exited = new Promise<void>((resolve) => {
    if (!alive(child)) resolve();
    else child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  return { process: child, exited, stderr: () => tail };
}

function describeExit(child: Child): string {
  const p = child.process;
  const how = p.signalCode ? `was killed by ${p.signalCode}` : `exited with code ${String(p.exitCode)}`;
  const said = child.stderr().trim();
  return `a local concur worker (pid ${String(p.pid)}) ${how}${said ? `:\n${said}` : ""}`;
}

/** Waits for a worker's ready line; rejects when it exits, times out, or `signal` aborts. */
function ready(child: Child, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = child.process.stderr!;
    const check = (): void => {
      if (READY.test(child.stderr())) finish();
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `a local concur worker did not start within ${START_TIMEOUT_MS / 1000} s:\n${child.stderr()}`,
          ),
        ),
      START_TIMEOUT_MS,
    );
    const onAbort = (): void => finish(new Error("stopped while the local workers started"));
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      stream.off("data", check);
      signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve();
    };
    stream.on("data", check);
    signal?.addEventListener("abort", onAbort, { once: true });
    void child.exited.then(() => finish(new Error(describeExit(child))));
    if (signal?.aborted) onAbort();
    check();
  });
}

/** Starts `count` workers in parallel; resolves once every one serves the queue. */
export async function startLocalWorkers(options: LocalWorkersOptions): Promise<LocalWorkers> {
  const children: Child[] = [];
  let stopping = false;
  // A hard exit (process.exit after a second Ctrl-C, or the signal policy's deadline) runs only
  // synchronous code: SIGKILL is all there is time for.
  const killOnExit = (): void => {
    for (const child of children) if (alive(child.process)) child.process.kill("SIGKILL");
  };
  process.on("exit", killOnExit);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      stopping = true;
      for (const child of children) if (alive(child.process)) child.process.kill("SIGTERM");
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)));
      await Promise.race([Promise.all(children.map((c) => c.exited)), late]);
      clearTimeout(timer);
      killOnExit();
      await Promise.all(children.map((c) => c.exited));
      for (const child of children) child.process.stdin?.destroy();
      process.off("exit", killOnExit);
    })());

  for (let i = 0; i < options.count; i++) children.push(launch(options));
  try {
    await Promise.all(children.map((child) => ready(child, options.signal)));
  } catch (error) {
    await stop();
    throw error;
  }
  const lost = Promise.all(children.map((child) => child.exited)).then(() =>
    stopping
      ? new Promise<Error>(() => undefined) // stopped on purpose: never lost
      : new Error(`every local worker is gone: ${children.map(describeExit).join("; ")}`),
  );
  return { pids: children.map((c) => c.process.pid ?? -1), lost, stop };
}
