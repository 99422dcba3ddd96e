/**
 * The submitter's result reader against real Redis: results come in the order pushed, a burst
 * larger than one call comes whole, an idle wait says so, and a Redis without BLMPOP (renamed
 * away here, as on a Redis before 7.0) is read with BRPOP and RPOP instead.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Redis } from "ioredis";
import { ResultReader } from "../src/executor/result-reader.js";
import { OwnRedis } from "./helpers/processes.js";
import { connectForTest, deleteUnder, redisUrl, uniquePrefix, until } from "./helpers/redis.js";

const prefix = uniquePrefix("reader");
let admin: Redis;

before(async () => {
  admin = await connectForTest();
});
after(async () => {
  await deleteUnder(admin, prefix);
  admin.disconnect();
});

/** Reads `key` on a connection of its own, as the executor does; collects what arrives. */
function read(url: string, key: string): { reader: ResultReader; got: string[]; idle: () => number } {
  const got: string[] = [];
  let idle = 0;
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  connection.on("error", () => undefined);
  const reader = new ResultReader(
    connection,
    key,
    (bytes) => got.push(bytes.toString()),
    () => idle++,
  );
  return { reader, got, idle: () => idle };
}

/** Pushes as the workers do: LPUSH, so the oldest is at the tail the reader pops from. */
async function pushAll(redis: Redis, key: string, values: readonly string[]): Promise<void> {
  for (let i = 0; i < values.length; i += 500) await redis.lpush(key, ...values.slice(i, i + 500));
}

test("results come in the order pushed, one at a time and in a burst larger than one call", async () => {
  const key = `${prefix}:order`;
  const { reader, got } = read(redisUrl, key);
  try {
    await admin.lpush(key, "lone");
    await until(() => got.length === 1, 5_000, "the lone result");
    const burst = Array.from({ length: 2_500 }, (_, i) => `r${i}`);
    await pushAll(admin, key, burst);
    await until(() => got.length === 1 + burst.length, 10_000, "the burst");
    assert.deepEqual(got, ["lone", ...burst]);
    assert.equal(reader.legacy, false, "this Redis has BLMPOP");
    assert.equal(await admin.exists(key), 0, "the list is drained");
  } finally {
    await reader.stop();
  }
});

test("an idle wait calls onIdle (what drives the reconcile) and goes on reading", async () => {
  const key = `${prefix}:idle`;
  const { reader, got, idle } = read(redisUrl, key);
  try {
    await until(() => idle() >= 1, 5_000, "an idle call");
    await admin.lpush(key, "late");
    await until(() => got.length === 1, 5_000, "the result after the idle wait");
    assert.deepEqual(got, ["late"]);
  } finally {
    await reader.stop();
  }
});

test("a Redis without BLMPOP is read with BRPOP and RPOP, in order, nothing lost", async () => {
  const own = await OwnRedis.start(["--rename-command", "BLMPOP", ""]);
  const redis = new Redis(own.url, { maxRetriesPerRequest: 1 });
  const key = "legacy:results";
  const { reader, got } = read(own.url, key);
  try {
    const values = Array.from({ length: 1_500 }, (_, i) => `v${i}`);
    await redis.lpush(key, "first");
    await until(() => got.length === 1, 5_000, "the first result");
    assert.equal(reader.legacy, true, "the reader noticed BLMPOP is missing");
    await pushAll(redis, key, values);
    await until(() => got.length === 1 + values.length, 10_000, "the rest");
    assert.deepEqual(got, ["first", ...values]);
  } finally {
    await reader.stop();
    redis.disconnect();
    await own.stop();
  }
});
