/**
 * Real processes for the fault tests: `concur worker` daemons (the lab's CLI, as users run it)
 * and a redis-server of the test's own, which a test may kill -9 and restart.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tasksUrl } from "./redis.js";

const cliBin = fileURLToPath(new URL("../../../lab/dist/cli/bin.js", import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

/** Where and how a worker process runs, beyond the defaults. */
export interface WorkerLaunch {
  /** A command the worker runs under, e.g. `ip netns exec <ns>` (argv before node's). */
  wrap?: readonly string[];
  /** The task module. @default the test fixture module (tasks.ts) */
  module?: URL;
  /** Added to the worker's environment. */
  env?: Readonly<Record<string, string>>;
}

/** Starts `concur worker` on the test fixture module; resolves once it serves the queue. */
export async function startWorkerProcess(
  redisUrl: string,
  prefix: string,
  extra: string[] = [],
  launch: WorkerLaunch = {},
): Promise<WorkerProcess> {
  const [command, ...wrapArgs] = [...(launch.wrap ?? []), process.execPath];
  const child = spawn(
    command!,
    [
      ...wrapArgs,
      "--import",
      "tsx",
      cliBin,
      "worker",
      "--redis",
      redisUrl,
      "--module",
      fileURLToPath(launch.module ?? tasksUrl),
      "--prefix",
      prefix,
      "--lock-duration",
      "2000",
      "--stalled-interval",
      "2000",
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...launch.env } },
  );
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`concur worker did not start within 30 s:\n${output}`)),
      30_000,
    );
    const onData = (): void => {
      if (output.includes("serving queue")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`concur worker exited (${code}) before serving:\n${output}`));
    });
  });
  return { child, exited, output: () => output };
}

/** Kills a worker process (if still alive) and waits for it to be gone. */
export async function stopProcess(worker: WorkerProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill(signal);
  await worker.exited;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** A redis-server of the test's own, with AOF on in a temporary directory. */
export class OwnRedis {
  #child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly dir: string,
    readonly extra: string[],
  ) {}

  static async start(extra: string[] = []): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort(), await mkdtemp(join(tmpdir(), "concur-redis-")), extra);
    await redis.restart();
    return redis;
  }

  /** The running redis-server's pid (for a synchronous kill in a signal handler). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port and directory: the AOF brings the data back. */
  async restart(): Promise<void> {
    const child = spawn(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--appendonly",
        "yes",
        "--dir",
        this.dir,
        "--save",
        "",
        ...this.extra,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.#child = child;
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
      child.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Ready to accept connections")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(
          new Error(
            `redis-server could not be started (${error.message}): install it (apt-get install redis-server)`,
          ),
        );
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}):\n${output}`));
      });
    });
  }

  /** kill -9: no shutdown, no final fsync. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}
