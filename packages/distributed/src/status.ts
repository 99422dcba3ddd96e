/**
 * What `concur status` shows: the workers alive (from their heartbeats) and each queue's depth.
 */
import { Queue } from "bullmq";
import type { RedisTarget } from "./options.js";
import { closeRedis, createRedis, waitReady } from "./redis/connect.js";
import type { WorkerInfo } from "./worker/heartbeat.js";

export interface QueueStatus {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
}

export interface ClusterStatus {
  workers: WorkerInfo[];
  queues: QueueStatus[];
}

/** Reads the heartbeats and queue counts under `prefix` (every queue, or only `queue`). */
export async function readStatus(target: RedisTarget): Promise<ClusterStatus> {
  const prefix = target.prefix ?? "concur";
  const redis = createRedis(target.connection, { name: "concur-status" });
  try {
    await waitReady(redis, target.connection, target.connectTimeout ?? 5_000);
    const pattern = `${prefix}:${target.queue ?? "*"}:concur:worker:*`;
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, found] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== "0");
    const values = keys.length > 0 ? await redis.mget(...keys) : [];
    const workers = values
      .filter((value): value is string => typeof value === "string")
      .map((value) => JSON.parse(value) as WorkerInfo)
      .sort(
        (a, b) => a.queue.localeCompare(b.queue) || a.host.localeCompare(b.host) || a.id.localeCompare(b.id),
      );
    const names = new Set(workers.map((w) => w.queue));
    if (target.queue) names.add(target.queue);
    const queues: QueueStatus[] = [];
    for (const name of [...names].sort()) {
      const queue = new Queue(name, { connection: redis, prefix });
      const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized");
      await queue.close();
      queues.push({
        queue: name,
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
      });
    }
    return { workers, queues };
  } finally {
    await closeRedis(redis);
  }
}
