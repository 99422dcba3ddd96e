/**
 * The meter on this machine's real /proc: CPU time of this process and of its child processes,
 * their memory, and the load readings. The work is sized in CPU time, not wall time, so a busy
 * shared machine changes how long it takes, not what it measures.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { once } from "node:events";
import { createMeter } from "../../src/lab/meter.js";

const linux = existsSync("/proc/self/stat");

/** Spins until this process has used `ms` more CPU time. */
function burn(ms: number): void {
  const start = process.cpuUsage();
  while (process.cpuUsage(start).user < ms * 1000) {
    // spinning is the point
  }
}

/** A child that burns `ms` of CPU time, says so, then either exits or waits to be killed. */
function child(ms: number, stay: boolean) {
  const code = `const s = process.cpuUsage(); while (process.cpuUsage(s).user < ${ms * 1000}) {}
const keep = Buffer.alloc(32 * 1024 * 1024, 1); process.stdout.write("burnt\\n");
${stay ? "setInterval(() => keep[0], 1000);" : ""}`;
  return spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
}

describe("the meter", () => {
  test("says whether /proc is there", () => {
    const meter = createMeter();
    assert.equal(meter.tree, linux);
    assert.equal(meter.load, linux);
  });

  test("CPU time of this process over a run", () => {
    const clock = createMeter().run();
    clock.start();
    burn(120);
    clock.stop();
    const usage = clock.usage()!;
    assert.ok(usage.cpuUserMs + usage.cpuSystemMs >= 120, JSON.stringify(usage));
    assert.ok(usage.cpuUserMs < 400, JSON.stringify(usage));
    assert.ok(usage.peakRssBytes >= process.memoryUsage.rss() / 2);
    if (linux) assert.ok(usage.loadAverages!.length >= 2 && usage.intervals!.length >= 1);
    else assert.equal(usage.intervals, undefined);
  });

  test("no usage before the clock stops; stop twice changes nothing", () => {
    const clock = createMeter().run();
    assert.equal(clock.usage(), undefined);
    clock.start();
    assert.equal(clock.usage(), undefined);
    clock.stop();
    const first = clock.usage();
    clock.stop();
    assert.deepEqual(clock.usage(), first);
  });

  test("a child process that ran and exited during the run counts", async () => {
    const meter = createMeter();
    const clock = meter.run();
    clock.start();
    const worker = child(150, false);
    await once(worker, "exit");
    clock.stop();
    const { cpuUserMs, cpuSystemMs } = clock.usage()!;
    // This process only waited: without the child's time the run would read a few ms.
    if (linux) assert.ok(cpuUserMs + cpuSystemMs >= 140, `${cpuUserMs} + ${cpuSystemMs}`);
    else assert.ok(cpuUserMs + cpuSystemMs < 140);
  });

  test("a live child counts, CPU and memory, unless it belongs to another cell", async () => {
    const worker = child(150, true);
    try {
      const meter = createMeter();
      const mine = meter.run();
      const others = meter.run(new Set([worker.pid!]));
      mine.start();
      others.start();
      await once(worker.stdout!, "data");
      mine.stop();
      others.stop();
      if (linux) assert.ok(meter.children().includes(worker.pid!), String(meter.children()));
      const withChild = mine.usage()!;
      const without = others.usage()!;
      if (linux) {
        assert.ok(withChild.cpuUserMs + withChild.cpuSystemMs >= 140, JSON.stringify(withChild));
        // The child holds 32 MiB it touched: its memory is in the first run's peak only.
        assert.ok(withChild.peakRssBytes - without.peakRssBytes >= 32 * 2 ** 20, JSON.stringify(withChild));
      }
      assert.ok(without.cpuUserMs + without.cpuSystemMs < 100, JSON.stringify(without));
    } finally {
      worker.kill("SIGKILL");
      await once(worker, "exit");
    }
  });
});
