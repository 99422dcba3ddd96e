/**
 * Several hosts: two `concur worker` processes, each on a host of its own (a Linux network
 * namespace with its own address and link, see helpers/netns.ts), Redis and the submitter in the
 * root namespace. 60 tasks of 150 ms; once a quarter have settled, host a's link is cut (its
 * eth0 goes down). Nothing fails on a: its connections just go silent, so it stops renewing its
 * job locks; they expire (2 s), host b's stalled check (every 2 s) puts the jobs back, and b runs
 * them. Every future settles exactly once with its value. Every run is counted (in a file: a
 * cut-off host cannot reach Redis, but it goes on running what it holds), and the only second
 * runs are b's, after the cut, of jobs host a held. Then the link comes back: a's late results
 * reach the submitter and are dropped as duplicates, and no future settles again.
 *
 * Must run as root (network namespaces); without it the test fails saying so, it never skips.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Redis } from "ioredis";
import { DistributedExecutor, readStatus } from "../src/index.js";
import type { HostRun } from "./fixtures/host-tasks.js";
import { noteProcess, notePath, removeLeftovers, removeRun, runDirectory } from "./helpers/leftovers.js";
import { createHosts, onInterrupt, removeStaleHosts, type NetnsHost } from "./helpers/netns.js";
import { OwnRedis, startWorkerProcess, stopProcess, type WorkerProcess } from "./helpers/processes.js";
import { connectForTest, uniquePrefix, until, within } from "./helpers/redis.js";

type HostTasks = typeof import("./fixtures/host-tasks.js");
const hostTasksUrl = new URL("./fixtures/host-tasks.ts", import.meta.url);

const TASKS = 60;
const TASK_MS = 150;
/** Jobs each worker holds at once: at most this many can be caught on the cut-off host. */
const CONCURRENCY = 3;
/** Results settled before the cut. */
const CUT_AFTER = 15;

let hosts: NetnsHost[] = [];
let server: OwnRedis | undefined;
let inspect: Redis | undefined;
let ex: DistributedExecutor<HostTasks> | undefined;
let runsDir: string | undefined;
const workers: WorkerProcess[] = [];

const LABEL = "concur-multihost";

/** Everything, synchronously: for Ctrl-C, when `after` does not run. */
function cleanupNow(): void {
  for (const host of hosts) host.destroy(); // kills the workers too: they run in the namespaces
  if (runsDir) removeRun(runsDir); // kills the redis-server, removes its directory and the run logs
}
const offInterrupt = onInterrupt(cleanupNow);

before(async () => {
  // What runs killed with SIGKILL left: their namespaces (and workers), redis-server, files.
  removeStaleHosts();
  removeLeftovers(LABEL);
  runsDir = runDirectory(LABEL);
  hosts = createHosts(["a", "b"]);
  server = await OwnRedis.start([
    "--appendonly",
    "no",
    "--save",
    "",
    "--bind",
    "127.0.0.1",
    ...hosts.map((host) => host.rootIp),
    // Bound to the hosts' private links only; protected mode would refuse every host but loopback.
    "--protected-mode",
    "no",
  ]);
  noteProcess(runsDir, server.pid!);
  notePath(runsDir, server.dir);
  inspect = await connectForTest(server.url);
});

after(async () => {
  await ex?.shutdown({ cancelFutures: true, timeout: 2_000 }).catch(() => undefined);
  await Promise.all(workers.map((worker) => stopProcess(worker)));
  inspect?.disconnect();
  for (const host of hosts) host.destroy();
  await server?.stop();
  if (runsDir) removeRun(runsDir);
  offInterrupt();
});

function runLog(host: NetnsHost): string {
  return join(runsDir!, `${host.label}.jsonl`);
}

function readRuns(host: NetnsHost): HostRun[] {
  const file = runLog(host);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as HostRun);
}

/** Tasks started on `host` and not finished there. */
function runningOn(host: NetnsHost): number[] {
  const runs = readRuns(host);
  const ended = new Set(runs.filter((run) => run.event === "end").map((run) => run.n));
  return runs.filter((run) => run.event === "start" && !ended.has(run.n)).map((run) => run.n);
}

/** The IPv4 addresses Redis sees its clients connect from. */
async function clientAddresses(redis: Redis): Promise<string[]> {
  const list = (await redis.client("LIST")) as string;
  return [...new Set([...list.matchAll(/ addr=([\d.]+):\d+ /g)].map((match) => match[1]!))].sort();
}

