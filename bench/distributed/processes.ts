/**
 * The processes of `npm run bench:distributed`: a private redis-server (so that INFO memory sees
 * this run's keys only, and no other session's traffic), and the worker processes of both sides
 * (`concur worker` from the lab's build; bench/workers/raw-bullmq-worker.mjs). Every process is
 * this benchmark's own child, stopped by its handle.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { DistributedProfile } from "./plan.js";

export interface Child {
  readonly pid: number;
  readonly exited: Promise<void>;
  /** Sends `signal` (if still running) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function track(child: ChildProcess, what: string): Child {
  if (child.pid === undefined) throw new Error(`${what} did not start`);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    pid: child.pid,
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Resolves once `child` prints `ready` on stdout or stderr; rejects on exit or after `ms`. */
function waitFor(child: ChildProcess, ready: string, what: string, ms = 30_000): Promise<void> {
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} not ready within ${ms} ms:\n${output}`)), ms);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${String(code)}) before it was ready:\n${output}`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** A redis-server of this run's own: no persistence (nothing here needs to survive it). */
export async function startRedis(): Promise<Child & { url: string; version: string }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "concur-bench-redis-"));
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let version = "unknown";
  child.stdout!.on("data", (chunk: Buffer) => {
    version = /Redis version=([\d.]+)/.exec(chunk.toString())?.[1] ?? version;
  });
  await waitFor(child, "Ready to accept connections", "redis-server", 10_000);
  const handle = track(child, "redis-server");
  void handle.exited.then(() => rmSync(dir, { recursive: true, force: true }));
  return { ...handle, url: `redis://127.0.0.1:${port}`, version };
}

/** What both sides' workers are given. */
export interface WorkerSetup {
  redis: string;
  prefix: string;
  queue: string;
  /** The task module, a file path. */
  module: string;
  profile: DistributedProfile;
  /** Environment of the worker processes. */
  env: NodeJS.ProcessEnv;
}

const cliBin = fileURLToPath(new URL("../../packages/lab/dist/cli/bin.js", import.meta.url));
const rawWorker = fileURLToPath(new URL("../workers/raw-bullmq-worker.mjs", import.meta.url));

/** `concur worker`, running its jobs on a local async executor of `concurrency` tasks at once. */
export async function startConcurWorker(setup: WorkerSetup): Promise<Child> {
  const p = setup.profile;
  const child = spawn(
    process.execPath,
    [
      cliBin,
      "worker",
      "--redis",
      setup.redis,
      "--module",
      setup.module,
      "--prefix",
      setup.prefix,
      "--queue",
      setup.queue,
      "--executor",
      "async",
      "--workers",
      String(p.concurrency),
      "--concurrency",
      String(p.concurrency),
      "--lock-duration",
      String(p.lockDuration),
      "--stalled-interval",
      String(p.stalledInterval),
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: setup.env },
  );
  await waitFor(child, "serving queue", "concur worker");
  return track(child, "concur worker");
}

/** The raw BullMQ worker, serving `queues` (the first is the one measured). */
export async function startRawWorker(setup: WorkerSetup, queues: readonly string[]): Promise<Child> {
  const p = setup.profile;
  const config = {
    redis: setup.redis,
    prefix: setup.prefix,
    queues,
    concurrency: p.concurrency,
    lockDuration: p.lockDuration,
    stalledInterval: p.stalledInterval,
    module: pathToFileURL(setup.module).href,
  };
  const child = spawn(process.execPath, [rawWorker, JSON.stringify(config)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: setup.env,
  });
  await waitFor(child, "ready", "raw BullMQ worker");
  return track(child, "raw BullMQ worker");
}
