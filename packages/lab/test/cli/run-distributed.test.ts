/**
 * `concur run cpu --executor distributed` against the real Redis (REDIS_URL, else
 * 127.0.0.1:6379): the same results as a local executor, no worker process left afterwards
 * (at the end, after Ctrl-C, after the CLI is killed -9), no key left under the run's prefix,
 * and a clear, quick error when Redis cannot be reached.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { purgePrefix } from "@concur/distributed";
import { generateDataset } from "../../src/letters/data.js";
import { startEndpoint } from "../../src/letters/endpoint.js";
import { lettersTasksUrl } from "../../src/letters/index.js";
import { fileURLToPath } from "node:url";
import { connectTestRedis, redisUrl } from "../helpers/redis.js";
import { ELSEWHERE, workerElsewhere } from "../helpers/elsewhere.js";
import { processesGone, processesWith, startedWorkers } from "../helpers/processes.js";
import { exitWithin, runCli, runCliInProcess, spawnCli, until } from "../letters/helpers.js";

let dir: string;
let redis: Redis;
/** Prefixes to purge at the end, whatever a test left behind. */
const prefixes = new Set<string>();

function uniquePrefix(label: string): string {
  const prefix = `concur-test-run-${label}-${process.pid}-${randomUUID().slice(0, 8)}`;
  prefixes.add(prefix);
  return prefix;
}

async function keysUnder(prefix: string): Promise<string[]> {
  return redis.keys(`${prefix}:*`);
}

interface RunJson {
  executor: string;
  workers: number;
  localWorkers?: boolean;
  prefix?: string;
  failed: number;
  results: Array<{ input: { id: number }; ok: boolean; value: number }>;
}

before(async () => {
  redis = await connectTestRedis();
  dir = await mkdtemp(join(tmpdir(), "concur-run-distributed-"));
  const data = generateDataset();
  for (const letter of "abc")
    await writeFile(join(dir, `${letter}.txt`), JSON.stringify(data.letter(letter)));
});

after(async () => {
  for (const prefix of prefixes) await purgePrefix(redisUrl, prefix).catch(() => undefined);
  redis?.disconnect();
  await rm(dir, { recursive: true, force: true });
});

