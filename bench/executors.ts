/**
 * `npm run bench:executors`: the four executors side by side (issue 2, "Performance"): tiny-task
 * throughput (`inc`, via submit and via map) and a CPU-bound batch (the seed's Task 2, 260
 * records) as speedup over SequentialExecutor. Several interleaved rounds; medians (min–max).
 * Measures the built library (dist/); the pools' workers start without this process's tsx.
 * Flags: --rounds N (default 3), --tasks N (default 100000).
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeJson } from "./report/benchmarks-md.js";
import { describeLoad, describeMachine } from "./lib/machine.js";
import { rotate, summarize, type Summary } from "./lib/stats.js";
import { compact, markdownTable, ratio } from "./lib/table.js";
import type { LetterRecord, WorkModule } from "./pools/trial/protocol.js";
import { generateDataset } from "../packages/lab/src/letters/data.js";
import { LETTERS } from "../packages/lab/src/letters/letter.js";
import type { Executor, ExecutorKind } from "../packages/concur/src/index.js";
import { intOption } from "./lib/args.js";
import { refuseTsxFlags } from "./lib/no-tsx-flags.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => intOption(args, name, fallback);
const ROUNDS = option("--rounds", 3);
const TASKS = option("--tasks", 100_000);
const WORKERS = 2;
const KINDS: readonly ExecutorKind[] = ["sequential", "async", "thread", "process"];

if (!existsSync(join(root, "packages/concur/dist/index.js"))) {
  console.error(
    "dist/index.js is missing: run `npm run build` first (the benchmark measures the built library).",
  );
  process.exit(1);
}
refuseTsxFlags("bench/executors.ts");
const concur = (await import(
  new URL("../packages/concur/dist/index.js", import.meta.url).href
)) as typeof import("../packages/concur/src/index.js");
const work = new URL("./workers/work.mjs", import.meta.url);
const dataset = generateDataset();
const records: LetterRecord[] = [...LETTERS].flatMap((letter) =>
  dataset.letter(letter).map(({ id, name, url }) => ({ id, name, url })),
);

const machine = describeMachine();
console.log(
  `bench:executors: ${machine.cpu}, ${machine.parallelism} CPUs, Node ${machine.node}, ${describeLoad(machine)}`,
);
console.log(
  `${ROUNDS} rounds; ${compact(TASKS)} tiny tasks; CPU batch = Task 2 (${records.length} records); pools of ${WORKERS}`,
);

type Metric = "submit" | "map" | "cpuMs";
const samples: Record<string, Record<Metric, number[]>> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const kind of rotate(KINDS, round)) {
    const executor = concur.createExecutor<WorkModule>(kind, work, { workers: WORKERS });
    try {
      const m = await measure(executor);
      const bucket = (samples[kind] ??= { submit: [], map: [], cpuMs: [] });
      bucket.submit.push(m.submit);
      bucket.map.push(m.map);
      bucket.cpuMs.push(m.cpuMs);
      console.log(
        `  round ${round + 1} ${kind}: submit ${compact(m.submit)}/s, map ${compact(m.map)}/s, CPU batch ${compact(m.cpuMs)} ms`,
      );
    } finally {
      await executor.shutdown();
    }
  }
}

const summaries = Object.fromEntries(
  Object.entries(samples).map(([kind, bucket]) => [
    kind,
    { submit: summarize(bucket.submit), map: summarize(bucket.map), cpuMs: summarize(bucket.cpuMs) },
  ]),
) as Record<string, Record<Metric, Summary>>;
const sequentialCpu = summaries.sequential?.cpuMs.median;
const show = (s: Summary | undefined, scale = 1): string =>
  s ? `${compact(s.median * scale)} (${compact(s.min * scale)}–${compact(s.max * scale)})` : "–";
const table = markdownTable(
  ["executor", "submit tasks/s", "map tasks/s", "CPU batch s", "speedup vs sequential"],
  KINDS.map((kind) => {
    const s = summaries[kind];
    return [
      kind,
      show(s?.submit),
      show(s?.map),
      show(s?.cpuMs, 1e-3),
      ratio(sequentialCpu !== undefined && s ? sequentialCpu / s.cpuMs.median : undefined),
    ];
  }),
);
machine.loadEnd = (await import("node:os")).loadavg()[0]!;
console.log(`\n${table}\n\n${describeLoad(machine)}`);

mkdirSync(join(root, "bench/results"), { recursive: true });
const file = join(root, "bench/results/executors.json");
await writeJson(file, {
  schema: "concur-bench-executors/1",
  date: new Date().toISOString(),
  machine,
  rounds: ROUNDS,
  tasks: TASKS,
  workers: WORKERS,
  samples,
  summaries,
});
console.log(`wrote ${file}`);

/** One executor's three numbers: tiny tasks via submit (all at once) and via map, and the CPU batch. */
async function measure(
  executor: Executor<WorkModule>,
): Promise<{ submit: number; map: number; cpuMs: number }> {
  await submitAll(executor, 2_000); // workers started, code warm
  let t0 = performance.now();
  await submitAll(executor, TASKS);
  const submit = (TASKS / (performance.now() - t0)) * 1000;

  t0 = performance.now();
  let sum = 0;
  for await (const value of executor.map("inc", range(TASKS))) sum += value;
  const map = (TASKS / (performance.now() - t0)) * 1000;
  if (sum !== (TASKS * (TASKS + 1)) / 2) throw new Error(`map: wrong sum ${sum}`);

  t0 = performance.now();
  const results = await Promise.all(records.map((record) => executor.submit("processLetter", record)));
  const cpuMs = performance.now() - t0;
  if (results.length !== records.length || results.some((r) => !(r > 0)))
    throw new Error("CPU batch: bad results");
  return { submit, map, cpuMs };
}

async function submitAll(executor: Executor<WorkModule>, count: number): Promise<void> {
  const futures = new Array<PromiseLike<number>>(count);
  for (let i = 0; i < count; i++) futures[i] = executor.submit("inc", i);
  let sum = 0;
  for (const value of await Promise.all(futures)) sum += value;
  if (sum !== (count * (count + 1)) / 2) throw new Error(`submit: wrong sum ${sum}`);
}

function* range(count: number): Generator<number> {
  for (let i = 0; i < count; i++) yield i;
}
