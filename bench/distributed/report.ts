/**
 * Renders a `bench:distributed` result as Markdown: printed at the end of the run and placed in
 * BENCHMARKS.md (bench/report/benchmarks-md.ts) with the hand-written analysis of
 * bench/results/distributed-notes.md after it.
 */
import { describeLoad } from "../lib/machine.js";
import type { Summary } from "../lib/stats.js";
import { compact, markdownTable, percent, ratio } from "../lib/table.js";
import { med, recoveryBoundMs, task2Share, type DistributedResults } from "./results.js";
import type { KeyCensus } from "./scenarios.js";

const range = (s: Summary | undefined, scale = 1): string =>
  s === undefined
    ? "–"
    : s.n > 1
      ? `${compact(s.median * scale)} (${compact(s.min * scale)}–${compact(s.max * scale)})`
      : compact(s.median * scale);

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const SIDE_NAMES: Record<string, string> = {
  concur: "**concur** DistributedExecutor.submit",
  "concur-map": "**concur** DistributedExecutor.map",
  raw: "raw BullMQ (add/addBulk + QueueEvents)",
  "raw-keep": "raw BullMQ, BullMQ's default retention",
};
const sideName = (id: string): string => SIDE_NAMES[id] ?? id;

function latencyTable(r: DistributedResults): string {
  const rows = ["concur", "raw"].map((id) => {
    const values = r.samples.latency?.[id]?.ms ?? [];
    const median = med(r, "latency", id, "ms");
    return [
      sideName(id),
      compact(median),
      `${compact(quantile(values, 0.1))}–${compact(quantile(values, 0.9))}`,
      String(values.length),
      id === "concur" ? ratio((median ?? NaN) / (med(r, "latency", "raw", "ms") ?? NaN)) : "",
    ];
  });
  return markdownTable(["side", "median ms", "p10–p90 ms", "submits", "concur ÷ raw"], rows);
}

function throughputTable(r: DistributedResults): string {
  const raw = med(r, "submit", "raw", "tasksPerSec");
  const rows = (
    [
      ["concur", "submit"],
      ["concur-map", "map"],
      ["raw", "submit"],
    ] as const
  ).map(([id, scenario]) => {
    const subject = id === "concur-map" ? "concur" : id;
    const s = r.summaries[scenario]?.[subject];
    const cpu = (metric: string): number => s?.[metric]?.median ?? NaN;
    const total = cpu("submitterCpuMs") + cpu("workersCpuMs") + cpu("redisCpuMs");
    return [
      sideName(id),
      range(s?.tasksPerSec),
      id === "raw" ? "" : ratio((s?.tasksPerSec?.median ?? NaN) / (raw ?? NaN)),
      compact(cpu("submitterCpuMs") * 1000),
      compact(cpu("workersCpuMs") * 1000),
      compact(cpu("redisCpuMs") * 1000),
      compact(total * 1000),
    ];
  });
  return markdownTable(
    ["path", "tasks/s", "÷ raw submit", "submitter µs", "workers µs", "Redis µs", "total CPU µs"],
    rows,
  );
}

function task2Table(r: DistributedResults): string {
  const rows = ["concur", "concur-map", "raw"].map((id) => {
    const share = task2Share(r, id);
    return [
      sideName(id),
      range(r.summaries.task2?.[id]?.ms, 1 / 1000),
      ratio(share.speedup),
      percent(share.ofLimit),
    ];
  });
  return markdownTable(["side", "wall s", "speedup", "of limit"], rows);
}

function recoveryTable(r: DistributedResults): string {
  const bound = recoveryBoundMs(r.profile);
  const rows = ["concur", "raw"].map((id) => {
    const values = r.samples.recovery?.[id]?.recoveryMs ?? [];
    return [
      sideName(id),
      range(r.summaries.recovery?.[id]?.recoveryMs, 1 / 1000),
      String(values.length),
      values.length === 0 ? "–" : values.every((ms) => ms <= bound) ? "yes" : "**no**",
    ];
  });
  return markdownTable(["side", "kill → result s", "trials", `all within ${compact(bound / 1000)} s`], rows);
}

