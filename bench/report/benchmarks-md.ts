/**
 * Regenerates BENCHMARKS.md from what is in bench/results/: pools.json (bench:pools), io.json
 * (bench:io), distributed.json (bench:distributed) and the hand-written analyses in
 * pools-notes.md and distributed-notes.md. Each benchmark calls it after writing its own
 * results, so the file always shows the latest run of each.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as prettier from "prettier";
import { renderDistributed } from "../distributed/report.js";
import type { DistributedResults } from "../distributed/results.js";
import { renderIo } from "../io/report.js";
import type { IoResults } from "../io/results.js";
import { renderBenchmarksMd } from "../pools/report.js";
import type { PoolsResults } from "../pools/results.js";

export async function writeBenchmarksMd(root: string): Promise<boolean> {
  const results = join(root, "bench/results");
  const read = <T>(name: string): T | undefined =>
    existsSync(join(results, name))
      ? (JSON.parse(readFileSync(join(results, name), "utf8")) as T)
      : undefined;
  const pools = read<PoolsResults>("pools.json");
  if (!pools) return false; // the pools run is the body of the file; without it there is nothing to show
  const io = read<IoResults>("io.json");
  const text = (name: string): string | undefined =>
    existsSync(join(results, name)) ? readFileSync(join(results, name), "utf8") : undefined;
  const distributed = read<DistributedResults>("distributed.json");
  const markdown = renderBenchmarksMd(pools, {
    notes: text("pools-notes.md"),
    io: io && renderIo(io),
    distributed: distributed && renderDistributed(distributed, text("distributed-notes.md")),
  });
  const file = join(root, "BENCHMARKS.md");
  const config = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(markdown, { ...config, parser: "markdown" }));
  return true;
}

/** Writes `value` as prettier-formatted JSON, so `prettier --check` passes on results files. */
export async function writeJson(file: string, value: unknown): Promise<void> {
  const config = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(JSON.stringify(value), { ...config, parser: "json" }));
}
