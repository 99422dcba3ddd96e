/** Renders a `bench:io` result as Markdown (the terminal table and BENCHMARKS.md's IO section). */
import { describeLoad } from "../lib/machine.js";
import type { Summary } from "../lib/stats.js";
import { compact, markdownTable, ratio } from "../lib/table.js";
import type { IoResults } from "./results.js";

const cell = (s: Summary): string =>
  s.n > 1 ? `${compact(s.median)} (${compact(s.min)}–${compact(s.max)})` : compact(s.median);

export function renderIo(results: IoResults): string {
  const rows = results.rows.map((row) => {
    const warm = row.warmMs.median;
    const verdict =
      row.goalMs === undefined
        ? ""
        : warm <= row.goalMs
          ? "yes"
          : `**no** (+${(warm - row.goalMs).toFixed(0)} ms)`;
    const coldVerdict = row.goalMs === undefined ? "" : row.coldMs.median <= row.goalMs ? "yes" : "no";
    return [
      row.kind,
      String(row.workers),
      compact(row.idealMs),
      cell(row.warmMs),
      ratio(warm / row.idealMs),
      row.goalMs === undefined ? "–" : `<= ${compact(row.goalMs)}`,
      verdict,
      cell(row.coldMs),
      ratio(row.coldMs.median / row.idealMs),
      coldVerdict,
    ];
  });
  return (
    `### Task 1, IO-bound (${results.letters} letters, ${results.latencyMs} ms endpoint latency)\n\n` +
    `\`downloadAndWrite\` from concur/letters against its own endpoint (fixed latency, keep-alive HTTP/1.1 via fetch), ` +
    `${results.rounds} round(s), ${describeLoad(results.machine)}, ${results.date}. Ideal = rounds of requests × latency ` +
    `(a pool runs one task per worker at a time: ceil(${results.letters} ÷ workers) rounds; the async executor one round). ` +
    `Targets of issue 5: async ≤ 1.3 × latency, pools within 10% of the ideal. Warm: executor started and each worker's ` +
    `connection open before the clock starts; cold: creation to shutdown. Milliseconds, median (min–max).` +
    (results.envRemoved?.length
      ? ` Worker processes ran without ${results.envRemoved.join(", ")}, as in the trials above.`
      : "") +
    `\n\n` +
    markdownTable(
      [
        "executor",
        "workers",
        "ideal ms",
        "warm ms",
        "warm ÷ ideal",
        "goal ms",
        "warm met",
        "cold ms",
        "cold ÷ ideal",
        "cold met",
      ],
      rows,
    )
  );
}
