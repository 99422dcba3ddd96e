/**
 * probeRedis (one attempt, a typed error naming the URL, fast) and purgePrefix (everything under
 * one prefix, nothing else), against the real Redis.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Redis } from "ioredis";
import { RedisConnectionError, probeRedis, purgePrefix } from "../src/index.js";
import { connectForTest, deleteUnder, keysUnder, redisUrl, uniquePrefix } from "./helpers/redis.js";

const prefix = uniquePrefix("purge");
const neighbour = `${prefix}x`; // shares the prefix's text, not its "prefix:" stem
let redis: Redis;

before(async () => {
  redis = await connectForTest();
});
after(async () => {
  await deleteUnder(redis, prefix);
  await deleteUnder(redis, neighbour);
  redis.disconnect();
});

test("probeRedis resolves against a live Redis", async () => {
  await probeRedis(redisUrl);
});

test("probeRedis fails at once, typed and naming the URL, when nothing listens", async () => {
  const began = Date.now();
  const error = await probeRedis("redis://user:secret@127.0.0.1:1").then(
    () => assert.fail("resolved"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RedisConnectionError, String(error));
  assert.equal(error.code, "ERR_REDIS_CONNECTION");
  assert.match(
    error.message,
    /could not reach Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1:1: connect ECONNREFUSED/,
  );
  assert.doesNotMatch(error.message, /secret/);
  assert.ok(Date.now() - began < 2_500, `took ${Date.now() - began} ms: a refusal needs no timeout`);
});

test("purgePrefix removes the prefix's keys and no one else's", async () => {
  await redis.set(`${prefix}:q:a`, "1");
  await redis.set(`${prefix}:q:b`, "2");
  await redis.set(`${neighbour}:q:a`, "3");
  assert.equal(await purgePrefix(redisUrl, prefix), 2);
  assert.deepEqual(await keysUnder(redis, prefix), []);
  assert.deepEqual(await keysUnder(redis, neighbour), [`${neighbour}:q:a`]);
});

test("purgePrefix refuses a prefix that could match other keys", async () => {
  for (const bad of ["", " ", "concur*", "a?b", "x[1]"]) {
    await assert.rejects(purgePrefix(redisUrl, bad), RangeError, JSON.stringify(bad));
  }
});
