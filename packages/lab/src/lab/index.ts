/**
 * `concur/lab`: measure which executor wins, decide, and report.
 * @example
 * import { runBench, reporters } from "@concur/lab";
 * const report = await runBench({ quick: true, python: false });
 * process.stdout.write(reporters.terminal(report));
 */
export { runBench, type BenchHooks, type BenchEvent } from "./runner.js";
export {
  DEFAULTS,
  BENCH_EXECUTORS,
  ALL_BENCH_EXECUTORS,
  SEED_TASKS,
  defaultWorkers,
  type BenchOptions,
  type SeedTask,
  type UserTaskOptions,
} from "./config.js";
export {
  summarize,
  median,
  mean,
  stddev,
  mad,
  min,
  max,
  quantile,
  tCritical95,
  meanCi95,
  ci95,
  outliers,
  mulberry32,
  OUTLIER_Z,
  type Interval,
} from "./stats.js";
export {
  medianInterval,
  mannWhitney,
  ratioInterval,
  compareSamples,
  classifyChange,
  ALPHA,
  MIN_RUNS_FOR_INTERVAL,
  NOISE_THRESHOLD,
  type Change,
  type RankTest,
  type RankTestResult,
  type SampleComparison,
} from "./inference.js";
export { STATISTICAL_METHODS, compareCells, finalizeCell } from "./analyze.js";
export { decideVerdicts, cellLabel, formatSpeedup } from "./verdict.js";
export { collectWarnings } from "./warnings.js";
export { distributingClause, AMORTIZED_FACTOR } from "./distributing.js";
export { DistributedSetupError } from "./distributed/errors.js";
export type { DistributedTarget } from "./distributed/target.js";
export { captureMachine, findPython, type PythonInfo } from "./env.js";
export { validateReport, REPORT_SCHEMA_URL, type ReportValidation } from "./validate.js";
export {
  advise,
  recommend,
  renderAdvice,
  type AdviseOptions,
  type Advice,
  type PoolCost,
} from "./advisor.js";
export { reporters, type Reporter, type ReporterName } from "./reporters/registry.js";
export { renderTerminal, type TerminalOptions } from "./reporters/terminal.js";
export { renderJson } from "./reporters/json.js";
export { renderMarkdown } from "./reporters/markdown.js";
export { renderHtml } from "./reporters/html.js";
export { renderCsv, csvField, CSV_COLUMNS } from "./reporters/csv.js";
export { parseCellFilter, NoCellMatchError, type CellFilter } from "./filter.js";
export { SPIKE_CORES, LOAD_WINDOW_MS } from "./usage.js";
export * from "./report.js";
