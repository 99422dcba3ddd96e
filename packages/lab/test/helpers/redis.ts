/**
 * The Redis the lab's distributed tests run against: REDIS_URL when set, else the machine's at
 * 127.0.0.1:6379. A test that cannot reach it fails with the command that fixes it, never skips.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";

export const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";

/** A connection for looking at keys; fails the test clearly when Redis is not there. */
export async function connectTestRedis(url = redisUrl): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    assert.fail(
      `no Redis at ${url} (${(error as Error).message}): start one with \`redis-server --daemonize yes\` or set REDIS_URL`,
    );
  }
  return redis;
}
