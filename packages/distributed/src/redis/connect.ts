/**
 * Redis connections with bounded patience. ioredis, left to its defaults, retries a refused
 * connection forever and queues commands meanwhile: a wrong URL would hang every submit. Here a
 * connection must become ready within `connectTimeout`, a refused password fails at once, and a
 * command waits through at most `maxRetriesPerRequest` reconnections (about 20 s) while Redis
 * restarts, then fails (the submitter turns that into RedisConnectionError).
 */
import { Redis } from "ioredis";
import { RedisConnectionError, redactUrl } from "../errors.js";
import { describeRefusal, isHangUp, readRefusal } from "./refusal.js";

export interface ConnectOptions {
  /** For CLIENT LIST, to tell concur's connections apart. */
  name: string;
  /**
   * Blocking commands (BRPOP, BullMQ's worker) must never give up on a reconnect: ioredis
   * would otherwise fail them, and BullMQ insists on `maxRetriesPerRequest: null` there.
   */
  blocking?: boolean;
}

/** Between reconnect attempts: quick at first, then every 1 s (a restarting Redis is back soon). */
function retryDelay(times: number): number {
  return Math.min(100 * times, 1000);
}

export function createRedis(url: string, options: ConnectOptions): Redis {
  const redis = new Redis(url, {
    connectionName: options.name,
    lazyConnect: false,
    retryStrategy: retryDelay,
    maxRetriesPerRequest: options.blocking ? null : 20,
    enableReadyCheck: true,
    connectTimeout: 5_000,
  });
  // Errors are reported through waitReady and through failing commands; an 'error' event with no
  // listener would crash the process on every reconnect attempt.
  redis.on("error", () => undefined);
  return redis;
}

const AUTH_ERROR = /WRONGPASS|NOAUTH|invalid password|invalid username|AUTH failed|ERR AUTH/i;

/**
 * Resolves once `redis` is ready; rejects with RedisConnectionError when the credentials are
 * refused (at once) or no connection is made within `timeoutMs`.
 */
export function waitReady(redis: Redis, url: string, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    let settled = false;
    let askedWhy = false;
    const done = (error?: RedisConnectionError): void => {
      settled = true;
      clearTimeout(timer);
      redis.off("ready", onReady);
      redis.off("error", onError);
      redis.off("end", onEnd);
      redis.off("close", onClose);
      if (error) reject(error);
      else resolve();
    };
    const onReady = (): void => done();
    const onEnd = (): void =>
      done(new RedisConnectionError(`the connection to ${redactUrl(url)} was closed`, redactUrl(url)));
    // Hung up before the connection was ready: Redis may have said why (protected mode, too
    // many clients), which retrying would not change. ioredis reports that as EPIPE or
    // ECONNRESET, or only as a close, depending on which it saw first.
    const askWhy = (): void => {
      if (askedWhy) return;
      askedWhy = true;
      void readRefusal(url).then((refusal) => {
        if (refusal === undefined || settled) return;
        redis.disconnect();
        done(
          new RedisConnectionError(
            `Redis at ${redactUrl(url)} refused the connection: ${describeRefusal(refusal)}`,
            redactUrl(url),
            { cause: lastError },
          ),
        );
      });
    };
    const onClose = (): void => askWhy();
    const onError = (error: Error): void => {
      lastError = error;
      if (isHangUp(error)) askWhy();
      if (AUTH_ERROR.test(error.message)) {
        // A refused password never becomes right by retrying: stop the reconnect loop too.
        redis.disconnect();
        done(
          new RedisConnectionError(
            `Redis at ${redactUrl(url)} refused the credentials: ${error.message}`,
            redactUrl(url),
            { cause: error },
          ),
        );
      }
    };
    const timer = setTimeout(() => {
      done(
        new RedisConnectionError(
          `could not connect to Redis at ${redactUrl(url)} within ${timeoutMs} ms` +
            (lastError ? `: ${lastError.message}` : "") +
            " (is redis-server running? try `redis-server --daemonize yes`, or set REDIS_URL)",
          redactUrl(url),
          { cause: lastError },
        ),
      );
    }, timeoutMs);
    redis.on("ready", onReady);
    redis.on("error", onError);
    redis.on("end", onEnd);
    redis.on("close", onClose);
  });
}

/** Closes a connection without waiting on a Redis that may be gone. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === "end") return;
  if (redis.status !== "ready") {
    redis.disconnect();
    return;
  }
  try {
    await Promise.race([redis.quit(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  } catch {
    // already closing
  }
  redis.disconnect();
}