function describeCensus(census: KeyCensus | undefined): string {
  if (!census) return "–";
  return Object.entries(census)
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .map(([kind, { keys, bytes }]) => `${kind} ${keys > 1 ? `×${keys} ` : ""}${compact(bytes / 1000)} kB`)
    .join(", ");
}

function memoryTable(r: DistributedResults): string {
  const mb = (value: number | undefined): string =>
    value === undefined || !Number.isFinite(value) ? "–" : (value / 1e6).toFixed(3);
  const rows = ["concur", "raw", "raw-keep"].map((id) => {
    const fresh = r.summaries["memory-fresh"]?.[id];
    const steady = r.summaries["memory-steady"]?.[id];
    return [
      sideName(id),
      mb(fresh?.bytesPer10k?.median),
      mb(fresh?.datasetPer10k?.median),
      mb(fresh?.clientsPer10k?.median),
      mb(fresh?.keyBytesPer10k?.median),
      steady ? `${mb(steady.bytesPer10k?.median)} / ${mb(steady.keyBytesPer10k?.median)}` : "–",
      fresh ? `${fresh.keysBefore?.median} → ${fresh.keysAfter?.median}` : "–",
      describeCensus(r.census[id]?.after),
    ];
  });
  return markdownTable(
    [
      "side",
      "used_memory",
      "of it dataset",
      "client buffers",
      "its keys",
      "later rounds: used / keys",
      "keys before → after",
      "what is left under the queue (MEMORY USAGE)",
    ],
    rows,
    ["left", "right", "right", "right", "right", "right", "right", "left"],
  );
}

function targetsTable(r: DistributedResults): string {
  return markdownTable(
    ["target", "measured", "goal", "met"],
    r.targets.map((t) => [t.name, t.measured, t.goal, t.met === undefined ? "–" : t.met ? "yes" : "**no**"]),
    ["left", "left", "left", "left"],
  );
}

