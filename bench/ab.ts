/**
 * `node --import tsx bench/ab.ts <scenario> <contender[@dist]>... [--rounds N] [--workers N]`: a quick A/B of
 * one bench:pools scenario, for working on a change rather than for the record. Runs the given
 * contenders interleaved, each trial a fresh process as in bench:pools, and prints each metric's
 * median and min–max plus the peak RSS of the process tree.
 *
 * A contender is a ContenderId (concur-thread, piscina, …) or `concur-thread@/path/to/dist`, which
 * runs another build of concur (a copy of dist/ from before a change, say) side by side.
 * Scenarios: startup, tiny-all, tiny-bounded, map, task2, cpu (2,000 × spin(35,000), about 1 ms
 * each on the 2-core machine). `floor-thread` and `floor-process`
 * (bare workers, no library: the start-up and memory floor) can stand in any scenario's list.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { intOption } from "./lib/args.js";
import { transpileFolder } from "./lib/transpile.js";
import { task2Records, trialPaths } from "./pools/setup.js";
import { spawnTrial } from "./pools/spawn.js";
import { CONTENDERS, type ContenderId, type TrialRequest } from "./pools/trial/protocol.js";
import { writeFileSync } from "node:fs";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const rounds = intOption(args, "--rounds", 5);
const workers = intOption(args, "--workers", 2);
const positional = args.filter((arg, i) => !arg.startsWith("--") && !args[i - 1]?.startsWith("--"));
const [scenario, ...contenderArgs] = positional;
if (!scenario || contenderArgs.length === 0) {
  console.error("usage: bench/ab.ts <scenario> <contender[@dist]>... [--rounds N] [--workers N]");
  process.exit(2);
}

using trialDir = transpileFolder(join(root, "bench/pools/trial"));
const runner = join(trialDir.dir, "runner.js");
const recordsFile = join(trialDir.dir, "records.json");
writeFileSync(recordsFile, JSON.stringify(task2Records()));

function request(contender: ContenderId | "floor-thread" | "floor-process"): TrialRequest {
  if (contender === "floor-thread" || contender === "floor-process")
    return {
      scenario: "floor",
      kind: contender === "floor-thread" ? "thread" : "process",
      workers,
      tasks: 100_000,
    };
  switch (scenario) {
    case "startup":
      return { scenario: "startup", contender, workers };
    case "tiny-all":
      return { scenario: "tiny", contender, workers, tasks: 100_000, window: "all" };
    case "tiny-bounded":
      return { scenario: "tiny", contender, workers, tasks: 20_000, window: 128 };
    case "map":
      return { scenario: "mapTiny", contender, workers, tasks: 100_000 };
    case "task2":
      return { scenario: "task2", contender, workers, recordsFile };
    case "cpu":
      return { scenario: "cpu", contender, workers, tasks: 2_000, spinN: 35_000 };
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
}

const samples = new Map<string, Map<string, number[]>>();
for (let round = 0; round < rounds; round++) {
  for (const label of contenderArgs) {
    const [id, dist] = label.split("@") as [
      ContenderId | "floor-thread" | "floor-process",
      string | undefined,
    ];
    if (!CONTENDERS.includes(id as ContenderId) && !id.startsWith("floor-"))
      throw new Error(`unknown contender ${id}`);
    const paths = trialPaths(dist);
    const { result, peakRss } = await spawnTrial(runner, request(id), paths, {
      sampleRss: true,
      timeoutMs: 120_000,
    });
    if (!result.ok) {
      console.error(`${label}: ${result.error}`);
      continue;
    }
    const metrics = { ...result.metrics, ...(peakRss !== undefined && { peakRssMiB: peakRss / 2 ** 20 }) };
    const byMetric = samples.get(label) ?? new Map<string, number[]>();
    samples.set(label, byMetric);
    for (const [metric, value] of Object.entries(metrics)) {
      byMetric.set(metric, [...(byMetric.get(metric) ?? []), value]);
    }
  }
}

const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));
for (const [label, byMetric] of samples) {
  const parts = [...byMetric].map(([metric, values]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    return `${metric} ${fmt(median)} (${fmt(sorted[0]!)}–${fmt(sorted.at(-1)!)})`;
  });
  console.log(`${label.padEnd(28)} ${parts.join("  ")}`);
}
