/**
 * `npm run bench:pools`: concur's pools against piscina, tinypool, workerpool and poolifier
 * (issue 5). Interleaved rounds of trials, each trial a fresh process (bench/pools/trial/);
 * medians and min–max as ratios concur ÷ peer; results to bench/results/pools.json and
 * BENCHMARKS.md. Flags: --quick, --full, --rounds N.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, readdirSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeLoad, describeMachine } from "./lib/machine.js";
import { quietGate } from "./lib/quiet.js";
import { rotate } from "./lib/stats.js";
import { transpileFolder } from "./lib/transpile.js";
import { limitPair } from "./pools/limit.js";
import { profileFromArgs, type Profile } from "./pools/plan.js";
import { renderTables } from "./pools/report.js";
import { writeBenchmarksMd, writeJson } from "./report/benchmarks-md.js";
import { evaluateTargets, SampleStore, type Failure, type PoolsResults } from "./pools/results.js";
import { task2Records, trialPaths } from "./pools/setup.js";
import { removedEnvHere, spawnTrial, type TrialOutcome } from "./pools/spawn.js";
import {
  CONTENDERS,
  isConcur,
  type ContenderId,
  type Paths,
  type TrialRequest,
} from "./pools/trial/protocol.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const MiB = 2 ** 20;
/** Solo-and-pair measurements of the parallel limit per round (see task2Baseline). */
const LIMIT_PAIRS = 3;

const profile = profileFromArgs(process.argv.slice(2));
const distIndex = join(root, "packages/concur/dist/index.js");
if (!existsSync(distIndex)) {
  console.error(
    "dist/index.js is missing: run `npm run build` first (the benchmark measures the built library).",
  );
  process.exit(1);
}
warnIfStale(distIndex);

const machine = describeMachine();
const started = performance.now();
const store = new SampleStore();
// Other work on a shared machine skews every number: dodge its bursts (boundedly) and record it.
const QUIET_THRESHOLD = 0.3;
const gate = quietGate({ threshold: QUIET_THRESHOLD, perTrialMs: 5_000, perRunMs: profile.quietWaitMs });
const failures: Failure[] = [];
using trialDir = transpileFolder(join(root, "bench/pools/trial"));
const runner = join(trialDir.dir, "runner.js");
const recordsFile = join(trialDir.dir, "records.json");
const records = task2Records();
writeFileSync(recordsFile, JSON.stringify(records));
const paths: Paths = trialPaths();

console.log(
  `bench:pools, profile "${profile.name}": ${machine.cpu}, ${machine.parallelism} CPUs, Node ${machine.node}, ${describeLoad(machine)}`,
);
if (machine.loadStart > machine.parallelism)
  console.log("warning: the machine is busy; expect noisy numbers");

const calibration = await trial("calibrate", "spin", { scenario: "calibrate", targetMs: profile.cpuTaskMs });
const spinN = calibration?.metrics.spinN ?? 1;

let roundsRun = 0;
for (let round = 0; round < profile.rounds; round++) {
  if (round > 0 && performance.now() - started > profile.budgetMs) {
    console.log(`time budget of ${profile.budgetMs / 1000} s spent: stopping after ${round} round(s)`);
    break;
  }
  console.log(`round ${round + 1}/${profile.rounds}`);
  await runRound(round, profile);
  roundsRun++;
}

machine.loadEnd = os.loadavg()[0]!;
const results: PoolsResults = {
  schema: "concur-bench-pools/1",
  date: new Date().toISOString(),
  machine,
  profile,
  workload: {
    records: records.length,
    recordsSource: "src/letters/data.ts generateDataset() (seed 1, 10 per letter)",
    spinN,
    cpuTaskMs: store.summaries()["cpu-baseline"]?.sequential?.msPerTask?.median ?? NaN,
  },
  libraries: libraryVersions(),
  elapsedMs: performance.now() - started,
  roundsRun,
  quiet: { threshold: QUIET_THRESHOLD, waitedMs: gate.waitedMs },
  envRemoved: removedEnvHere(),
  samples: store.samples,
  summaries: store.summaries(),
  targets: [],
  failures,
};
results.targets = evaluateTargets(results);

mkdirSync(join(root, "bench/results"), { recursive: true });
// A quick smoke run goes to its own file and leaves BENCHMARKS.md alone.
const jsonFile = join(
  root,
  "bench/results",
  profile.name === "quick" ? "pools-quick.tmp.json" : "pools.json",
);
await writeJson(jsonFile, results);
if (profile.name !== "quick") await writeBenchmarksMd(root);
console.log(`\n${renderTables(results)}\n`);
console.log(
  `wrote ${jsonFile}${profile.name !== "quick" ? " and BENCHMARKS.md" : ""} in ${(results.elapsedMs / 1000).toFixed(0)} s`,
);

// ---- rounds --------------------------------------------------------------------------------

