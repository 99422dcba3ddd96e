/**
 * How a worker puts a message on a submitter's result list: LPUSH and PEXPIRE in one Lua script,
 * so the list never exists without its TTL (a submitter that died leaves nothing forever), in
 * one command instead of a MULTI of four (MULTI, LPUSH, PEXPIRE, EXEC): Redis parses and answers
 * one command per message, and ioredis builds no pipeline for it.
 */
import type { Redis } from "ioredis";

const PUSH_WITH_TTL = `
redis.call("LPUSH", KEYS[1], ARGV[1])
redis.call("PEXPIRE", KEYS[1], ARGV[2])
return 1
`;

type PushCommand = (key: string, message: Buffer, ttlMs: number) => Promise<unknown>;

/** Returns a function that pushes `message` on `key` and sets the list's TTL, atomically. */
export function resultPusher(redis: Redis): PushCommand {
  // defineCommand sends EVALSHA, and EVAL once when Redis lost its script cache (a restart).
  redis.defineCommand("concurPushResult", { numberOfKeys: 1, lua: PUSH_WITH_TTL });
  const command = (redis as unknown as { concurPushResult: PushCommand }).concurPushResult.bind(redis);
  return (key, message, ttlMs) => command(key, message, ttlMs);
}
