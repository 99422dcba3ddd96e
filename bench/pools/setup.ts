/**
 * What every orchestrator of bench:pools trials needs (bench/pools.ts, bench/ab.ts,
 * bench/profile.ts): where a trial finds the libraries and the task files, and Task 2's input.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { LetterRecord, Paths } from "./trial/protocol.js";
import { generateDataset } from "../../packages/lab/src/letters/data.js";
import { LETTERS } from "../../packages/lab/src/letters/letter.js";

/** The trial paths; `concurDist` runs another build of concur (a copy of dist/) instead. */
export function trialPaths(concurDist?: string): Paths {
  return {
    concur: concurDist
      ? pathToFileURL(join(concurDist, "index.js")).href
      : new URL("../../packages/concur/dist/index.js", import.meta.url).href,
    workersDir: new URL("../workers/", import.meta.url).href,
    piscina: import.meta.resolve("piscina"),
    tinypool: import.meta.resolve("tinypool"),
    workerpool: import.meta.resolve("workerpool"),
    poolifier: import.meta.resolve("poolifier"),
  };
}

/** The seed's 260 records: ten per letter from the letters endpoint's deterministic data. */
export function task2Records(): LetterRecord[] {
  const dataset = generateDataset();
  return [...LETTERS].flatMap((letter) =>
    dataset.letter(letter).map(({ id, name, url }) => ({ id, name, url })),
  );
}
