/**
 * `concur/letters`: the seed's workload. An embeddable company-search endpoint, Task 1
 * (`downloadAndWrite`, IO-bound) and Task 2 (`loadLetters` + `processLetter`, CPU-bound), and
 * the URL of the task module every executor loads.
 * @example
 * import { createExecutor } from "concur";
 * import { startEndpoint, lettersTasksUrl, LETTERS, type LettersTasks } from "@concur/lab/letters";
 * await using endpoint = await startEndpoint();
 * await using pool = createExecutor<LettersTasks>("async", lettersTasksUrl);
 * const options = { endpoint: endpoint.searchTemplate, outDir: "out" };
 * const files = [...LETTERS].map((letter) => pool.submit("downloadAndWrite", letter, options));
 * for (const file of files) console.log(await file); // a.txt, b.txt, …
 */
export { startEndpoint, type EndpointOptions, type RunningEndpoint } from "./endpoint.js";
export {
  parseLatency,
  describeLatency,
  formatLatency,
  checkLatency,
  DEFAULT_LATENCY,
  type LatencyModel,
} from "./latency.js";
export {
  parseFaults,
  describeFaults,
  checkFaults,
  type FaultOptions,
  type FaultKind,
  type FaultStep,
  type RepeatedStep,
} from "./faults.js";
export {
  generateDataset,
  DEFAULT_SEED,
  DEFAULT_RECORDS_PER_LETTER,
  type Dataset,
  type DatasetOptions,
} from "./data.js";
export { downloadAndWrite, type DownloadOptions, type RetryEvent } from "./download.js";
export { processLetter, processLetterClosedForm, innerIterations, DEFAULT_MULTIPLIER } from "./process.js";
export { loadLetters } from "./load.js";
export { LETTERS, validateLetter, letterFileName } from "./letter.js";
export { parseRecordList, type CompanyRecord } from "./record.js";
export {
  DownloadError,
  InvalidLetterError,
  InvalidRecordError,
  LoadLettersError,
  SpecError,
  type DownloadErrorCode,
  type LoadLettersErrorCode,
} from "./errors.js";

/** The type of the task module, for `createExecutor<LettersTasks>(kind, lettersTasksUrl)`. */
export type LettersTasks = typeof import("./tasks.js");

/**
 * URL of the task module (`tasks.ts` when running from source under tsx, `tasks.js` from dist),
 * to hand to any executor.
 */
export const lettersTasksUrl: URL = new URL(
  `./tasks.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`,
  import.meta.url,
);
