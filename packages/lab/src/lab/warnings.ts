/**
 * Warnings in hyperfine's spirit: things about a run that make its numbers less trustworthy,
 * said plainly with what to do about them.
 */
import { MIN_RUNS_FOR_INTERVAL } from "./inference.js";
import type { BenchReport, CellLoad, CellResult } from "./report.js";
import { LOAD_WINDOW_MS, SPIKE_CORES } from "./usage.js";

/** Fewer measured runs than this get no interval and no judgement of significance. */
export const FEW_RUNS = MIN_RUNS_FOR_INTERVAL;
/** MAD above this fraction of the median is a noisy cell. */
export const HIGH_SPREAD = 0.1;
/** Runs shorter than this are dominated by overheads and timer resolution. */
export const SHORT_RUN_MS = 5;

type WarningInput = Pick<BenchReport, "cells" | "machine" | "interrupted">;

function ids(cells: readonly CellResult[], max = 4): string {
  const shown = cells.slice(0, max).map((c) => c.id);
  return cells.length > max ? `${shown.join(", ")} and ${cells.length - max} more` : shown.join(", ");
}

/** The warnings of a report, most important first. */
export function collectWarnings(input: WarningInput): string[] {
  const out: string[] = [];
  const { cells, machine } = input;
  if (input.interrupted) {
    const short = cells.filter((c) => c.status === "interrupted").length;
    out.push(
      `The run was interrupted: the report holds what was measured by then` +
        (short > 0 ? ` (${short} cell${short === 1 ? " has" : "s have"} fewer runs than asked).` : "."),
    );
  }
  for (const cell of cells.filter((c) => c.status === "failed")) {
    out.push(`${cell.id} failed: ${cell.error ?? "unknown error"}`);
  }

  const measured = cells.filter((c) => c.stats !== null);
  const few = measured.filter((c) => c.stats!.n < FEW_RUNS);
  if (few.length > 0) {
    const all = few.length === measured.length;
    out.push(
      `${all ? "Every cell" : ids(few)} ran fewer than ${FEW_RUNS} measured runs: too few for a 95% interval of the median or any judgement of significance (raise --min-runs).`,
    );
  }
  const spread = measured.filter((c) => c.stats!.relativeSpread > HIGH_SPREAD);
  if (spread.length > 0) {
    const list = spread.map((c) => `${c.id} ${Math.round(c.stats!.relativeSpread * 100)}%`).join(", ");
    out.push(
      spread.length === 1
        ? `${spread[0]!.id}: high spread (MAD is ${Math.round(spread[0]!.stats!.relativeSpread * 100)}% of the median).`
        : `High spread (MAD above ${HIGH_SPREAD * 100}% of the median) in ${list}.`,
    );
  }
  const withOutliers = measured.filter((c) => c.stats!.outliers.length > 0);
  if (withOutliers.length > 0) {
    out.push(
      `Statistical outliers in ${ids(withOutliers)} (modified z-score above 3.5): another program may have interfered; consider re-running on a quiet machine.`,
    );
  }
  const short = measured.filter((c) => c.stats!.median < SHORT_RUN_MS);
  if (short.length > 0) {
    out.push(
      `${ids(short)} took under ${SHORT_RUN_MS} ms per run: overheads and timer resolution weigh on them (raise --size).`,
    );
  }

  const spikes = spikeWarning(cells);
  if (spikes) out.push(spikes);

  const cores = Math.max(1, machine.cores);
  const [startLoad] = machine.loadAverageStart;
  const [endLoad] = machine.loadAverageEnd;
  if (startLoad > cores) {
    out.push(
      `Load average was ${startLoad.toFixed(2)} at the start, above the ${cores} cores: other programs were competing, timings may be inflated.`,
    );
  } else if (endLoad > 2 * cores) {
    // This run's own workers keep up to about `cores` busy: only a load well past that means competition.
    out.push(
      `Load average rose to ${endLoad.toFixed(2)} by the end, over twice the ${cores} cores (more than this run's own workers explain): timings may be inflated.`,
    );
  }
  // Only process workers pay for these at start: without process rows the warning is noise.
  const processRows = cells.some((c) => c.executor === "process" && c.runtime === "node");
  if (machine.startupEnv?.length && processRows) {
    const names = machine.startupEnv.join(" and ");
    const [verb, it] = machine.startupEnv.length === 1 ? ["is", "it"] : ["are", "them"];
    out.push(
      `${names} ${verb} set: every Node process pays for ${it} at start (Node reads NODE_EXTRA_CA_CERTS at each start, about 40 ms on a 2-core test machine), so process workers start slower here than in a clean environment; workers that do not need ${it} can be given an \`env\` without ${it}.`,
    );
  }
  return out;
}

/** Cells during whose runs other processes took more than SPIKE_CORES, in one warning. */
function spikeWarning(cells: readonly CellResult[]): string | undefined {
  const spiked = cells.filter(
    (c): c is CellResult & { load: CellLoad } => typeof c.load === "object" && c.load.spike,
  );
  if (spiked.length === 0) return undefined;
  const list = spiked
    .slice(0, 4)
    .map((c) => `${c.id} (up to ${(c.load.maxOtherCpuCores ?? 0).toFixed(2)})`)
    .join(", ");
  const more = spiked.length > 4 ? ` and ${spiked.length - 4} more` : "";
  const rerun = spiked.length <= 4 ? `: --filter ${spiked.map((c) => c.id).join(",")}` : "";
  return (
    `Other processes took more than ${SPIKE_CORES} of a core (in cores, over ${LOAD_WINDOW_MS} ms windows) while ${list}${more} ran: ` +
    `their timings may be inflated; re-run ${spiked.length === 1 ? "it" : "them"} on a quieter machine${rerun}.`
  );
}