describe("concur run --executor distributed", { timeout: 240_000 }, () => {
  test("run cpu: two local workers give the sequential executor's results, then nothing is left", async () => {
    const common = ["run", "cpu", "--in", dir, "--letters", "ab", "--multiplier", "2", "--json"];
    const local = await runCli([...common, "--executor", "sequential"]);
    assert.equal(local.code, 0, local.stderr);
    const distributed = await runCli([
      ...common,
      "--executor",
      "distributed",
      "--workers",
      "2",
      "--redis",
      redisUrl,
    ]);
    assert.equal(distributed.code, 0, distributed.stderr);
    const started = startedWorkers(distributed.stderr);
    assert.ok(started, `the started workers are named on stderr:\n${distributed.stderr}`);
    assert.equal(started.pids.length, 2);
    const a = JSON.parse(local.stdout) as RunJson;
    const b = JSON.parse(distributed.stdout) as RunJson;
    assert.deepEqual([b.executor, b.workers, b.localWorkers, b.failed], ["distributed", 2, true, 0]);
    assert.equal(b.prefix, started.prefix);
    assert.equal(b.results.length, 20);
    assert.deepEqual(
      b.results.map((r) => [r.input.id, r.ok, r.value]),
      a.results.map((r) => [r.input.id, r.ok, r.value]),
    );
    // Gone as the CLI exits, not later: the CLI waits for its workers before it reports.
    assert.deepEqual(processesWith(started.prefix), [], "no worker process outlives the run");
    assert.deepEqual(await keysUnder(started.prefix), [], "the run's own prefix is emptied");
  });

  test("Ctrl-C mid-run: exit 130, every worker stopped, no key left", async () => {
    // Records big enough that the run lasts minutes: the signal lands mid-run.
    const cli = spawnCli(["run", "cpu", "--executor", "distributed", "--in", dir, "--letters", "abc", "--multiplier", "1000"]); // prettier-ignore
    try {
      await until(() => startedWorkers(cli.stderr()) !== undefined || cli.child.exitCode !== null);
      const started = startedWorkers(cli.stderr());
      assert.ok(started, cli.stderr());
      prefixes.add(started.prefix);
      // Jobs are taken: both workers are busy when the signal comes.
      await until(
        async () =>
          (await redis.exists(`${started.prefix}:tasks:active`)) === 1 || cli.child.exitCode !== null,
      );
      cli.child.kill("SIGINT");
      assert.equal(await exitWithin(cli, 30_000), 130, cli.stderr());
      assert.match(cli.stderr(), /interrupted after \d+\.\d{3} s: \d+ of 30 finished/);
      assert.deepEqual(processesWith(started.prefix), [], "no worker outlives an interrupted run");
      assert.deepEqual(await keysUnder(started.prefix), []);
    } finally {
      cli.child.kill("SIGKILL");
    }
  });

  test("the CLI killed -9 mid-run: its workers stop by themselves (stdin lifeline) and remove its keys", async () => {
    const cli = spawnCli(["run", "cpu", "--executor", "distributed", "--in", dir, "--letters", "abc", "--multiplier", "1000"]); // prettier-ignore
    try {
      await until(() => startedWorkers(cli.stderr()) !== undefined || cli.child.exitCode !== null);
      const started = startedWorkers(cli.stderr());
      assert.ok(started, cli.stderr());
      prefixes.add(started.prefix); // should the workers fail to clean up, the test does
      assert.equal(processesWith(started.prefix).length, 2);
      await until(async () => (await keysUnder(started.prefix)).length > 0);
      cli.child.kill("SIGKILL");
      await cli.exited;
      // Within the worker's grace (1 s) and the orphan margin (5 s), mid-task or not.
      assert.deepEqual(await processesGone(started.prefix, 15_000), [], "orphaned workers stopped");
      // BullMQ's queue keys have no TTL: the orphaned workers removed the dead run's prefix.
      assert.deepEqual(await keysUnder(started.prefix), []);
    } finally {
      cli.child.kill("SIGKILL");
    }
  });

  test("--no-local-workers uses the workers already serving the queue, and says when there are none", async () => {
    const prefix = uniquePrefix("remote");
    const none = await runCli(["run", "cpu", "--executor", "distributed", "--no-local-workers", "--prefix", prefix, "--in", dir, "--letters", "a"]); // prettier-ignore
    assert.equal(none.code, 1, none.stderr);
    assert.match(none.stderr, new RegExp(`no concur worker serves queue "tasks" \\(prefix "${prefix}"\\)`));
    assert.match(
      none.stderr,
      new RegExp(`concur worker --redis \\S+ --module ${fileURLToPath(lettersTasksUrl)} --prefix ${prefix}`),
    );
    const worker = spawnCli(["worker", "--redis", redisUrl, "--module", fileURLToPath(lettersTasksUrl), "--prefix", prefix, "--executor", "thread", "--workers", "1"]); // prettier-ignore
    try {
      await until(() => /serving queue/.test(worker.stderr()) || worker.child.exitCode !== null);
      const run = await runCli(["run", "cpu", "--executor", "distributed", "--no-local-workers", "--prefix", prefix, "--in", dir, "--letters", "a", "--multiplier", "2", "--json"]); // prettier-ignore
      assert.equal(run.code, 0, run.stderr);
      const doc = JSON.parse(run.stdout) as RunJson;
      assert.deepEqual([doc.localWorkers, doc.workers, doc.failed, doc.results.length], [false, 1, 0, 10]);
      assert.equal(worker.child.exitCode, null, "the user's worker is left running");
    } finally {
      worker.child.kill("SIGTERM");
      await exitWithin(worker, 20_000);
    }
  });

  test("run io on the embedded endpoint with a worker on another host: refused before any download", async () => {
    const prefix = uniquePrefix("away");
    const worker = await workerElsewhere(prefix);
    const out = join(dir, "away-out");
    try {
      const run = await runCli(["run", "io", "--executor", "distributed", "--no-local-workers", "--prefix", prefix, "--letters", "ab", "--out", out]); // prettier-ignore
      assert.equal(run.code, 1, run.stderr);
      assert.match(
        run.stderr,
        new RegExp(
          `concur run io downloads from the embedded endpoint on 127\\.0\\.0\\.1, which only this machine \\(.+\\) can reach, but workers on ${ELSEWHERE} serve queue`,
        ),
      );
      assert.match(run.stderr, /give --endpoint a URL every worker machine can reach\./);
      assert.equal(worker.child.exitCode, null, "the user's worker is left running");
      // Given an endpoint (this one the namespaced worker can reach: only its name differs), the
      // same run goes through: the embedded endpoint is refused, not the host.
      const endpoint = await startEndpoint({ latency: "0" });
      try {
        const given = await runCli(["run", "io", "--executor", "distributed", "--no-local-workers", "--prefix", prefix, "--letters", "ab", "--out", out, "--endpoint", endpoint.searchTemplate, "--json"]); // prettier-ignore
        assert.equal(given.code, 0, given.stderr);
        assert.equal((JSON.parse(given.stdout) as RunJson).failed, 0);
      } finally {
        await endpoint.close();
      }
    } finally {
      worker.child.kill("SIGTERM");
      await exitWithin(worker, 20_000);
    }
  });

  test("Redis unreachable: exit 1 within seconds, naming the URL and the fix; no worker started", async () => {
    const began = Date.now();
    const result = await runCli(["run", "cpu", "--executor", "distributed", "--redis", "redis://127.0.0.1:1", "--in", dir, "--letters", "a"]); // prettier-ignore
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /could not reach Redis at redis:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/);
    assert.match(result.stderr, /redis-server --daemonize yes/);
    assert.match(result.stderr, /--redis/);
    assert.doesNotMatch(result.stderr, /started in/);
    assert.equal(result.stdout, "");
    // The CLI's own start under tsx takes most of it: the probe itself is one refused connect.
    assert.ok(Date.now() - began < 20_000, `took ${Date.now() - began} ms`);
  });

  test("bad distributed flags exit 2 naming the flag", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["cpu", "--redis", redisUrl], /--redis: only with --executor distributed/],
      [["cpu", "--no-local-workers"], /--no-local-workers: only with --executor distributed/],
      [["cpu", "--executor", "distributed", "--redis", "http://x"], /--redis must be a redis:\/\/ or rediss:\/\/ URL/],
      [["cpu", "--executor", "distributed", "--no-local-workers", "--workers", "2"], /--workers sets how many workers the lab starts here: not with --no-local-workers/],
      [["cpu", "--executor", "distributed", "--prefix", "a*"], /--prefix must be a key prefix without spaces or glob characters/],
      [["cpu", "--executor", "distributed", "--queue", "a:b"], /--queue must be letters, digits/],
      [["io", "--executor", "cluster"], /--executor must be one of sequential, async, thread, process, distributed, got "cluster"/],
    ]; // prettier-ignore
    for (const [args, message] of cases) {
      const result = await runCliInProcess(["run", ...args, ...(args[0] === "cpu" ? ["--in", dir] : [])]);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
  });

  test("concur worker --remove-prefix-when-orphaned without --stop-on-stdin-close: exit 2", async () => {
    const result = await runCliInProcess(["worker", "--redis", redisUrl, "--module", fileURLToPath(lettersTasksUrl), "--remove-prefix-when-orphaned"]); // prettier-ignore
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--remove-prefix-when-orphaned: only with --stop-on-stdin-close/);
  });
});
