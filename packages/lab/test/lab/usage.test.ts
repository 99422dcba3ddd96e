import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { LoadInterval, RunUsage } from "../../src/lab/meter.js";
import { LOAD_WINDOW_MS, SPIKE_CORES, cellLoad, cellResources } from "../../src/lab/usage.js";

/** A run whose samples are `intervals` apart, other processes taking `cores` in each. */
function run(intervals: Array<[wallMs: number, cores: number]>, loads: number[] = [1]): RunUsage {
  return {
    cpuUserMs: 100,
    cpuSystemMs: 10,
    peakRssBytes: 50,
    intervals: intervals.map(([wallMs, cores]): LoadInterval => ({ wallMs, otherCpuMs: wallMs * cores })),
    loadAverages: loads,
  };
}

describe("a cell's resources", () => {
  test("CPU time per run in run order, and the highest peak memory", () => {
    const runs = [
      { cpuUserMs: 90, cpuSystemMs: 4, peakRssBytes: 80 },
      { cpuUserMs: 110, cpuSystemMs: 6, peakRssBytes: 120 },
    ];
    assert.deepEqual(cellResources(runs, "tree"), {
      scope: "tree",
      cpuUserMs: [90, 110],
      cpuSystemMs: [4, 6],
      peakRssBytes: 120,
    });
  });
});

describe("a cell's load", () => {
  test("a quiet cell: no spike; the highest load average read", () => {
    const load = cellLoad([
      run(
        [
          [250, 0.1],
          [250, 0.05],
        ],
        [0.5, 1.2],
      ),
      run([[500, 0]], [0.9]),
    ]);
    assert.deepEqual(load, {
      samples: 3,
      maxLoadAverage: 1.2,
      maxOtherCpuCores: 0.075,
      meanOtherCpuCores: 0.0375,
      spike: false,
    });
  });

  test("other processes over a quarter of a core in one window: a spike", () => {
    const load = cellLoad([
      run([[500, 0.05]]),
      run([
        [250, 0.8],
        [250, 0.8],
      ]),
      run([[500, 0.05]]),
    ]);
    assert.equal(load !== "unavailable" && load.maxOtherCpuCores, 0.8);
    assert.equal(load !== "unavailable" && load.spike, true);
    assert.ok(0.8 > SPIKE_CORES);
  });

  test("short runs pool into windows: a burst no longer than one tick does not make a spike", () => {
    // 20 runs of 50 ms; one run reads a whole core taken (a few ticks), the others nothing.
    const runs = Array.from({ length: 20 }, (_, i) => run([[50, i === 3 ? 1 : 0]]));
    const load = cellLoad(runs);
    assert.ok(load !== "unavailable");
    assert.equal(load.maxOtherCpuCores, 0.1, "50 ms of one core over a 500 ms window");
    assert.equal(load.spike, false);
    // …but a cell whose every run is busy is one.
    const busy = cellLoad(Array.from({ length: 20 }, () => run([[50, 0.5]])));
    assert.ok(busy !== "unavailable" && busy.spike);
  });

  test("a cell too short to judge: no share, no spike; a half window is judged", () => {
    const short = cellLoad([run([[100, 2]])]);
    assert.ok(short !== "unavailable");
    assert.equal(short.maxOtherCpuCores, null);
    assert.equal(short.meanOtherCpuCores, null);
    assert.equal(short.spike, false);
    const half = cellLoad([run([[LOAD_WINDOW_MS / 2, 2]])]);
    assert.ok(half !== "unavailable" && half.maxOtherCpuCores === 2 && half.spike);
  });

  test("tick rounding below zero reads as zero", () => {
    const load = cellLoad([run([[500, -0.02]])]);
    assert.ok(load !== "unavailable");
    assert.equal(load.maxOtherCpuCores, 0);
    assert.equal(load.meanOtherCpuCores, 0);
  });

  test("without /proc: unavailable", () => {
    assert.equal(cellLoad([{ cpuUserMs: 1, cpuSystemMs: 1, peakRssBytes: 1 }]), "unavailable");
    assert.equal(cellLoad([]), "unavailable");
  });
});
