/**
 * Test helpers for the letters suite: temp folders, a static file server (python3 -m
 * http.server, as a stand-in for "any server serving a.json..z.json") and a fault-injecting
 * proxy to put in front of it. Every helper returns something to close in `after`/`t.after`.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { request as httpRequest, createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** A fresh temp folder; `remove()` deletes it. */
export async function tempDir(
  prefix = "concur-letters-",
): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Every entry of a folder, hidden ones included, sorted (to check that no temp file is left). */
export async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}

/** `python3 -m http.server` on a free loopback port over `dir`. */
export async function startStaticServer(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(
    "python3",
    ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", dir],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  };
  try {
    const url = await firstMatch(child, /Serving HTTP on \S+ port (\d+)/, (m) => `http://127.0.0.1:${m[1]}`);
    return { url, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Waits for the first stdout line of `child` matching `pattern`. */
export async function firstMatch<T>(
  child: ChildProcess,
  pattern: RegExp,
  map: (match: RegExpExecArray) => T,
): Promise<T> {
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, "exit").then(() => {
    throw new Error(`process exited before printing ${String(pattern)}`);
  });
  const found = (async () => {
    for await (const line of lines) {
      const match = pattern.exec(line);
      if (match) return map(match);
    }
    throw new Error(`stdout ended before ${String(pattern)}`);
  })();
  try {
    return await Promise.race([found, exited]);
  } finally {
    exited.catch(() => undefined);
    found.catch(() => undefined);
  }
}

/** A tiny real HTTP server on a free loopback port, answering with `handler` (hostile bodies, redirects). */
export async function startHttpServer(
  handler: RequestListener,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * An HTTP proxy to `upstream` that answers `failures` requests per path with `status` before
 * passing them through: retries against a server that cannot inject faults itself.
 */
export async function startFaultProxy(
  upstream: string,
  failures: number,
  status = 503,
): Promise<{ url: string; hits(path: string): number; close(): Promise<void> }> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    if (n <= failures) {
      res.writeHead(status, { "content-type": "text/plain" }).end("injected by the test proxy");
      return;
    }
    const forward = httpRequest(new URL(path, upstream), { method: req.method }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on("error", () => res.destroy());
    forward.end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: (path) => hits.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A `concur` CLI process started from the repo root under tsx, with its output collected. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  exited: Promise<number | string>;
}

/** Starts `node --import tsx src/cli/bin.ts ...args` from the repo root. */
export function spawnCli(args: readonly string[], wrap: readonly string[] = []): CliProcess {
  const root = new URL("../../", import.meta.url);
  // `wrap`: a command that runs the CLI as its last arguments (e.g. in a namespace of its own).
  const command = [...wrap, process.execPath, "--import", "tsx", "src/cli/bin.ts", ...args];
  const child = spawn(command[0]!, command.slice(1), {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<number | string>((resolve) =>
    child.on("close", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/**
 * The exit code of `cli`, or an assertion failure (showing its stderr) if it is still running
 * `ms` later; the process is killed either way. For generous "it did exit" bounds, not timings.
 */
export async function exitWithin(cli: CliProcess, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"still running">((resolve) => {
    timer = setTimeout(() => resolve("still running"), ms);
  });
  try {
    const code = await Promise.race([cli.exited, late]);
    assert.notEqual(code, "still running", `still running ${ms / 1000} s later; stderr:\n${cli.stderr()}`);
    return code;
  } finally {
    clearTimeout(timer);
    cli.child.kill("SIGKILL");
  }
}

/** Runs the CLI to completion. */
export async function runCli(
  args: readonly string[],
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const cli = spawnCli(args);
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Polls `condition` every 20 ms until it holds. */
export async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}

/**
 * Runs the CLI in this process (`main()`), for cases that fail before any work starts (bad
 * flags): much quicker than spawning. Captures stderr. Must not be used for commands that set
 * `process.exitCode` (that would leak into the test process).
 */
export async function runCliInProcess(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  const { main } = await import("../../src/cli/main.js");
  let stderr = "";
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(["node", "concur", ...args]);
    return { code, stderr };
  } finally {
    process.stderr.write = write;
  }
}
