/**
 * Renders a `bench:pools` result as Markdown: the tables printed at the end of a run and the body
 * of BENCHMARKS.md. Pure: results in, text out.
 */
import { describeLoad } from "../lib/machine.js";
import type { Summary } from "../lib/stats.js";
import { compact, markdownTable, percent, ratio } from "../lib/table.js";
import { PROFILES } from "./plan.js";
import { REMOVED_ENV } from "./spawn.js";
import { CONCUR, med, task2Speedup, type PoolsResults } from "./results.js";
import { CONTENDERS, isConcur, kindOf, type ContenderId } from "./trial/protocol.js";

const LABELS: Record<ContenderId, string> = {
  "concur-thread": "**concur ThreadPoolExecutor**",
  piscina: "piscina",
  tinypool: "tinypool",
  "workerpool-thread": "workerpool (thread)",
  "poolifier-thread": "poolifier FixedThreadPool",
  "concur-process": "**concur ProcessPoolExecutor**",
  "tinypool-process": "tinypool (child_process)",
  "workerpool-process": "workerpool (process)",
  "poolifier-cluster": "poolifier FixedClusterPool",
};

/** The no-library rows (bench/workers/floor-worker.cjs), by kind. */
const FLOORS = [
  ["thread", "*floor: bare worker threads, no library*"],
  ["process", "*floor: bare child processes, no library*"],
] as const;
const FLOOR_NOTE =
  "The floor rows use no library: what every pool of that kind pays on this machine, so no pool can go below them.";

/** Each library's own pool size when given none, on a machine with `cpus` CPUs. */
function defaultSize(id: ContenderId, cpus: number): string {
  if (id === "piscina") return `${Math.max(Math.floor(cpus / 2), 1)}–${cpus * 1.5}`;
  if (id === "tinypool" || id === "tinypool-process") return `${Math.max(cpus / 2, 1)}–${cpus}`;
  if (id.startsWith("workerpool")) return `0–${Math.max(cpus - 1, 1)}`;
  return String(cpus);
}

function cell(summary: Summary | undefined, scale = 1, format: (x: number) => string = compact): string {
  if (!summary || summary.n === 0) return "–";
  const median = format(summary.median * scale);
  if (summary.n === 1) return median;
  return `${median} (${format(summary.min * scale)}–${format(summary.max * scale)})`;
}

/** concur's median ÷ this contender's, for contenders that are not concur. */
function versus(results: PoolsResults, scenario: string, id: ContenderId, metric: string): string {
  if (isConcur(id)) return "";
  const mine = med(results, scenario, CONCUR[kindOf(id)], metric);
  const theirs = med(results, scenario, id, metric);
  return mine === undefined || theirs === undefined ? "–" : ratio(mine / theirs);
}

