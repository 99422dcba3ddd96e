/**
 * How big and how often: the run profiles of `npm run bench:pools`. The default profile keeps the
 * whole run near five minutes on a 2-core machine; `--full` uses the sizes of issue 5 exactly and
 * takes several times longer. Every size used is stored with the results.
 */
import { intOption } from "../lib/args.js";

export interface Profile {
  name: "quick" | "default" | "full";
  /** Repetitions (rounds) of every scenario; rounds after the first stop once `budgetMs` is spent. */
  rounds: number;
  /** Rounds of the 100,000-tasks-at-once scenario, the slowest one for the slow peers. */
  tinyAllRounds: number;
  /** Start-up trials per contender per round (they are short and noisy). */
  startupPerRound: number;
  /** Tasks submitted at once (the memory scenario: this many in flight). */
  tinyAllTasks: number;
  /** Tasks submitted with at most `window` in flight. */
  tinyBoundedTasks: number;
  window: number;
  /** Inputs of concur's `map` and of the in-process reference. */
  mapTasks: number;
  /** CPU tasks of about `cpuTaskMs` each. */
  cpuTasks: number;
  cpuTaskMs: number;
  /** Pool size of every scenario except Task 2's "default" runs. */
  workers: number;
  /** Wall-clock budget after which no new round starts. */
  budgetMs: number;
  /** A trial still running after this is killed and reported as failed. */
  trialTimeoutMs: number;
  /** Waiting allowed, over the whole run, for other work on the machine to quiet down before a trial. */
  quietWaitMs: number;
}

const DEFAULT: Profile = {
  name: "default",
  rounds: 3,
  tinyAllRounds: 1,
  startupPerRound: 2,
  tinyAllTasks: 100_000,
  tinyBoundedTasks: 20_000,
  window: 128,
  mapTasks: 100_000,
  cpuTasks: 2_000,
  cpuTaskMs: 1,
  workers: 2,
  budgetMs: 240_000,
  trialTimeoutMs: 90_000,
  quietWaitMs: 60_000,
};

export const PROFILES: Record<Profile["name"], Profile> = {
  default: DEFAULT,
  quick: {
    ...DEFAULT,
    name: "quick",
    rounds: 1,
    startupPerRound: 1,
    tinyAllTasks: 20_000,
    tinyBoundedTasks: 5_000,
    mapTasks: 20_000,
    cpuTasks: 500,
    budgetMs: 60_000,
    quietWaitMs: 0,
  },
  full: {
    ...DEFAULT,
    name: "full",
    rounds: 5,
    tinyAllRounds: 3,
    tinyBoundedTasks: 100_000,
    cpuTasks: 20_000,
    budgetMs: 1_800_000,
    trialTimeoutMs: 180_000,
    quietWaitMs: 300_000,
  },
};

/** `--quick`, `--full`, or the default; `--rounds N` overrides the repetitions. */
export function profileFromArgs(args: readonly string[]): Profile {
  const name = args.includes("--full") ? "full" : args.includes("--quick") ? "quick" : "default";
  const profile = { ...PROFILES[name] };
  if (args.includes("--rounds")) {
    profile.rounds = intOption(args, "--rounds", profile.rounds);
    profile.tinyAllRounds = Math.min(profile.tinyAllRounds, profile.rounds);
  }
  return profile;
}
