import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { advise, recommend, renderAdvice, type Advice } from "../../src/lab/advisor.js";
import { summarize } from "../../src/lab/stats.js";

type Measured = Omit<Advice, "recommendation">;

function measured(
  overrides: { wall: number; cpu: number; gain: number; inputs?: number; cores?: number } & Partial<Measured>,
): Measured {
  const { wall, cpu, gain, inputs = 100, cores = 4, ...rest } = overrides;
  return {
    module: "m.ts",
    task: "t",
    inputs,
    cores,
    sample: {
      calls: 10,
      wallMs: summarize([wall, wall, wall]),
      cpuMs: summarize([cpu, cpu, cpu]),
      cpuShare: cpu / wall,
      concurrentWallMs: (wall * 10) / gain,
      concurrencyGain: gain,
    },
    serialization: { ok: true, inputBytes: 10, resultBytes: 10, cloneMsPerCall: 0.001 },
    pools: {
      thread: { startupMs: 30, overheadMsPerCall: 0.1 },
      process: { startupMs: 90, overheadMsPerCall: 0.2 },
      errors: [],
    },
    ...rest,
  };
}

describe("the advisor's decision", () => {
  test("a task that waits gets async, its concurrency from the CPU share", () => {
    const r = recommend(measured({ wall: 100, cpu: 2, gain: 9.5 }));
    assert.equal(r.executor, "async");
    assert.equal(r.workers, 50); // 1 / 0.02
    assert.match(r.reasons.join("\n"), /they overlap \(9\.5×\)/);
  });

  test("CPU-bound with many inputs: the cheaper pool, one worker per core", () => {
    const r = recommend(measured({ wall: 50, cpu: 50, gain: 1 }));
    assert.equal(r.executor, "thread");
    assert.equal(r.workers, 4);
    assert.equal(r.estimateMs.sequential, 5000);
    assert.equal(r.estimateMs.recommended, 30 + (100 * 50.1) / 4);
  });

  test("CPU-bound with too few inputs to pay for start-up: sequential, and when a pool would pay off", () => {
    const r = recommend(measured({ wall: 5, cpu: 5, gain: 1, inputs: 4 }));
    assert.equal(r.executor, "sequential");
    assert.match(r.reasons.at(-1)!, /outweigh the gain.*pays? off from about 9 inputs/);
  });

  test("inputs that cannot be sent to a worker keep the task in this thread", () => {
    const r = recommend(
      measured({
        wall: 50,
        cpu: 50,
        gain: 1,
        serialization: { ok: false, error: "function could not be cloned" },
      }),
    );
    assert.equal(r.executor, "sequential");
    assert.match(r.reasons.join("\n"), /cannot be sent to a worker \(function could not be cloned\)/);
  });

  test("advise measures a real task (no pools) and renders", async () => {
    const module = fileURLToPath(new URL("../fixtures/lab-tasks.ts", import.meta.url));
    const advice = await advise({ module, task: "nap", inputs: [15, 15, 15, 15, 15, 15], pools: false });
    assert.equal(advice.sample.calls, 6);
    assert.equal(advice.recommendation.executor, "async");
    assert.match(renderAdvice(advice), /^Recommendation for nap \(6 inputs/);
    await assert.rejects(advise({ module, task: "nope", inputs: [1] }), /"nope" is not an exported function/);
  });
});