export function renderTables(results: PoolsResults): string {
  const p = results.profile;
  const s = results.summaries;
  const sections: string[] = [];
  const get = (scenario: string, id: string, metric: string): Summary | undefined =>
    s[scenario]?.[id]?.[metric];

  sections.push(
    `### Tiny tasks (\`inc\`, ${p.workers} workers)\n\n` +
      `Throughput in tasks/s, median (min–max). Bounded: ${compact(p.tinyBoundedTasks)} tasks, at most ${p.window} in flight. ` +
      `All at once: ${compact(p.tinyAllTasks)} tasks submitted in one go, which is also the memory scenario (peak RSS of the ` +
      `whole process tree, MiB). "concur ÷ peer" compares concur's pool of the same kind (threads with threads, ` +
      `processes with processes): above 1× concur is faster, for memory below 1× concur is leaner.\n\n` +
      markdownTable(
        [
          "pool",
          "bounded tasks/s",
          "concur ÷ peer",
          "all-at-once tasks/s",
          "concur ÷ peer",
          "peak RSS MiB",
          "concur ÷ peer",
        ],
        [
          ...CONTENDERS.map((id) => [
            LABELS[id],
            cell(get("tinyBounded", id, "tasksPerSec")),
            versus(results, "tinyBounded", id, "tasksPerSec"),
            cell(get("tinyAll", id, "tasksPerSec")),
            versus(results, "tinyAll", id, "tasksPerSec"),
            cell(get("tinyAll", id, "peakRssMiB")),
            versus(results, "tinyAll", id, "peakRssMiB"),
          ]),
          ...FLOORS.map(([kind, label]) => [
            label,
            "",
            "",
            "",
            "",
            cell(get("floor", kind, "peakRssMiB")),
            "",
          ]),
        ],
      ) +
      `\n\n${FLOOR_NOTE} For memory: ${p.workers} idle bare workers plus the harness's own ` +
      `${compact(p.tinyAllTasks)} promises under \`Promise.all\`, settled in batches as a pool's would be, with no pool at all.`,
  );

  const seqMap = med(results, "map", "sequential", "tasksPerSec");
  sections.push(
    `### \`map\` over ${compact(p.mapTasks)} tiny inputs (automatic chunking)\n\n` +
      markdownTable(
        ["executor", "tasks/s", "÷ best peer (submit, same kind)", "share of SequentialExecutor.map"],
        [
          ...(["thread", "process"] as const).map((kind) => {
            const id = CONCUR[kind];
            const tasks = med(results, "map", id, "tasksPerSec");
            const peers = CONTENDERS.filter((c) => kindOf(c) === kind && !isConcur(c)).flatMap((c) => [
              med(results, "tinyBounded", c, "tasksPerSec") ?? 0,
              med(results, "tinyAll", c, "tasksPerSec") ?? 0,
            ]);
            const best = Math.max(...peers);
            return [
              LABELS[id],
              cell(get("map", id, "tasksPerSec")),
              tasks === undefined || best === 0 ? "–" : ratio(tasks / best),
              tasks === undefined || seqMap === undefined ? "–" : percent(tasks / seqMap),
            ];
          }),
          ["SequentialExecutor (in-process)", cell(get("map", "sequential", "tasksPerSec")), "", "100%"],
        ],
      ),
  );

  sections.push(
    `### Start-up and shutdown (${p.workers} workers)\n\n` +
      `Start-up: pool creation to the first result of one tiny task (the library already imported). Shutdown: ` +
      `graceful close of the idle pool until its workers are gone. Milliseconds, median (min–max); below 1× concur is faster.\n\n` +
      markdownTable(
        ["pool", "start-up ms", "concur ÷ peer", "shutdown ms", "concur ÷ peer"],
        [
          ...CONTENDERS.map((id) => [
            LABELS[id],
            cell(get("startup", id, "startupMs")),
            versus(results, "startup", id, "startupMs"),
            cell(get("startup", id, "shutdownMs")),
            versus(results, "startup", id, "shutdownMs"),
          ]),
          ...FLOORS.map(([kind, label]) => [label, cell(get("floor", kind, "startupMs")), "", "", ""]),
        ],
      ) +
      `\n\n${FLOOR_NOTE} For start-up: one bare worker from creation to its answer to one task (boot, the import ` +
      `of the ES-module task file, a ready message, one round trip).`,
  );

  const seq = get("task2-baseline", "sequential", "soloMs");
  const limit = get("task2-baseline", "pair", "limit");
  const task2Rows: string[][] = [];
  for (const id of CONTENDERS) {
    for (const config of ["2", "default"]) {
      const same = config === "default" && !s[`task2/default`]?.[id];
      const source = same ? "2" : config;
      if (!s[`task2/${source}`]?.[id]) continue;
      const warm = task2Speedup(results, source, id, "warmMs");
      const cold = task2Speedup(results, source, id, "coldMs");
      const concurWarm = med(results, `task2/${source}`, CONCUR[kindOf(id)], "warmMs");
      const concurCold = med(results, `task2/${source}`, CONCUR[kindOf(id)], "coldMs");
      const mineVsTheirs = (mine: number | undefined, metric: string): string => {
        const theirs = med(results, `task2/${source}`, id, metric);
        return isConcur(id) || mine === undefined || theirs === undefined ? "" : ratio(mine / theirs);
      };
      task2Rows.push([
        LABELS[id],
        config === "2"
          ? "2"
          : `default (${defaultSize(id, results.machine.parallelism)})${same ? " = 2" : ""}`,
        cell(get(`task2/${source}`, id, "warmMs"), 1e-3),
        ratio(warm.speedup),
        percent(warm.ofLimit),
        mineVsTheirs(concurWarm, "warmMs"),
        cell(get(`task2/${source}`, id, "coldMs"), 1e-3),
        ratio(cold.speedup),
        percent(cold.ofLimit),
        mineVsTheirs(concurCold, "coldMs"),
        cell(get(`task2/${source}`, id, "peakRssMiB")),
      ]);
    }
  }
  sections.push(
    `### Task 2 (${results.workload.records} records, \`processLetter\`)\n\n` +
      `Sequential (one process, no pool): ${cell(seq, 1e-3)} s. Parallel limit of this machine, measured in the same run ` +
      `(two sequential runs in two processes at once; limit = 2 × one run ÷ their wall time): ${cell(limit, 1, (x) => x.toFixed(2))}×. ` +
      `Warm: pool started and the task compiled before the clock starts. Cold: pool creation, the run, and shutdown. ` +
      `Seconds, median (min–max); speedup = sequential ÷ pool; "concur ÷ peer" compares times (below 1× concur is faster, ` +
      `same pool size). Peak RSS covers the whole trial (cold and warm pools).\n\n` +
      markdownTable(
        [
          "pool",
          "workers",
          "warm s",
          "speedup",
          "of limit",
          "concur ÷ peer",
          "cold s",
          "speedup",
          "of limit",
          "concur ÷ peer",
          "peak RSS MiB",
        ],
        task2Rows,
      ),
  );

  const perTask = results.workload.cpuTaskMs;
  const ideal = p.cpuTasks * perTask;
  sections.push(
    `### CPU tasks: ${compact(p.cpuTasks)} × ~${perTask.toFixed(2)} ms (${p.workers} workers)\n\n` +
      `Sequential time of the same calls in-process: ${compact(ideal)} ms. Speedup = that ÷ pool wall time; ` +
      `"of limit" divides by the machine's parallel limit above. Below 1× in "concur ÷ peer" concur is faster.\n\n` +
      markdownTable(
        ["pool", "wall ms", "speedup", "of limit", "concur ÷ peer"],
        CONTENDERS.map((id) => {
          const ms = med(results, "cpu", id, "ms");
          const lim = med(results, "task2-baseline", "pair", "limit");
          const speedup = ms === undefined ? undefined : ideal / ms;
          return [
            LABELS[id],
            cell(get("cpu", id, "ms")),
            ratio(speedup),
            percent(speedup !== undefined && lim !== undefined ? speedup / lim : undefined),
            versus(results, "cpu", id, "ms"),
          ];
        }),
      ),
  );

  sections.push(
    `### Targets of issue 5\n\n` +
      markdownTable(
        ["kind", "target", "measured", "goal", "met"],
        results.targets.map((t) => [
          t.kind,
          t.name,
          t.measured,
          t.goal,
          t.met === undefined ? "–" : t.met ? "yes" : "**no**",
        ]),
        ["left", "left", "left", "left", "left"],
      ),
  );

  if (results.failures.length > 0) {
    sections.push(
      `### Failed trials\n\n` +
        results.failures.map((f) => `- ${f.scenario} / ${f.subject}: ${f.error.split("\n")[0]}`).join("\n"),
    );
  }
  return sections.join("\n\n");
}

