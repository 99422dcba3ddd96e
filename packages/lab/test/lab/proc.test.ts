/** The /proc readers: parsers on fixture text, the tree and machine readers on a fake /proc. */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  parseAllowedCpus,
  parseChildren,
  parseCpuList,
  parseCpuTicks,
  parseLoadAverage,
  parseProcStat,
  parseStatusRss,
} from "../../src/lab/proc/parse.js";
import { systemReader } from "../../src/lab/proc/system.js";
import { childrenOf, readChildren } from "../../src/lab/proc/tree.js";

/** A /proc/<pid>/stat line with the given parent and times (ticks); the rest as a real one. */
function statLine(pid: number, comm: string, ppid: number, [utime, stime, cutime, cstime]: number[]): string {
  return `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 2533 0 2 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 7 0 52454 746237952 10726 18446744073709551615 1 1 0 0 0 0 0 16781312 83458 0 0 0 17 1 0 0 0 0 0\n`;
}

const STATUS = (rssKb: number): string =>
  `Name:\tnode\nState:\tS (sleeping)\nPid:\t1\nVmPeak:\t  999999 kB\nVmHWM:\t   88888 kB\nVmRSS:\t   ${rssKb} kB\nThreads:\t7\nCpus_allowed_list:\t0-1\n`;

const PROC_STAT = [
  "cpu  29620 3376 15661 53632 834 0 781 0 0 0",
  "cpu0 100 10 50 900 5 7 3 2 0 0",
  "cpu1 200 20 60 800 5 7 3 2 0 0",
  "cpu2 5000 0 5000 100 0 0 0 0 0 0",
  "intr 1234 0 0",
  "ctxt 98765",
  "",
].join("\n");

describe("/proc parsers", () => {
  test("stat: the fields after the command name, even one with spaces and parentheses", () => {
    assert.deepEqual(parseProcStat(statLine(42, "my (odd) name", 7, [8, 2, 30, 4])), {
      ppid: 7,
      utime: 8,
      stime: 2,
      cutime: 30,
      cstime: 4,
    });
    assert.equal(parseProcStat(""), undefined);
    assert.equal(parseProcStat("42 (node) S 7 x"), undefined, "a truncated line is no reading");
  });

  test("status: VmRSS in bytes, and the allowed CPUs", () => {
    assert.equal(parseStatusRss(STATUS(1500)), 1500 * 1024);
    assert.equal(parseStatusRss("Name:\tzombie\nState:\tZ (zombie)\n"), undefined);
    assert.deepEqual(parseAllowedCpus(STATUS(1)), [0, 1]);
    assert.equal(parseAllowedCpus("Name:\tx\n"), undefined);
  });

  test("CPU lists", () => {
    assert.deepEqual(parseCpuList("0-3,8,10-11"), [0, 1, 2, 3, 8, 10, 11]);
    assert.deepEqual(parseCpuList("5"), [5]);
    assert.equal(parseCpuList("3-1"), undefined);
    assert.equal(parseCpuList("a"), undefined);
  });

  test("children lists", () => {
    assert.deepEqual(parseChildren("10439 10440 "), [10439, 10440]);
    assert.deepEqual(parseChildren(""), []);
  });

  test("loadavg: the 1-minute average", () => {
    assert.equal(parseLoadAverage("2.24 2.87 1.43 1/164 10410\n"), 2.24);
    assert.equal(parseLoadAverage(""), undefined);
    assert.equal(parseLoadAverage("x y z"), undefined);
  });

  test("/proc/stat: user + nice + system of the CPUs asked for, interrupts and steal left out", () => {
    assert.deepEqual(parseCpuTicks(PROC_STAT, new Set([0, 1])), { busy: 160 + 280, cpus: 2 });
    assert.deepEqual(parseCpuTicks(PROC_STAT), { busy: 160 + 280 + 10000, cpus: 3 });
    assert.equal(parseCpuTicks("cpu  1 2 3 4\n"), undefined, "the total line alone is not enough");
    assert.equal(parseCpuTicks(PROC_STAT, new Set([7])), undefined);
  });
});

/** Writes a fake /proc: `files` maps paths under it to their text. */
async function fakeProc(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "concur-fake-proc-"));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

// 100 (the lab) reaped children worth 30+5 ticks; its main thread started 200, a worker thread
// 300; 200 started 400. 500 is not ours; 600 is listed but exited before it was read.
const TREE: Record<string, string> = {
  "100/stat": statLine(100, "node", 1, [50, 10, 30, 5]),
  "100/task/100/children": "200 600 ",
  "100/task/101/children": "300",
  "200/stat": statLine(200, "node", 100, [100, 20, 1, 2]),
  "200/status": STATUS(1000),
  "200/task/200/children": "400",
  "400/stat": statLine(400, "sh", 200, [10, 3, 0, 0]),
  "400/status": STATUS(500),
  "400/task/400/children": "",
  "300/stat": statLine(300, "node", 100, [7, 3, 0, 0]),
  "300/status": STATUS(2048),
  "300/task/300/children": "",
  "500/stat": statLine(500, "other", 1, [9999, 9999, 0, 0]),
  "500/status": STATUS(9999),
  "500/task/500/children": "",
};

describe("the process tree from /proc", () => {
  const roots: string[] = [];
  let withChildren: string;
  let withoutChildren: string;
  before(async () => {
    withChildren = await fakeProc(TREE);
    // A kernel without task/<tid>/children: the tree comes from every process's parent.
    const childrenFiles = Object.keys(TREE).filter((path) => path.endsWith("/children"));
    withoutChildren = await fakeProc(
      Object.fromEntries(Object.entries(TREE).filter(([path]) => !childrenFiles.includes(path))),
    );
    for (const path of childrenFiles) await mkdir(join(withoutChildren, dirname(path)), { recursive: true });
    roots.push(withChildren, withoutChildren);
  });
  after(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

  const expected = {
    reaped: { userMs: 300, systemMs: 50 },
    live: new Map([
      // 200 with 400 under it: own and reaped ticks of both, × 10 ms; memory of both.
      [200, { userMs: (100 + 1 + 10) * 10, systemMs: (20 + 2 + 3) * 10, rssBytes: 1500 * 1024 }],
      [300, { userMs: 70, systemMs: 30, rssBytes: 2048 * 1024 }],
    ]),
  };

  test("each live child with its descendants, and what the root reaped", () => {
    assert.deepEqual(childrenOf(100, withChildren).sort(), [200, 300, 600]);
    assert.deepEqual(readChildren(100, withChildren), expected);
  });

  test("without children files, by scanning the parents", () => {
    assert.deepEqual(childrenOf(100, withoutChildren).sort(), [200, 300]);
    assert.deepEqual(readChildren(100, withoutChildren), expected);
  });

  test("no /proc: undefined, not a throw", () => {
    assert.equal(readChildren(100, join(withChildren, "missing")), undefined);
    assert.deepEqual(childrenOf(100, join(withChildren, "missing")), []);
  });
});

describe("the machine's load from /proc", () => {
  let proc: string;
  before(async () => {
    proc = await fakeProc({
      stat: PROC_STAT,
      loadavg: "3.50 2.00 1.00 2/300 999\n",
      "self/status": STATUS(1),
    });
  });
  after(() => rm(proc, { recursive: true, force: true }));

  test("busy CPU time of the CPUs this process may use, and the load average", () => {
    const read = systemReader(proc);
    assert.ok(read);
    assert.deepEqual(read(), { busyMs: (160 + 280) * 10, loadAverage: 3.5 });
  });

  test("no /proc: no reader", () => {
    assert.equal(systemReader(join(proc, "missing")), undefined);
  });
});
