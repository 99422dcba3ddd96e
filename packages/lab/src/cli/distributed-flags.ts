/**
 * The flags that point `run` and `bench` at a Redis for the distributed executor, parsed in one
 * place so both commands spell and check them alike (and as `concur worker` does: --redis,
 * --prefix, --queue).
 */
import type { Command } from "commander";
import { defaultRedisUrl, type DistributedTarget } from "../lab/distributed/target.js";
import { UsageError } from "./usage.js";

/** The flags {@link addDistributedOptions} adds, as commander parses them. */
export interface DistributedFlags {
  redis?: string;
  /** False for `--no-local-workers`. */
  localWorkers: boolean;
  prefix?: string;
  queue?: string;
}

/** Adds --redis, --no-local-workers, --prefix and --queue; `what` says when they apply. */
export function addDistributedOptions(command: Command, what: string): Command {
  return command
    .option("--redis <url>", `Redis URL ${what} (default: REDIS_URL, else redis://127.0.0.1:6379)`)
    .option(
      "--no-local-workers",
      "use the concur workers already serving the queue (on any machines) instead of starting them here",
    )
    .option(
      "--prefix <prefix>",
      "Redis key prefix (default: a new one per run; concur with --no-local-workers)",
    )
    .option("--queue <name>", "queue name (default: the task module's file name, as concur worker's)");
}

/** A redis:// or rediss:// URL, or a UsageError naming `flag`. */
export function parseRedisUrl(flag: string, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "redis:" && url.protocol !== "rediss:") || url.hostname === "")
    throw new UsageError(
      `${flag} must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379, got "${value}"`,
    );
  return value;
}

/** Names of the distributed flags given, to refuse them where they do not apply. */
export function givenDistributedFlags(flags: DistributedFlags): string[] {
  return [
    flags.redis !== undefined && "--redis",
    !flags.localWorkers && "--no-local-workers",
    flags.prefix !== undefined && "--prefix",
    flags.queue !== undefined && "--queue",
  ].filter((flag): flag is string => typeof flag === "string");
}

/**
 * The target the flags describe; `workers` is how many local workers to start (ignored, and
 * refused when given, with --no-local-workers, where the user's workers serve).
 */
export function distributedTarget(
  flags: DistributedFlags,
  workers: { flag: string; value: number | undefined; fallback: number },
): DistributedTarget {
  const redis = parseRedisUrl(
    flags.redis === undefined ? "REDIS_URL" : "--redis",
    flags.redis ?? defaultRedisUrl(),
  );
  if (!flags.localWorkers && workers.value !== undefined)
    throw new UsageError(
      `${workers.flag} sets how many workers the lab starts here: not with --no-local-workers (your workers serve)`,
    );
  if (flags.prefix !== undefined && (flags.prefix.trim() === "" || /[\s*?[\]\\]/.test(flags.prefix)))
    throw new UsageError(
      `--prefix must be a key prefix without spaces or glob characters, got "${flags.prefix}"`,
    );
  if (flags.queue !== undefined && !/^[A-Za-z0-9_.-]+$/.test(flags.queue))
    throw new UsageError(`--queue must be letters, digits, _, . or -, got "${flags.queue}"`);
  return {
    redis,
    localWorkers: flags.localWorkers ? (workers.value ?? workers.fallback) : null,
    ...(flags.prefix !== undefined && { prefix: flags.prefix }),
    ...(flags.queue !== undefined && { queue: flags.queue }),
  };
}
