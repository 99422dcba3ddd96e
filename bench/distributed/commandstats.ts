/**
 * How many Redis commands one task costs through @concur/distributed, read from a private
 * redis-server's `INFO commandstats` (`node --import tsx bench/distributed/commandstats.ts`):
 * N tasks through `submit`, then N through `map` (auto-chunked), then N/10 submitted one at a time
 * (each result arriving alone), with one local worker; then raw BullMQ both ways. Counts,
 * not times, so a loaded machine gives the same figures. docs/scaling.md is written from them.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, QueueEvents, Worker } from "bullmq";
import { Redis } from "ioredis";
import { DistributedExecutor, runWorker } from "../../packages/distributed/src/index.js";

const N = Number(process.argv[2] ?? 2000);
const tasks = new URL("../../packages/concur/test/fixtures/basic-tasks.ts", import.meta.url);
type Tasks = typeof import("../../packages/concur/test/fixtures/basic-tasks.js");

const port = await new Promise<number>((resolve) => {
  const server = createServer().listen(0, "127.0.0.1", () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});
const dir = mkdtempSync(join(tmpdir(), "concur-cmdstats-"));
const server = spawn(
  "redis-server",
  ["--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir],
  { stdio: ["ignore", "pipe", "ignore"] },
);
// Connect once it listens: a connection attempted earlier is refused (and ioredis says so).
await new Promise<void>((resolve, reject) => {
  let output = "";
  const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
  server.stdout!.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes("Ready to accept connections")) {
      clearTimeout(timer);
      server.stdout!.resume();
      resolve();
    }
  });
  server.once("exit", (code) => reject(new Error(`redis-server exited (${String(code)}):\n${output}`)));
});
const url = `redis://127.0.0.1:${port}`;
const admin = new Redis(url, { maxRetriesPerRequest: 50 });

function parse(info: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const line of info.split("\n")) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match) calls.set(match[1]!, Number(match[2]));
  }
  return calls;
}
/** Runs `run` (`tasks` tasks, N unless told) and prints the commands Redis ran per task. */
async function measure(label: string, run: () => Promise<void>, tasks = N): Promise<void> {
  await admin.config("RESETSTAT");
  await run();
  const calls = parse(await admin.info("commandstats"));
  calls.delete("info");
  calls.delete("config|resetstat");
  const total = [...calls.values()].reduce((a, b) => a + b, 0);
  const top = [...calls.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(`${label}: ${(total / tasks).toFixed(2)} commands per task (${total} for ${tasks})`);
  console.log(`  ${top.map(([name, n]) => `${name} ${(n / tasks).toFixed(2)}`).join(", ")}`);
}

try {
  const worker = await runWorker({ connection: url, module: tasks, executor: "async", concurrency: 50 });
  const ex = new DistributedExecutor<Tasks>(tasks, { connection: url });
  await ex.submit("inc", 0); // connections up, worker ready
  await measure("submit", async () => {
    await Promise.all(Array.from({ length: N }, (_, i) => ex.submit("inc", i)));
  });
  await measure("map", async () => {
    let n = 0;
    for await (const _ of ex.map(
      "inc",
      Array.from({ length: N }, (_, i) => i),
    ))
      n++;
    if (n !== N) throw new Error(`map yielded ${n}`);
  });
  // One at a time, as the round-trip scenario of bench:distributed: every result arrives alone.
  const SEQUENTIAL = Math.max(1, Math.floor(N / 10));
  await measure(
    "submit, one at a time",
    async () => {
      for (let i = 0; i < SEQUENTIAL; i++) await ex.submit("inc", i);
    },
    SEQUENTIAL,
  );
  await ex.shutdown();
  await worker.close();
  // Raw BullMQ as its docs show it: Queue + Worker + one shared QueueEvents, results awaited with
  // waitUntilFinished (the path concur does not use, for the losses the issue measured).
  const connection = { host: "127.0.0.1", port };
  const queue = new Queue("raw", { connection });
  const events = new QueueEvents("raw", { connection });
  const rawWorker = new Worker("raw", async (job) => (job.data as number) + 1, {
    connection,
    concurrency: 50,
  });
  await events.waitUntilReady();
  await measure("raw BullMQ add + waitUntilFinished", async () => {
    const jobs = await queue.addBulk(Array.from({ length: N }, (_, i) => ({ name: "inc", data: i })));
    await Promise.all(jobs.map((job) => job.waitUntilFinished(events)));
  });
  await measure(
    "raw BullMQ add + waitUntilFinished, one at a time",
    async () => {
      for (let i = 0; i < SEQUENTIAL; i++) await (await queue.add("inc", i)).waitUntilFinished(events);
    },
    SEQUENTIAL,
  );
  await rawWorker.close();
  await events.close();
  await queue.close();
} finally {
  admin.disconnect();
  server.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}
