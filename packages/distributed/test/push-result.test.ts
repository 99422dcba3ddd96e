/**
 * The worker's result pusher against the real Redis: messages arrive in the order pushed, with
 * the list's TTL, and a push resolves once written, so a command sent after it runs after it
 * (what lets the processor return, and BullMQ complete the job, without awaiting Redis's answer).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Redis } from "ioredis";
import { resultPusher } from "../src/redis/push-result.js";
import { connectForTest, deleteUnder, uniquePrefix } from "./helpers/redis.js";

const prefix = uniquePrefix("push");
let redis: Redis;

before(async () => {
  redis = await connectForTest();
});
after(async () => {
  await deleteUnder(redis, prefix);
  redis.disconnect();
});

const tail = async (key: string): Promise<string[]> => (await redis.lrange(key, 0, -1)).reverse();

test("messages of one turn arrive in order, on their own lists, each list with its TTL", async () => {
  const errors: Error[] = [];
  const pusher = resultPusher(redis, (error) => errors.push(error));
  const [a, b] = [`${prefix}:a`, `${prefix}:b`];
  const pushed = [
    pusher.push(a, Buffer.from("a1"), 60_000),
    pusher.push(b, Buffer.from("b1"), 30_000),
    pusher.push(a, Buffer.from("a2"), 60_000),
  ];
  await Promise.all(pushed);
  // Sent after the pushes resolved, on the same connection: Redis has run them by now.
  assert.deepEqual(await tail(a), ["a1", "a2"]);
  assert.deepEqual(await tail(b), ["b1"]);
  const ttl = await redis.pttl(a);
  assert.ok(ttl > 50_000 && ttl <= 60_000, `ttl ${ttl}`);
  assert.ok((await redis.pttl(b)) <= 30_000);
  assert.deepEqual(errors, []);
});

test("a burst larger than one script call keeps its order across calls", async () => {
  const pusher = resultPusher(redis, (error) => assert.fail(error));
  const key = `${prefix}:burst`;
  const n = 2_500; // three calls of at most 1,000 values
  await Promise.all(Array.from({ length: n }, (_, i) => pusher.push(key, Buffer.from(String(i)), 60_000)));
  const values = await tail(key);
  assert.equal(values.length, n);
  assert.ok(
    values.every((value, i) => value === String(i)),
    "out of order",
  );
});

test("a message pushed in a later turn follows the earlier ones", async () => {
  const pusher = resultPusher(redis, (error) => assert.fail(error));
  const key = `${prefix}:turns`;
  void pusher.push(key, Buffer.from("first"), 60_000);
  await new Promise((resolve) => setImmediate(resolve));
  await pusher.push(key, Buffer.from("second"), 60_000);
  assert.deepEqual(await tail(key), ["first", "second"]);
});
