/**
 * A worker's heartbeat: a key with a TTL of three beats, holding what `concur status` shows. A
 * machine that dies simply stops beating and drops out of the status within three beats.
 */
import { availableParallelism } from "node:os";
import type { Redis } from "ioredis";
import { HOST } from "./job-runner.js";

export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  cores: number;
  queue: string;
  executor: string;
  workers: number;
  concurrency: number;
  state: "busy" | "idle" | "stopping";
  /** Jobs running now. */
  running: number;
  completed: number;
  /** Jobs finished per second over the last beat. */
  throughput: number;
  startedAt: number;
  at: number;
}

export class Heartbeat {
  #timer: NodeJS.Timeout | undefined;
  #lastCompleted = 0;
  #lastAt = Date.now();

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly intervalMs: number,
    private readonly describe: () => Omit<WorkerInfo, "host" | "pid" | "cores" | "throughput" | "at">,
  ) {}

  start(): Promise<void> {
    this.#timer = setInterval(() => void this.beat(), this.intervalMs);
    this.#timer.unref();
    return this.beat();
  }

  async beat(): Promise<void> {
    const now = Date.now();
    const info = this.describe();
    const throughput = ((info.completed - this.#lastCompleted) * 1000) / Math.max(1, now - this.#lastAt);
    this.#lastCompleted = info.completed;
    this.#lastAt = now;
    const value: WorkerInfo = {
      ...info,
      host: HOST,
      pid: process.pid,
      cores: availableParallelism(),
      throughput,
      at: now,
    };
    await this.redis.set(this.key, JSON.stringify(value), "PX", this.intervalMs * 3).catch(() => undefined);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.redis.del(this.key).catch(() => undefined);
  }
}
