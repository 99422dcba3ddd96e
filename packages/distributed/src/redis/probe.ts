/**
 * One look at Redis before work starts: a single connection attempt, no retries. ioredis's
 * reconnect loop suits a long-lived executor (Redis may be restarting); a command line that is
 * about to start worker processes wants to know now whether the URL answers, and say so.
 */
import { Redis } from "ioredis";
import { RedisConnectionError, redactUrl } from "../errors.js";
import { describeRefusal, isHangUp, readRefusal } from "./refusal.js";

/**
 * Resolves once `url` answers PING; rejects with RedisConnectionError (naming the URL, without
 * its password) when the connection is refused, the credentials are wrong, or nothing answers
 * within `timeoutMs`.
 */
export async function probeRedis(url: string, timeoutMs = 3_000): Promise<void> {
  const shown = redactUrl(url);
  let redis: Redis;
  try {
    redis = new Redis(url, {
      lazyConnect: true,
      connectTimeout: timeoutMs,
      // One attempt: a refused connection is reported at once instead of retried forever.
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      connectionName: "concur-probe",
    });
  } catch (error) {
    throw new RedisConnectionError(`${shown} is not a Redis URL: ${(error as Error).message}`, shown, {
      cause: error,
    });
  }
  // The reason (ECONNREFUSED, ENOTFOUND, WRONGPASS) arrives as an 'error' event; the rejected
  // connect() only says "Connection is closed".
  let reason: Error | undefined;
  redis.on("error", (error: Error) => (reason ??= error));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([redis.connect().then(() => redis.ping()), late]);
  } catch (error) {
    const cause = reason ?? error;
    // A Redis that hung up as the connection opened may have said why; ioredis reports only
    // EPIPE or ECONNRESET then, or no error at all ("Connection is closed").
    const refusal = reason === undefined || isHangUp(reason) ? await readRefusal(url, 500) : undefined;
    if (refusal !== undefined) {
      throw new RedisConnectionError(
        `Redis at ${shown} refused the connection: ${describeRefusal(refusal)}`,
        shown,
        { cause },
      );
    }
    throw new RedisConnectionError(
      `could not reach Redis at ${shown}: ${(cause as Error).message || String(cause)}`,
      shown,
      { cause },
    );
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}