/** The section, from its `##` heading down (the notes, when given, follow it). */
export function renderDistributed(r: DistributedResults, notes?: string): string {
  const m = r.machine;
  const p = r.profile;
  const busy = r.summaries.machine?.["before-scenario"]?.busyShare;
  const solo = r.summaries["task2-baseline"]?.sequential?.soloMs;
  const limit = r.summaries["task2-baseline"]?.pair?.limit;
  const parts = [
    `## @concur/distributed against raw BullMQ`,
    `<!-- Generated by \`npm run bench:distributed\` (bench/distributed/main.ts) from bench/results/distributed.json; the analysis after the tables is bench/results/distributed-notes.md. -->`,
    `\`DistributedExecutor\` against raw BullMQ written the way its guide shows (a \`Queue\`, one shared \`QueueEvents\` whose ` +
      `'completed' listener settles the callers, \`add\` for one job and \`addBulk\` for many, a \`Worker\` per process), in one run: ` +
      `the same private redis-server, the same task module (bench/workers/distributed-work.mjs), ${p.workers} worker processes per ` +
      `side taking ${p.concurrency} jobs at once each (\`concur worker --executor async\`, bench/workers/raw-bullmq-worker.mjs), ` +
      `lock ${p.lockDuration / 1000} s and stalled check every ${p.stalledInterval / 1000} s on both. ` +
      `Re-run with \`npm run build && npm run bench:distributed\` (\`-- --quick\` for a smoke run that leaves this file alone). ` +
      `Ratios are concur ÷ raw, measured in the same run.`,
    `### Machine and run\n\n` +
      [
        `- Date: ${r.date}; ${m.cpu}, ${m.parallelism} CPUs, ${m.memoryGiB} GiB RAM; ${m.os}; Node ${m.node}; commit ${m.commit}`,
        `- Redis ${r.versions.redis} (its own process, no persistence, on the same ${m.parallelism} CPUs), BullMQ ${r.versions.bullmq}, ioredis ${r.versions.ioredis}`,
        `- Machine load: ${describeLoad(m)}. Before each scenario the CPUs were ${percent(busy?.median)} busy with other work ` +
          `(median; max ${percent(busy?.max)}); scenarios waited ${(r.quiet.waitedMs / 1000).toFixed(0)} s in all for bursts above ` +
          `${percent(r.quiet.threshold)} to pass. Other sessions shared the machine: wall-clock figures move with them, the CPU ` +
          `columns much less.`,
        `- Profile "${p.name}": ${r.roundsRun} round(s); each round runs every scenario for both sides, interleaved, the order ` +
          `rotated. Whole run: ${(r.elapsedMs / 1000).toFixed(0)} s.` +
          (r.envRemoved.length
            ? ` Worker processes ran without ${r.envRemoved.join(", ")}, as in bench:pools.`
            : ""),
      ].join("\n"),
    `### Method\n\n` +
      [
        `- Round trip: ${p.latencyRuns} sequential submits of the tiny task \`inc\` per side per round (after ${p.latencyWarmup} ` +
          `to warm up), the sides alternating every 25 submits; each submit timed from the call to its result.`,
        `- Throughput: ${compact(p.tinyTasks)} \`inc\` submitted at once (concur: \`submit\` each, which the executor sends in ` +
          `\`addBulk\` calls of 500; raw: one \`addBulk\`), timed to the last result; concur's \`map\` over ${compact(p.mapTasks)} ` +
          `inputs (automatic chunking) against raw BullMQ's submit rate, as it has no map. CPU per task of the submitting process, ` +
          `the side's workers and Redis from /proc over the same interval.`,
        `- Task 2: the seed's \`processLetter\` over ${r.records} records, warm (8 records first); ` +
          `concur both ways (a \`submit\` per record, and \`map\`). Speedup = one in-process sequential run ÷ wall time; ` +
          `"of limit" divides by the machine's parallel limit, measured as bench:pools does (bench/pools/limit.ts: two ` +
          `sequential runs in two processes at once; limit = 2 × one run ÷ their wall time), ${p.limitPairs} time(s) a round.`,
        `- Recovery: one ${p.recoveryTaskMs / 1000} s job; once its marker names the worker process running it, that process ` +
          `gets SIGKILL; timed from the kill to the result, run by the other worker; a new worker replaces the dead one after.`,
        `- Memory: INFO memory's \`used_memory\` before and after ${compact(p.memoryTasks)} tiny tasks through submit ` +
          `(scaled to 10,000), 2 s after the last result, the same clients connected both times; first on a fresh queue (its ` +
          `event stream grows to its cap there), then in later rounds. concur's result list empties as its executor reads it (its ` +
          `TTL matters only for a submitter that died), and its jobs and raw BullMQ's are removed on completion; the third row keeps ` +
          `BullMQ's default retention (every finished job kept) for scale. Keys counted and sized (MEMORY USAGE) by kind under each queue.`,
      ].join("\n"),
    `### Results\n\n` +
      `#### One task's round trip\n\n${latencyTable(r)}\n\n` +
      `#### ${compact(p.tinyTasks)} tiny tasks\n\nTasks/s median (min–max over rounds); CPU per task, medians.\n\n${throughputTable(r)}\n\n` +
      `#### Task 2 (${p.workers} worker processes)\n\nSequential in-process: ${range(solo, 1 / 1000)} s; parallel limit ` +
      `${range(limit)}×. Seconds, median (min–max).\n\n${task2Table(r)}\n\n` +
      `#### Recovery after a SIGKILLed worker\n\n${recoveryTable(r)}\n\n` +
      `#### Redis memory left\n\nMB (10⁶ bytes) per 10,000 finished tasks: growth of INFO memory's figures (medians of 5 reads) ` +
      `and of the queue's keys, on a fresh queue; "later rounds" repeat it on the same queue (medians).\n\n${memoryTable(r)}`,
    `### Targets of issue 11\n\n${targetsTable(r)}`,
  ];
  if (r.failures.length > 0)
    parts.push(
      `### Failed scenarios\n\n` +
        r.failures.map((f) => `- ${f.scenario} / ${f.subject}: ${f.error.split("\n")[0]}`).join("\n"),
    );
  if (notes) parts.push(notes.trim());
  return parts.join("\n\n");
}
