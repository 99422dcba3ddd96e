/**
 * `npm run bench:io`: the seed's Task 1 (26 letters, `downloadAndWrite`) against concur/letters'
 * endpoint at a fixed latency: SequentialExecutor, AsyncExecutor, and the thread and process
 * pools at 1, 2 and 4 workers, warm and cold, several interleaved rounds. Prints wall times and
 * ratios to the ideal (rounds of requests × latency), checks issue 5's targets, writes
 * bench/results/io.json and regenerates BENCHMARKS.md. Measures the built library (dist/).
 * Flags: --rounds N (default 3), --latency MS (default 100).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderIo } from "./io/report.js";
import type { IoConfig, IoResults, IoRow } from "./io/results.js";
import { describeLoad, describeMachine } from "./lib/machine.js";
import { rotate, summarize } from "./lib/stats.js";
import { writeBenchmarksMd, writeJson } from "./report/benchmarks-md.js";
import type { Executor } from "../packages/concur/src/index.js";
import type { LettersTasks } from "../packages/lab/src/letters/index.js";
import { intOption } from "./lib/args.js";
import { refuseTsxFlags } from "./lib/no-tsx-flags.js";
import { REMOVED_ENV, removedEnvHere } from "./pools/spawn.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => intOption(args, name, fallback);
const ROUNDS = option("--rounds", 3);
const LATENCY_MS = option("--latency", 100);

if (!existsSync(join(root, "packages/lab/dist/letters/index.js"))) {
  console.error(
    "dist/letters/index.js is missing: run `npm run build` first (the benchmark measures the built library).",
  );
  process.exit(1);
}
refuseTsxFlags("bench/io.ts");
// As in bench:pools (bench/pools/spawn.ts): child processes start without these variables.
const envRemoved = removedEnvHere();
for (const name of REMOVED_ENV) delete process.env[name];
const concur = (await import(
  new URL("../packages/concur/dist/index.js", import.meta.url).href
)) as typeof import("../packages/concur/src/index.js");
const letters = (await import(
  new URL("../packages/lab/dist/letters/index.js", import.meta.url).href
)) as typeof import("../packages/lab/src/letters/index.js");

const LETTERS = [...letters.LETTERS];
const configs: IoConfig[] = [
  { kind: "sequential", workers: 1, rounds: LETTERS.length },
  { kind: "async", workers: 1000, rounds: 1 },
  ...[1, 2, 4].flatMap((workers) =>
    (["thread", "process"] as const).map((kind) => ({
      kind,
      workers,
      rounds: Math.ceil(LETTERS.length / workers),
    })),
  ),
];

const machine = describeMachine();
console.log(
  `bench:io: ${machine.cpu}, ${machine.parallelism} CPUs, Node ${machine.node}, ${describeLoad(machine)}`,
);
const started = performance.now();
await using endpoint = await letters.startEndpoint({ latency: `${LATENCY_MS}ms` });
const outDir = mkdtempSync(join(os.tmpdir(), "concur-bench-io-"));
const samples = new Map<IoConfig, { warm: number[]; cold: number[] }>(
  configs.map((c) => [c, { warm: [], cold: [] }]),
);
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const config of rotate(configs, round)) {
      const cold = await coldRun(config);
      const warm = await warmRun(config);
      samples.get(config)!.cold.push(cold);
      samples.get(config)!.warm.push(warm);
      console.log(
        `  round ${round + 1} ${config.kind} ×${config.workers}: warm ${warm.toFixed(0)} ms, cold ${cold.toFixed(0)} ms`,
      );
    }
  }
} finally {
  rmSync(outDir, { recursive: true, force: true });
}

machine.loadEnd = os.loadavg()[0]!;
const rows: IoRow[] = configs.map((config) => {
  const idealMs = config.rounds * LATENCY_MS;
  const goalMs =
    config.kind === "async" ? 1.3 * LATENCY_MS : config.kind === "sequential" ? undefined : 1.1 * idealMs;
  const { warm, cold } = samples.get(config)!;
  return { ...config, warmMs: summarize(warm), coldMs: summarize(cold), idealMs, goalMs };
});
const results: IoResults = {
  schema: "concur-bench-io/1",
  date: new Date().toISOString(),
  machine,
  letters: LETTERS.length,
  latencyMs: LATENCY_MS,
  rounds: ROUNDS,
  envRemoved,
  elapsedMs: performance.now() - started,
  rows,
};
mkdirSync(join(root, "bench/results"), { recursive: true });
await writeJson(join(root, "bench/results/io.json"), results);
const regenerated = await writeBenchmarksMd(root);
console.log(`\n${renderIo(results)}\n`);
console.log(
  `wrote bench/results/io.json${regenerated ? " and BENCHMARKS.md" : " (BENCHMARKS.md needs a bench:pools run first)"}`,
);

function create(config: IoConfig): Executor<LettersTasks> {
  return concur.createExecutor<LettersTasks>(
    config.kind,
    letters.lettersTasksUrl,
    config.kind === "sequential" ? {} : { workers: config.workers },
  );
}

/** All 26 letters at once; checks that every file arrived. */
async function downloadAll(executor: Executor<LettersTasks>, dir: string): Promise<void> {
  const options = { endpoint: endpoint.searchTemplate, outDir: dir };
  const files = await Promise.all(
    LETTERS.map((letter) => executor.submit("downloadAndWrite", letter, options)),
  );
  if (
    files.length !== LETTERS.length ||
    readdirSync(dir).filter((f) => f.endsWith(".txt")).length !== LETTERS.length
  ) {
    throw new Error(`expected ${LETTERS.length} files in ${dir}`);
  }
}

async function coldRun(config: IoConfig): Promise<number> {
  const dir = mkdtempSync(join(outDir, "cold-"));
  const t0 = performance.now();
  const executor = create(config);
  try {
    await downloadAll(executor, dir);
  } finally {
    await executor.shutdown();
  }
  return performance.now() - t0;
}

/** Workers started and each holding an open connection (one download each) before the clock starts. */
async function warmRun(config: IoConfig): Promise<number> {
  const executor = create(config);
  try {
    const warmDir = mkdtempSync(join(outDir, "warm-up-"));
    const options = { endpoint: endpoint.searchTemplate, outDir: warmDir };
    const warmUps = config.kind === "async" ? 26 : config.kind === "sequential" ? 1 : config.workers;
    await Promise.all(
      LETTERS.slice(0, warmUps).map((letter) => executor.submit("downloadAndWrite", letter, options)),
    );
    const dir = mkdtempSync(join(outDir, "warm-"));
    const t0 = performance.now();
    await downloadAll(executor, dir);
    return performance.now() - t0;
  } finally {
    await executor.shutdown();
  }
}
