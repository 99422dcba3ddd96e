/**
 * `concur worker` (a daemon running one queue's jobs in a local concur executor) and
 * `concur status` (the workers alive and the queues' depth), both from @concur/distributed,
 * imported when one of them runs: it brings BullMQ and ioredis (about 0.3 s to load on a
 * 2-core machine), which every other command would pay at start otherwise.
 */
import { resolve } from "node:path";
import { Option, type Command } from "commander";
import type { ClusterStatus } from "@concur/distributed";
import { UsageError, exitCodes, parseChoice, parsePositiveInt } from "../usage.js";

interface WorkerFlags {
  redis: string;
  module: string;
  executor: string;
  workers?: string;
  concurrency?: string;
  queue?: string;
  prefix: string;
  moduleVersion: string;
  grace: string;
  lockDuration: string;
  stalledInterval: string;
  maxCrashes: string;
  stopOnStdinClose?: boolean;
  removePrefixWhenOrphaned?: boolean;
}

interface StatusFlags {
  redis: string;
  prefix: string;
  queue?: string;
  json?: boolean;
}

const LOCAL_EXECUTORS = ["async", "thread", "process"] as const;

/** Adds `concur worker` and `concur status`. */
export function register(program: Command): void {
  program
    .command("worker")
    .description("Run a queue's tasks on this machine, in a local concur executor, until SIGTERM.")
    // From the environment too: a URL holding a password is then not on the command line, which
    // every local user can read (/proc/<pid>/cmdline). The lab starts its workers so.
    .addOption(
      new Option("--redis <url>", "Redis URL, e.g. redis://queue-host:6379")
        .env("REDIS_URL")
        .makeOptionMandatory(),
    )
    .requiredOption("--module <file>", "the task module (the same one the submitters use)")
    .option("--executor <kind>", "local executor: async, thread or process", "thread")
    .option("--workers <n>", "local workers (thread/process) or concurrency (async)")
    .option("--concurrency <n>", "jobs taken from the queue at once (default 2 × workers)")
    .option("--queue <name>", "queue name (default: the module's file name)")
    .option("--prefix <prefix>", "key prefix in Redis", "concur")
    .option("--module-version <v>", "task module version, checked against the submitters'", "")
    .option(
      "--grace <ms>",
      "on SIGTERM, how long running jobs may finish before they are handed back",
      "10000",
    )
    .option(
      "--lock-duration <ms>",
      "job lock: a dead machine's jobs come back after about lock + stalled interval",
      "5000",
    )
    .option("--stalled-interval <ms>", "how often dead machines' jobs are looked for", "5000")
    .option("--max-crashes <n>", "a job whose worker died this many times fails with WorkerCrashedError", "2")
    .option(
      "--stop-on-stdin-close",
      "stop (as on SIGTERM) when stdin closes: a parent that starts workers with a pipe on stdin takes them down when it dies, even by SIGKILL",
    )
    .option(
      "--remove-prefix-when-orphaned",
      "with --stop-on-stdin-close: once stopped that way, remove every key under --prefix (for a prefix made up for one run, as the lab's: its parent died and cannot)",
    )
    .addHelpText(
      "after",
      "\nExample:\n  concur worker --redis redis://queue-host:6379 --module ./dist/tasks.js --executor thread --workers 8\n\n" +
        "Exit codes: 0 stopped by SIGTERM/SIGINT, 1 Redis unreachable or the module failed to load, 2 bad usage.",
    )
    .action(async (flags: WorkerFlags) => {
      process.exitCode = await worker(flags);
    });

  program
    .command("status")
    .description(
      "Show the concur workers alive (host, cores, executor, busy/idle, throughput) and queue depths.",
    )
    .requiredOption("--redis <url>", "Redis URL")
    .option("--prefix <prefix>", "key prefix in Redis", "concur")
    .option("--queue <name>", "only this queue")
    .option("--json", "print JSON")
    .action(async (flags: StatusFlags) => {
      process.exitCode = await status(flags);
    });
}