/** How busy the machine was with other work, and what that means for the numbers. */
function otherWork(results: PoolsResults): string {
  const busy = results.summaries.machine?.["before-trial"]?.busyShare;
  const limit = med(results, "task2-baseline", "pair", "limit");
  const parts: string[] = [];
  if (busy) {
    parts.push(
      `Just before each trial the CPUs were ${percent(busy.median)} busy with other work (median; max ${percent(busy.max)}); ` +
        `trials waited ${(results.quiet.waitedMs / 1000).toFixed(0)} s in all for bursts above ${percent(results.quiet.threshold)} to pass.`,
    );
  }
  if (limit !== undefined && limit < 0.75 * results.machine.parallelism) {
    parts.push(
      `**The measured parallel limit (${limit.toFixed(2)}× on ${results.machine.parallelism} CPUs) shows the CPUs were shared ` +
        `during this run: speedups and "of limit" shares are unreliable; re-run on a quiet machine.**`,
    );
  }
  return parts.join(" ");
}

/**
 * The whole BENCHMARKS.md: the pools run, then the IO section (rendered by bench/io/report.ts)
 * and the hand-written analysis (`notes`) when given.
 */
export function renderBenchmarksMd(
  results: PoolsResults,
  extra: { notes?: string | undefined; io?: string | undefined; distributed?: string | undefined },
): string {
  const m = results.machine;
  const p = results.profile;
  const libs = Object.entries(results.libraries)
    .map(([name, version]) => `${name} ${version}`)
    .join(", ");
  return [
    `# Benchmarks`,
    `<!-- Generated by \`npm run bench:pools\` (bench/pools.ts) from bench/results/pools.json: edit the script, not this file. -->`,
    `concur's thread and process pools against piscina, tinypool, workerpool and poolifier, all driven the same way ` +
      `(bench/pools/trial/contenders.ts) on the same task functions (bench/workers/work.cjs). Re-run with ` +
      `\`npm run build && npm run bench:pools\` (\`-- --full\` for the sizes of issue 5, \`-- --quick\` for a smoke run ` +
      `that leaves this file alone); the IO section comes from \`npm run bench:io\`. Ratios are concur ÷ peer, measured in the same run.`,
    `## Machine and run\n\n` +
      [
        `- Date: ${results.date}`,
        `- CPU: ${m.cpu}, ${m.parallelism} CPUs available, ${m.memoryGiB} GiB RAM; ${m.os}; Node ${m.node}`,
        `- concur commit: ${m.commit} (built \`dist/\`, no loader); peers: ${libs}`,
        `- Profile "${p.name}": ${results.roundsRun} round(s) of every scenario, contenders interleaved and rotated each round, ` +
          `every trial in a fresh process; the ${compact(p.tinyAllTasks)}-at-once scenario ran ${Math.min(p.tinyAllRounds, results.roundsRun)} round(s). ` +
          `Whole run: ${(results.elapsedMs / 1000).toFixed(0)} s.`,
        `- Machine load: ${describeLoad(m)}. ${otherWork(results)}`,
        `- Task 2 input: ${results.workload.records} records from ${results.workload.recordsSource}.`,
        `- Sizes: ${compact(p.tinyAllTasks)} tiny tasks at once, ${compact(p.tinyBoundedTasks)} with at most ${p.window} in flight, ` +
          `${compact(p.cpuTasks)} CPU tasks` +
          (p.name === "full"
            ? ": the sizes of issue 5."
            : ` (issue 5 asks for ${compact(PROFILES.full.tinyBoundedTasks)} bounded and ${compact(PROFILES.full.cpuTasks)} CPU tasks: ` +
              `\`--full\` runs those, in several times the five minutes this profile keeps to; throughput and efficiency ` +
              `are per task, so the smaller counts change the noise, not what is measured).`),
      ].join("\n"),
    `## Method\n\n` +
      [
        `- "N workers" means a pool fixed at N (min = max = N where the library has both; concur starts its workers on demand, ` +
          `in parallel). "default" passes no size at all; poolifier has none, so it gets \`availableParallelism()\` as its README shows.`,
        `- Each trial runs in a new \`node\` process on a transpiled copy of bench/pools/trial/, so no TypeScript loader is in the ` +
          `measured processes; it imports one library before any clock starts and checks every result against a checksum.`,
        `- Peak RSS is sampled from /proc every 20 ms over the trial's process and all its descendants.`,
        `- Trials run without ${REMOVED_ENV.join(" and ")}` +
          (results.envRemoved?.length ? ` (this machine sets ${results.envRemoved.join(", ")})` : "") +
          `: Node 20 loads NODE_EXTRA_CA_CERTS at every process start (about 40 ms here), and only the pools that pass ` +
          `their environment on to workers pay for it; tinypool's child_process workers get none of it, so with it set ` +
          `the process start-up comparison measured the variable, not the libraries.`,
        `- poolifier's workers are CommonJS: an ES-module ClusterWorker never receives its start-up message and hangs ` +
          `(poolifier issue #782), and an ES-module ThreadWorker hung (exit code 13, unsettled await) in 3 trials of one busy ` +
          `run. The task code itself is one CommonJS file for every contender (ES-module pools import it through work.mjs).`,
      ].join("\n"),
    `## Results\n\n${renderTables(results)}`,
    ...(extra.io ? [extra.io] : []),
    ...(extra.notes ? [extra.notes.trim()] : []),
    ...(extra.distributed ? [extra.distributed] : []),
    "",
  ].join("\n\n");
}
