/**
 * Redis for the tests: REDIS_URL when set, else the machine's Redis at 127.0.0.1:6379. A test
 * that cannot reach it fails (with the command that fixes it), never skips. Each run uses a key
 * prefix of its own, and removes its keys at the end.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";

export const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export const tasksUrl = new URL("../fixtures/tasks.ts", import.meta.url);
export type Tasks = typeof import("../fixtures/tasks.js");

/** A prefix no other test run uses. */
export function uniquePrefix(label: string): string {
  return `concur-test-${label}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

/** A plain connection for inspecting Redis; fails the test clearly when Redis is not there. */
export async function connectForTest(url = redisUrl): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    assert.fail(
      `no Redis at ${url} (${(error as Error).message}): start one with \`redis-server --daemonize yes\` ` +
        "or point REDIS_URL at yours",
    );
  }
  return redis;
}

export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== "0");
  return keys.sort();
}

/** Keys under `prefix` that would stay forever (no TTL). */
export async function keysWithoutTtl(redis: Redis, prefix: string): Promise<string[]> {
  const keys = await keysUnder(redis, prefix);
  const forever: string[] = [];
  for (const key of keys) if ((await redis.pttl(key)) === -1) forever.push(key);
  return forever;
}

export async function deleteUnder(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
}

/** Polls `check` until it returns true, or fails after `ms`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `promise`, or an AssertionError saying `what()` (read at the deadline) after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new assert.AssertionError({ message: what() })), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * BullMQ's own structure keys of a queue (its id counter, meta hash, capped event stream and
 * marker): they belong to the queue, not to a run, and have no TTL by BullMQ's design.
 */
export function isQueueStructureKey(key: string): boolean {
  return /:(id|meta|events|marker|stalled-check)$/.test(key);
}
