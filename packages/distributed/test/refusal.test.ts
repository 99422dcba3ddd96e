/**
 * A Redis that turns connections away says why, and the error says it too: here a real
 * redis-server at its client limit (`--maxclients 1`, the one slot taken), which answers a new
 * connection with "-ERR max number of clients reached" and hangs up, as one in protected mode
 * answers "-DENIED …". ioredis alone reports only `write EPIPE` for both.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Redis } from "ioredis";
import { DistributedExecutor, RedisConnectionError, probeRedis } from "../src/index.js";
import { describeRefusal, readRefusal } from "../src/redis/refusal.js";
import { OwnRedis } from "./helpers/processes.js";
import { redisUrl, tasksUrl, type Tasks } from "./helpers/redis.js";

let full: OwnRedis;
let holder: Redis;

before(async () => {
  full = await OwnRedis.start(["--maxclients", "1"]);
  holder = new Redis(full.url, { maxRetriesPerRequest: 1 });
  await holder.ping(); // the only slot
});
after(async () => {
  holder.disconnect();
  await full.stop();
});

const FULL = /refused the connection: ERR max number of clients reached/;

test("readRefusal reads the line a full Redis hangs up with, and nothing from a healthy one", async () => {
  assert.equal(await readRefusal(full.url), "ERR max number of clients reached");
  assert.equal(await readRefusal(redisUrl, 300), undefined);
  assert.equal(await readRefusal("redis://127.0.0.1:1", 300), undefined);
});

test("probeRedis names the refusal, not EPIPE", async () => {
  const error = await probeRedis(full.url).then(
    () => assert.fail("resolved"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RedisConnectionError, String(error));
  assert.match(error.message, FULL);
});

test("a DistributedExecutor fails at once with the refusal, not after its connect timeout", async () => {
  const began = Date.now();
  const ex = new DistributedExecutor<Tasks>(tasksUrl, { connection: full.url, connectTimeout: 10_000 });
  try {
    const error = await ex.submit("inc", 1).then(
      () => assert.fail("resolved"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof RedisConnectionError, String(error));
    assert.match((error as Error).message, FULL);
    assert.ok(Date.now() - began < 5_000, `took ${Date.now() - began} ms`);
  } finally {
    await ex.shutdown();
  }
});

test("protected mode's page-long refusal is cut to its first sentences, with what to do", () => {
  // Redis 7.0's words, as a client from another host reads them.
  const denied =
    "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. " +
    "In this mode connections are only accepted from the loopback interface. " +
    "If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode.";
  const text = describeRefusal(denied);
  assert.match(text, /^DENIED Redis is running in protected mode .+ loopback interface\. …/);
  assert.doesNotMatch(text, /external computers/);
  assert.match(text, /requirepass/);
  assert.equal(describeRefusal("ERR max number of clients reached"), "ERR max number of clients reached");
});