test(
  "two hosts, one cut off the network mid-run: its jobs finish on the other, every future settles once",
  { timeout: 60_000 },
  async () => {
    const [a, b] = hosts as [NetnsHost, NetnsHost];
    const prefix = uniquePrefix("multihost");
    const port = server!.port;
    const [workerA, workerB] = await Promise.all(
      hosts.map((host) =>
        startWorkerProcess(
          `redis://${host.rootIp}:${port}`,
          prefix,
          ["--executor", "async", "--workers", String(CONCURRENCY), "--concurrency", String(CONCURRENCY)],
          {
            wrap: host.exec,
            module: hostTasksUrl,
            env: { CONCUR_TEST_HOST: host.label, CONCUR_TEST_RUNS: runLog(host) },
          },
        ),
      ),
    );
    workers.push(workerA!, workerB!);
    const logs = (): string => `\n--- worker a:\n${workerA!.output()}\n--- worker b:\n${workerB!.output()}`;

    // Separate hosts: besides the submitter's loopback, Redis sees exactly the two hosts' addresses.
    assert.deepEqual(
      (await clientAddresses(inspect!)).filter((address) => address !== "127.0.0.1"),
      [a.ip, b.ip].sort(),
      "each worker reaches Redis from its own host's address",
    );

    // One job per task, so that what host a held at the cut is at most CONCURRENCY tasks (the
    // bound on doubles below); batches on a machine that goes away are chaos.test.ts's and
    // faults.test.ts's subject.
    ex = new DistributedExecutor<HostTasks>(hostTasksUrl, {
      connection: server!.url,
      prefix,
      coalesceSubmits: false,
    });
    const executor = ex;
    const futures = Array.from({ length: TASKS }, (_, n) => executor.submit("whereRun", n, TASK_MS));
    const settlements = new Array<number>(TASKS).fill(0);
    futures.forEach((future, n) => future.addDoneCallback(() => settlements[n]!++));

    await until(
      () => futures.filter((f) => f.done()).length >= CUT_AFTER && runningOn(a).length > 0,
      30_000,
      `${CUT_AFTER} results, with host a in the middle of a task`,
    );
    // The link goes down at some instant between these two.
    const cutAt = Date.now();
    a.cut();
    const cutDone = Date.now();
    const heldAtCut = runningOn(a);

    const results = await within(
      Promise.all(futures),
      30_000,
      () =>
        `tasks ${futures.flatMap((f, n) => (f.done() ? [] : [n])).join(", ")} still pending 30 s after ` +
        `host a was cut off (lock 2 s + stalled check 2 s should bring them back)${logs()}`,
    );
    const recoveredIn = Date.now() - cutAt;
    // A result is pushed before its job completes in BullMQ, and a job whose completion host a
    // sent as the link went down stays active until its lock expires and b runs it again: the
    // queue is empty only a little after the last result.
    const queueLength = async (list: string): Promise<number> =>
      inspect!.llen(`${prefix}:host-tasks:${list}`);
    await until(
      async () => (await queueLength("active")) + (await queueLength("wait")) === 0,
      15_000,
      "no job left active or waiting",
    );

    assert.deepEqual(
      results.map((result) => result.value),
      Array.from({ length: TASKS }, (_, n) => n + 1),
    );
    const runs = [...readRuns(a), ...readRuns(b)];
    const starts = (n: number): HostRun[] => runs.filter((run) => run.n === n && run.event === "start");
    const twice: number[] = [];
    for (let n = 0; n < TASKS; n++) {
      const where = starts(n).map((run) => run.host);
      assert.ok(where.length >= 1, `task ${n} has a result but never ran`);
      assert.equal(
        new Set(where).size,
        where.length,
        `task ${n} ran twice on one host (${where.join(", ")})`,
      );
      if (where.length === 2) {
        twice.push(n);
        const second = starts(n).find((run) => run.host === "b")!;
        assert.ok(
          second.at >= cutAt,
          `task ${n} ran on both hosts, on b ${cutAt - second.at} ms before the cut`,
        );
      }
      if (results[n]!.host === "a") {
        const end = runs.find((run) => run.n === n && run.host === "a" && run.event === "end");
        assert.ok(
          end !== undefined && end.at <= cutDone,
          `task ${n}'s result came from host a, which finished it ` +
            `${end === undefined ? "never" : `${end.at - cutDone} ms after the cut`}`,
        );
      }
    }
    const recovered = twice.filter((n) => results[n]!.host === "b");
    assert.ok(
      results.some((result) => result.host === "a"),
      "host a ran tasks before the cut",
    );
    assert.ok(
      recovered.length >= 1,
      `the cut caught host a holding jobs (it was running ${heldAtCut.join(", ") || "nothing"}), and b ran them`,
    );
    assert.ok(
      twice.length <= CONCURRENCY,
      `only the jobs host a held (at most ${CONCURRENCY}) ran twice; these did: ${twice.join(", ")}`,
    );
    assert.ok(recoveredIn < 20_000, `recovered in ${recoveredIn} ms, past the bound of 20 s`);

    // `concur status` drops the silent host once its heartbeat's TTL (3 beats of 2 s) runs out.
    await until(
      async () => {
        const status = await readStatus({ connection: server!.url, prefix });
        return status.workers.length === 1 && status.workers[0]!.pid === workerB!.child.pid;
      },
      10_000,
      "`concur status` to show host b's worker only",
    );

    // The partition heals: a's connections resume, its late results arrive and are dropped (one
    // per task run twice), its heartbeat returns, and no future settles again.
    const healAt = Date.now();
    a.heal();
    await until(
      async () => (await readStatus({ connection: server!.url, prefix })).workers.length === 2,
      20_000,
      "host a's worker back in `concur status` after the link came back",
    );
    await until(
      () => executor.duplicateResults >= twice.length,
      5_000,
      `the late results of the ${twice.length} task(s) run on both hosts`,
    );
    const healedIn = Date.now() - healAt;
    console.log(
      `multihost: host a held ${heldAtCut.join(", ")} at the cut; ${recovered.length} job(s) finished on b ` +
        `${recoveredIn} ms after it; ${twice.length} task(s) ran on both hosts; ` +
        `the link back: ${executor.duplicateResults} late result(s) dropped within ${healedIn} ms`,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(executor.duplicateResults, twice.length, "no result beyond one per run");
    assert.deepEqual(settlements, new Array<number>(TASKS).fill(1), "each future settled exactly once");
  },
);
