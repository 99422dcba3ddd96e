/**
 * The machine's parallel limit for Task 2, as bench:pools measures it (and bench:distributed
 * reuses it): one sequential Task 2 run alone, then two at once in two processes that start at
 * an agreed instant. Limit = work done ÷ wall time, in units of one solo run: 2 × solo ÷ the
 * pair's wall time (2.0 on two idle cores; less when other work shares them).
 */
import type { Metrics, TrialRequest } from "./trial/protocol.js";

/** Runs one trial process (the caller's gate, logging and failure records); undefined if it failed. */
export type RunTrial = (
  subject: "sequential" | "pair",
  request: TrialRequest,
) => Promise<Metrics | undefined>;

export interface LimitPair {
  soloMs: number;
  /** Undefined when a trial of the pair failed. */
  pair: { wallMs: number; limit: number; startSkewMs: number } | undefined;
}

/** One solo run and one pair; undefined when the solo run failed. */
export async function limitPair(run: RunTrial, recordsFile: string): Promise<LimitPair | undefined> {
  const solo = await run("sequential", { scenario: "sequential", recordsFile, startAt: 0 });
  if (!solo) return undefined;
  // Both start at an agreed instant, after both processes have loaded.
  const startAt = Date.now() + 1_000;
  const pair = await Promise.all(
    [0, 1].map(() => run("pair", { scenario: "sequential", recordsFile, startAt })),
  );
  if (!pair[0] || !pair[1]) return { soloMs: solo.ms!, pair: undefined };
  const [a, b] = [pair[0], pair[1]];
  const wallMs = Math.max(a.end!, b.end!) - Math.min(a.start!, b.start!);
  return {
    soloMs: solo.ms!,
    pair: { wallMs, limit: (2 * solo.ms!) / wallMs, startSkewMs: Math.abs(a.start! - b.start!) },
  };
}