async function worker(flags: WorkerFlags): Promise<number> {
  const executor = parseChoice("--executor", flags.executor, LOCAL_EXECUTORS);
  const options = {
    connection: flags.redis,
    module: resolve(flags.module),
    executor,
    prefix: flags.prefix,
    moduleVersion: flags.moduleVersion,
    gracePeriod: parsePositiveInt("--grace", flags.grace),
    lockDuration: parsePositiveInt("--lock-duration", flags.lockDuration),
    stalledInterval: parsePositiveInt("--stalled-interval", flags.stalledInterval),
    maxCrashes: parsePositiveInt("--max-crashes", flags.maxCrashes),
    ...(flags.workers !== undefined && { workers: parsePositiveInt("--workers", flags.workers) }),
    ...(flags.concurrency !== undefined && {
      concurrency: parsePositiveInt("--concurrency", flags.concurrency),
    }),
    ...(flags.queue !== undefined && { queue: flags.queue }),
  };
  if (flags.removePrefixWhenOrphaned && !flags.stopOnStdinClose)
    throw new UsageError("--remove-prefix-when-orphaned: only with --stop-on-stdin-close");
  const { runWorker, purgePrefix } = await import("@concur/distributed");
  let daemon;
  try {
    daemon = await runWorker({
      ...options,
      // Written before the first job is taken: stderr on a pipe or file is synchronous here.
      onReady: ({ id, queue }) =>
        process.stderr.write(
          `concur worker ${id}: serving queue "${queue}" with the ${executor} executor (SIGTERM or Ctrl-C stops it)\n`,
        ),
    });
  } catch (error) {
    process.stderr.write(`concur worker: ${(error as Error).message}\n`);
    return exitCodes.failure;
  }
  const stop = (signal: string): void => {
    process.stderr.write(`concur worker ${daemon.id}: ${signal}, finishing running jobs\n`);
    void daemon.close();
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
  let orphaned = false;
  if (flags.stopOnStdinClose)
    stopWithStdin(
      () => {
        orphaned = true;
        stop("stdin closed");
      },
      daemon.closed,
      options.gracePeriod,
    );
  await daemon.closed;
  process.stderr.write(`concur worker ${daemon.id}: stopped after ${daemon.completed} jobs\n`);
  if (orphaned && flags.removePrefixWhenOrphaned) {
    // The parent that made the prefix up died (SIGKILL included) and left BullMQ's queue keys,
    // which have no TTL. Each worker removes them after its own stop, so whichever stops last
    // removes what the others wrote while stopping. Bounded by stopWithStdin's exit timer.
    try {
      const removed = await purgePrefix(options.connection, options.prefix);
      process.stderr.write(`concur worker ${daemon.id}: removed ${removed} keys under "${options.prefix}"\n`);
    } catch (error) {
      process.stderr.write(`concur worker ${daemon.id}: ${(error as Error).message}\n`);
    }
  }
  return exitCodes.ok;
}

/**
 * The lifeline of a worker another process started (the lab's local workers): the parent holds
 * the write end of our stdin, and the kernel closes it however the parent ends, SIGKILL
 * included, so the end of stdin means nobody is left to stop this worker. A stop that hangs is
 * cut short, so an orphan never outlives its parent by more than the grace period and a margin.
 */
function stopWithStdin(stop: () => void, closed: Promise<void>, graceMs: number): void {
  const onEnd = (): void => {
    // stderr is most likely a pipe to the same dead parent: a write to it fails with EPIPE,
    // which must not end the worker before it has stopped (and cleaned up).
    process.stderr.on("error", () => undefined);
    stop();
    setTimeout(() => process.exit(exitCodes.ok), graceMs + ORPHAN_MARGIN_MS).unref();
  };
  process.stdin.once("end", onEnd).once("error", onEnd).resume();
  // Reading stdin holds the event loop open: let go once the worker has stopped.
  void closed.then(() => process.stdin.destroy());
}

/**
 * Past its grace period, how long an orphaned worker may still take to stop by itself (its local
 * pool's shutdown, Redis's goodbyes) before it exits anyway.
 */
const ORPHAN_MARGIN_MS = 5_000;

async function status(flags: StatusFlags): Promise<number> {
  const { RedisConnectionError, readStatus } = await import("@concur/distributed");
  let result: ClusterStatus;
  try {
    result = await readStatus({
      connection: flags.redis,
      prefix: flags.prefix,
      ...(flags.queue && { queue: flags.queue }),
    });
  } catch (error) {
    if (!(error instanceof RedisConnectionError)) throw error;
    process.stderr.write(`concur status: ${error.message}\n`);
    return exitCodes.failure;
  }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return exitCodes.ok;
  }
  const lines = [`workers alive: ${result.workers.length}`];
  for (const w of result.workers) {
    lines.push(
      `  ${w.id}  queue ${w.queue}  host ${w.host}  cores ${w.cores}  ${w.executor} × ${w.workers}  ` +
        `${w.state}  running ${w.running}/${w.concurrency}  done ${w.completed}  ${w.throughput.toFixed(1)} jobs/s`,
    );
  }
  lines.push(`queues: ${result.queues.length}`);
  for (const q of result.queues)
    lines.push(`  ${q.queue}  waiting ${q.waiting}  active ${q.active}  delayed ${q.delayed}`);
  process.stdout.write(`${lines.join("\n")}\n`);
  return exitCodes.ok;
}
