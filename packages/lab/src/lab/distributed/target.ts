/**
 * Where a distributed run's tasks go: which Redis, which queue under which prefix, and whether
 * the lab starts the workers itself (on this machine) or uses those already serving the queue.
 */
import { randomUUID } from "node:crypto";

/** The Redis the lab uses when told none: REDIS_URL, else the local default port. */
export function defaultRedisUrl(): string {
  return process.env.REDIS_URL || "redis://127.0.0.1:6379";
}

/** A distributed run's target. */
export interface DistributedTarget {
  /** Redis URL. */
  redis: string;
  /**
   * Worker processes the lab starts on this machine (`concur worker`), or null to use the
   * workers already serving the queue (started by the user, on any machines).
   */
  localWorkers: number | null;
  /**
   * Key prefix. Undefined: with local workers, one made up for this run, whose keys are all
   * removed at the end; with the user's workers, `concur` (concur worker's default).
   */
  prefix?: string;
  /** Queue name. @default the task module's file name (as `concur worker`'s default) */
  queue?: string;
}

/** A prefix no other run uses, so that runs cannot take each other's jobs. */
export function runPrefix(): string {
  return `concur-lab-${process.pid}-${randomUUID().slice(0, 8)}`;
}