async function runRound(round: number, p: Profile): Promise<void> {
  const order = rotate(CONTENDERS, round);
  for (let i = 0; i < p.startupPerRound; i++) {
    for (const id of order) {
      const out = await trial("startup", id, { scenario: "startup", contender: id, workers: p.workers });
      if (out) record("startup", id, out.metrics);
    }
  }
  // What no pool can go below here: bare workers (start-up) and the harness's own promises (memory).
  for (const kind of ["thread", "process"] as const) {
    const request: TrialRequest = { scenario: "floor", kind, workers: p.workers, tasks: p.tinyAllTasks };
    const out = await trial("floor", kind, request, true);
    if (out)
      record("floor", kind, { startupMs: out.metrics.startupMs, peakRssMiB: (out.peakRss ?? NaN) / MiB });
  }
  for (const id of order) {
    const out = await trial("tinyBounded", id, {
      scenario: "tiny",
      contender: id,
      workers: p.workers,
      tasks: p.tinyBoundedTasks,
      window: p.window,
    });
    if (out) record("tinyBounded", id, { tasksPerSec: out.metrics.tasksPerSec! });
  }
  if (round < p.tinyAllRounds) {
    for (const id of order) {
      const request: TrialRequest = {
        scenario: "tiny",
        contender: id,
        workers: p.workers,
        tasks: p.tinyAllTasks,
        window: "all",
      };
      const out = await trial("tinyAll", id, request, true);
      if (out)
        record("tinyAll", id, {
          tasksPerSec: out.metrics.tasksPerSec!,
          peakRssMiB: (out.peakRss ?? NaN) / MiB,
        });
    }
  }
  const mapOut = await trial("map", "sequential", { scenario: "sequentialTiny", tasks: p.mapTasks });
  if (mapOut) record("map", "sequential", { tasksPerSec: mapOut.metrics.tasksPerSec! });
  for (const id of order.filter(isConcur)) {
    const out = await trial("map", id, {
      scenario: "mapTiny",
      contender: id,
      workers: p.workers,
      tasks: p.mapTasks,
    });
    if (out) record("map", id, { tasksPerSec: out.metrics.tasksPerSec! });
  }
  await task2Baseline();
  for (const id of order) {
    for (const workers of [p.workers, "default"] as const) {
      if (workers === "default" && defaultIsFixed(id, p.workers)) continue;
      const out = await trial(
        `task2/${workers}`,
        id,
        { scenario: "task2", contender: id, workers, recordsFile },
        true,
      );
      if (out) record(`task2/${workers}`, id, { ...out.metrics, peakRssMiB: (out.peakRss ?? NaN) / MiB });
    }
  }
  // The CPU task's in-process cost, timed again each round: the load on the machine drifts.
  const baseline = await trial("cpu-baseline", "sequential", {
    scenario: "calibrate",
    targetMs: p.cpuTaskMs,
    spinN,
  });
  if (baseline) record("cpu-baseline", "sequential", { msPerTask: baseline.metrics.msPerTask! });
  for (const id of order) {
    const out = await trial("cpu", id, {
      scenario: "cpu",
      contender: id,
      workers: p.workers,
      tasks: p.cpuTasks,
      spinN,
    });
    if (out) record("cpu", id, out.metrics);
  }
}

/**
 * The machine's parallel limit, LIMIT_PAIRS times a round: each time one sequential Task 2 run
 * alone, then two at once in two processes. One pair per round proved too few on a shared
 * machine (one disturbed pair moved the median limit from 1.9 to 1.6).
 */
async function task2Baseline(): Promise<void> {
  for (let i = 0; i < LIMIT_PAIRS; i++) await task2Pair();
}

async function task2Pair(): Promise<void> {
  const measured = await limitPair(
    async (subject, request) => (await trial("task2-baseline", subject, request))?.metrics,
    recordsFile,
  );
  if (!measured) return;
  record("task2-baseline", "sequential", { soloMs: measured.soloMs });
  if (!measured.pair) return;
  const skew = measured.pair.startSkewMs;
  if (skew > 50) console.log(`  note: the pair started ${skew.toFixed(0)} ms apart`);
  record("task2-baseline", "pair", measured.pair);
}

/** concur and poolifier given no size use availableParallelism(): the same pool as fixed at `workers`. */
function defaultIsFixed(id: ContenderId, workers: number): boolean {
  return (isConcur(id) || id.startsWith("poolifier")) && os.availableParallelism() === workers;
}

function record(scenario: string, subject: string, metrics: Record<string, number | undefined>): void {
  for (const [metric, value] of Object.entries(metrics))
    if (value !== undefined) store.add(scenario, subject, metric, value);
}

async function trial(
  scenario: string,
  subject: string,
  request: TrialRequest,
  sampleRss = false,
): Promise<{ metrics: Record<string, number>; peakRss: number | undefined } | undefined> {
  const busy = await gate.wait();
  if (busy !== undefined) store.add("machine", "before-trial", "busyShare", busy);
  const outcome: TrialOutcome = await spawnTrial(runner, request, paths, {
    sampleRss,
    timeoutMs: profile.trialTimeoutMs,
  });
  if (!outcome.result.ok) {
    failures.push({ scenario, subject, error: outcome.result.error });
    console.log(`  ${scenario} ${subject}: FAILED ${outcome.result.error.split("\n")[0]}`);
    return undefined;
  }
  const shown = Object.entries(outcome.result.metrics)
    .filter(([key]) => key !== "start" && key !== "end")
    .map(([key, value]) => `${key} ${value.toFixed(value < 10 ? 2 : 0)}`);
  if (outcome.peakRss !== undefined) shown.push(`peak RSS ${(outcome.peakRss / MiB).toFixed(0)} MiB`);
  console.log(`  ${scenario} ${subject}: ${shown.join(", ")}`);
  return { metrics: outcome.result.metrics, peakRss: outcome.peakRss };
}

// ---- inputs and context --------------------------------------------------------------------

function libraryVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of ["piscina", "tinypool", "workerpool", "poolifier"]) {
    const manifest = join(root, "node_modules", name, "package.json");
    versions[name] = (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  }
  return versions;
}

/** The benchmark measures dist/: say so when src/ has changed since the last build. */
function warnIfStale(dist: string): void {
  const built = statSync(dist).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((entry) =>
      entry.isDirectory() ? newer(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs > built,
    );
  if (newer(join(root, "packages/concur/src")))
    console.log(
      "warning: src/ changed after the last build; run `npm run build` to measure the current code",
    );
}
