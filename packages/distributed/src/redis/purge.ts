/**
 * Removes every key under a prefix: for a caller that made the prefix up for one run (the lab's
 * local workers) and owns everything under it, BullMQ's per-queue keys included, which nothing
 * else ever deletes.
 */
import { RedisConnectionError, redactUrl } from "../errors.js";
import { closeRedis, createRedis, waitReady } from "./connect.js";

/** SCAN patterns treat these as wildcards: a prefix holding one could match other prefixes' keys. */
const GLOB = /[*?[\]\\]/;

/**
 * Deletes the keys `<prefix>:*` and returns how many there were. Refuses an empty prefix or one
 * with glob characters (RangeError): it would reach keys that are not the caller's.
 */
export async function purgePrefix(url: string, prefix: string, timeoutMs = 5_000): Promise<number> {
  if (prefix.trim() === "" || GLOB.test(prefix))
    throw new RangeError(`purgePrefix: prefix must be non-empty with no glob characters, got "${prefix}"`);
  const redis = createRedis(url, { name: "concur-purge" });
  try {
    await waitReady(redis, url, timeoutMs);
    let cursor = "0";
    let removed = 0;
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) removed += await redis.unlink(...keys);
    } while (cursor !== "0");
    return removed;
  } catch (error) {
    if (error instanceof RedisConnectionError) throw error;
    throw new RedisConnectionError(
      `could not remove the keys under "${prefix}" at ${redactUrl(url)}: ${(error as Error).message}`,
      redactUrl(url),
      { cause: error },
    );
  } finally {
    await closeRedis(redis);
  }
}
