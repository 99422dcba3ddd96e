/**
 * `npm run bench:distributed`: @concur/distributed against raw BullMQ (issue 11), side by side in
 * one run on one private Redis, 2 worker processes each of the same concurrency, the two sides
 * interleaved and their order rotated each round. Measures one task's round trip, 10,000 tiny
 * tasks through submit (and concur's map), the seed's Task 2 against the machine's parallel limit
 * (bench:pools' method), recovery after a SIGKILLed worker, and the Redis memory 10,000 finished
 * tasks leave. Prints ratios (concur ÷ raw), writes bench/results/distributed.json and the
 * distributed section of BENCHMARKS.md. Measures the built packages (dist/).
 * Flags: --quick (a smoke run that leaves BENCHMARKS.md alone), --rounds N.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { describeLoad, describeMachine } from "../lib/machine.js";
import { refuseTsxFlags } from "../lib/no-tsx-flags.js";
import { quietGate } from "../lib/quiet.js";
import { rotate } from "../lib/stats.js";
import { transpileFolder } from "../lib/transpile.js";
import { limitPair } from "../pools/limit.js";
import { SampleStore, type Failure } from "../pools/results.js";
import { task2Records, trialPaths } from "../pools/setup.js";
import { REMOVED_ENV, removedEnvHere, spawnTrial } from "../pools/spawn.js";
import { writeBenchmarksMd, writeJson } from "../report/benchmarks-md.js";
import { profileFromArgs } from "./plan.js";
import { startConcurWorker, startRawWorker, startRedis, type Child, type WorkerSetup } from "./processes.js";
import { renderDistributed } from "./report.js";
import { evaluateTargets, type DistributedResults } from "./results.js";
import {
  latency,
  mapThroughput,
  memory,
  recovery,
  submitThroughput,
  task2,
  type KeyCensus,
} from "./scenarios.js";
import { concurSide, rawSide, type ConcurSide, type RawSide, type Side } from "./sides.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const profile = profileFromArgs(process.argv.slice(2));
for (const built of ["packages/distributed/dist/index.js", "packages/lab/dist/cli/bin.js"]) {
  if (!existsSync(join(root, built))) {
    console.error(
      `${built} is missing: run \`npm run build\` first (the benchmark measures the built packages).`,
    );
    process.exit(1);
  }
}
refuseTsxFlags("bench/distributed/main.ts");
// As in bench:pools (bench/pools/spawn.ts): the worker and trial processes start without these.
const envRemoved = removedEnvHere();
for (const name of REMOVED_ENV) delete process.env[name];

const distributed = (await import(
  new URL("../../packages/distributed/dist/index.js", import.meta.url).href
)) as typeof import("../../packages/distributed/src/index.js");
const workModule = new URL("../workers/distributed-work.mjs", import.meta.url);
const work = (await import(workModule.href)) as {
  processLetter(record: { name: string; url: string }): number;
};

const machine = describeMachine();
const started = performance.now();
const store = new SampleStore();
const failures: Failure[] = [];
const census: Record<string, { before: KeyCensus; after: KeyCensus }> = {};
const QUIET_THRESHOLD = 0.3;
const gate = quietGate({ threshold: QUIET_THRESHOLD, perTrialMs: 5_000, perRunMs: 60_000 });
const records = task2Records();
const expected = records.map((record) => work.processLetter(record));
using trialDir = transpileFolder(join(root, "bench/pools/trial"));
const recordsFile = join(trialDir.dir, "records.json");
writeFileSync(recordsFile, JSON.stringify(records));
const markers = mkdtempSync(join(os.tmpdir(), "concur-bench-markers-"));

console.log(
  `bench:distributed, profile "${profile.name}": ${machine.cpu}, ${machine.parallelism} CPUs, Node ${machine.node}, ${describeLoad(machine)}`,
);
if (machine.loadStart > machine.parallelism)
  console.log("warning: the machine is busy; expect noisy numbers");

const redis = await startRedis();
const admin = new Redis(redis.url, { maxRetriesPerRequest: 3 });
const setup = (queue: string): WorkerSetup => ({
  redis: redis.url,
  prefix: "bench",
  queue,
  module: fileURLToPath(workModule),
  profile,
  env: process.env,
});
const workers: Record<Side["name"], Child[]> = { concur: [], raw: [] };
const startWorker = (name: Side["name"]): Promise<Child> =>
  name === "concur" ? startConcurWorker(setup("concur")) : startRawWorker(setup("raw"), ["raw", "raw-keep"]);
const sides: Array<ConcurSide | RawSide> = [];
let roundsRun = 0;
try {
  for (const name of ["concur", "raw"] as const)
    workers[name] = await Promise.all(Array.from({ length: profile.workers }, () => startWorker(name)));
  const concur = await concurSide(distributed, {
    redis: redis.url,
    prefix: "bench",
    queue: "concur",
    module: workModule,
  });
  const raw = await rawSide({
    redis: redis.url,
    prefix: "bench",
    queue: "raw",
    // What concur's jobs do (removeOnComplete/removeOnFail), so both leave the same per job.
    jobOptions: { removeOnComplete: true, removeOnFail: true },
  });
  sides.push(concur, raw);
  const pids = (side: Side): { workers: number[]; redis: number } => ({
    workers: workers[side.name].map((w) => w.pid),
    redis: redis.pid,
  });

  for (let round = 0; round < profile.rounds; round++) {
    console.log(`round ${round + 1}/${profile.rounds}`);
    const order = rotate([concur, raw] as Side[], round);
    // First of all, on fresh queues: what finished tasks leave, including the queue's own growth.
    for (const side of order) {
      const scenario = round === 0 ? "memory-fresh" : "memory-steady";
      const out = await measure(scenario, side.name, () => memory(side, admin, profile.memoryTasks, 2_000));
      if (out) {
        record(scenario, side.name, out.metrics);
        if (round === 0) census[side.name] = { before: out.before, after: out.after };
      }
    }
    if (round === 0) {
      // BullMQ's default retention (every finished job kept): for scale, measured once.
      const keep = await rawSide({ redis: redis.url, prefix: "bench", queue: "raw-keep", jobOptions: {} });
      sides.push(keep);
      const out = await measure("memory-fresh", "raw-keep", () =>
        memory(keep, admin, profile.memoryTasks, 2_000),
      );
      if (out) {
        record("memory-fresh", "raw-keep", out.metrics);
        census["raw-keep"] = { before: out.before, after: out.after };
      }
    }
    const rt = await measure("latency", "both", () =>
      latency(order, profile.latencyRuns, profile.latencyWarmup),
    );
    if (rt) for (const [side, times] of rt) for (const ms of times) store.add("latency", side.name, "ms", ms);
    for (const side of order) {
      const out = await measure("submit", side.name, () =>
        submitThroughput(side, profile.tinyTasks, pids(side)),
      );
      if (out) record("submit", side.name, out);
    }
    const mapped = await measure("map", "concur", () =>
      mapThroughput(concur, profile.mapTasks, pids(concur)),
    );
    if (mapped) record("map", "concur", mapped);
    for (let i = 0; i < profile.limitPairs; i++) {
      const pair = await limitPair(async (subject, request) => {
        const out = await spawnTrial(join(trialDir.dir, "runner.js"), request, trialPaths(), {
          timeoutMs: 90_000,
        });
        if (out.result.ok) return out.result.metrics;
        failures.push({ scenario: "task2-baseline", subject, error: out.result.error });
        return undefined;
      }, recordsFile);
      if (pair) record("task2-baseline", "sequential", { soloMs: pair.soloMs });
      if (pair?.pair) record("task2-baseline", "pair", pair.pair);
    }
    for (const side of order) {
      const ms = await measure("task2", side.name, () => task2(side, records, expected, "submit"));
      if (ms !== undefined) record("task2", side.name, { ms });
    }
    const viaMap = await measure("task2", "concur-map", () => task2(concur, records, expected, "map"));
    if (viaMap !== undefined) record("task2", "concur-map", { ms: viaMap });
    for (const side of order) {
      const marker = join(markers, `${side.name}-${round}`);
      writeFileSync(marker, "");
      const out = await measure("recovery", side.name, () =>
        recovery(side, workers[side.name], profile.recoveryTaskMs, marker),
      );
      if (!out) continue;
      record("recovery", side.name, out.metrics);
      // Back to two workers for what follows.
      workers[side.name] = [
        ...workers[side.name].filter((w) => w !== out.killed),
        await startWorker(side.name),
      ];
    }
    roundsRun++;
  }
} finally {
  for (const side of sides) await side.close().catch(() => undefined);
  for (const list of Object.values(workers)) await Promise.all(list.map((w) => w.stop("SIGTERM")));
  admin.disconnect();
  await redis.stop("SIGKILL");
  rmSync(markers, { recursive: true, force: true });
}

machine.loadEnd = os.loadavg()[0]!;
const version = (name: string): string =>
  (JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")) as { version: string })
    .version;
const results: DistributedResults = {
  schema: "concur-bench-distributed/1",
  date: new Date().toISOString(),
  machine,
  profile,
  versions: { redis: redis.version, bullmq: version("bullmq"), ioredis: version("ioredis") },
  records: records.length,
  elapsedMs: performance.now() - started,
  roundsRun,
  quiet: { threshold: QUIET_THRESHOLD, waitedMs: gate.waitedMs },
  envRemoved,
  samples: store.samples,
  summaries: store.summaries(),
  census,
  targets: [],
  failures,
};
results.targets = evaluateTargets(results);
const jsonFile = join(
  root,
  "bench/results",
  profile.name === "quick" ? "distributed-quick.tmp.json" : "distributed.json",
);
await writeJson(jsonFile, results);
if (profile.name !== "quick") await writeBenchmarksMd(root);
console.log(`\n${renderDistributed(results)}\n`);
console.log(
  `wrote ${jsonFile}${profile.name !== "quick" ? " and BENCHMARKS.md" : ""} in ${(results.elapsedMs / 1000).toFixed(0)} s`,
);

// ---- helpers -------------------------------------------------------------------------------

function record(scenario: string, subject: string, metrics: Record<string, number>): void {
  for (const [metric, value] of Object.entries(metrics)) store.add(scenario, subject, metric, value);
}

/** Runs one scenario after the quiet gate, within the profile's deadline; a failure is recorded, not thrown. */
async function measure<T>(scenario: string, subject: string, run: () => Promise<T>): Promise<T | undefined> {
  const busy = await gate.wait();
  if (busy !== undefined) store.add("machine", "before-scenario", "busyShare", busy);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`did not finish within ${profile.scenarioTimeoutMs / 1000} s`)),
      profile.scenarioTimeoutMs,
    );
  });
  try {
    const value = await Promise.race([run(), deadline]);
    console.log(`  ${scenario} ${subject}: ${describe(value)}`);
    return value;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    failures.push({ scenario, subject, error: message });
    console.log(`  ${scenario} ${subject}: FAILED ${message}`);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

function describe(value: unknown): string {
  if (typeof value === "number") return `${value.toFixed(1)} ms`;
  if (value instanceof Map) return "done";
  const metrics =
    (value as { metrics?: Record<string, number> }).metrics ?? (value as Record<string, number>);
  return Object.entries(metrics)
    .filter(([, v]) => typeof v === "number")
    .map(([k, v]) => `${k} ${(v as number).toFixed((v as number) < 10 ? 3 : 0)}`)
    .join(", ");
}
