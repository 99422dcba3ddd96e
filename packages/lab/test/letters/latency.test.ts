import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { isConcurError } from "concur";
import { SpecError } from "../../src/letters/errors.js";
import {
  checkLatency,
  describeLatency,
  formatLatency,
  parseDuration,
  parseLatency,
  sampleLatency,
  type LatencyModel,
} from "../../src/letters/latency.js";
import { seededRandom } from "../../src/letters/random.js";

describe("parseLatency", () => {
  const cases: Array<[string, LatencyModel]> = [
    ["100ms", { kind: "fixed", ms: 100 }],
    ["0", { kind: "fixed", ms: 0 }],
    ["none", { kind: "fixed", ms: 0 }],
    ["1.5s", { kind: "fixed", ms: 1500 }],
    [" fixed:250ms ", { kind: "fixed", ms: 250 }],
    ["uniform:50ms..150ms", { kind: "uniform", minMs: 50, maxMs: 150 }],
    ["uniform:0..1s", { kind: "uniform", minMs: 0, maxMs: 1000 }],
    ["lognormal:80ms,p99=400ms", { kind: "lognormal", medianMs: 80, p99Ms: 400 }],
    ["LOGNORMAL:median=80ms, p99=0.4s", { kind: "lognormal", medianMs: 80, p99Ms: 400 }],
  ];
  for (const [spec, model] of cases) {
    test(`parses ${JSON.stringify(spec)}`, () => {
      assert.deepEqual(parseLatency(spec), model);
      assert.deepEqual(parseLatency(formatLatency(model)), model, "formatLatency round-trips");
    });
  }

  const errors: Array<[string, RegExp]> = [
    ["", /not a duration/],
    ["100", /needs a unit: 100ms or 100s/],
    ["fast", /"fast" is not a duration/],
    ["-5ms", /not a duration/],
    ["100us", /not a duration/],
    ["gauss:10ms", /unknown model "gauss"/],
    ["uniform:50ms", /two durations joined by "\.\."/],
    ["uniform:150ms..50ms", /minimum is above the maximum/],
    ["uniform:1ms..x", /the maximum "x"/],
    ["lognormal:80ms", /a median and a p99/],
    ["lognormal:80ms,p95=100ms", /a median and a p99/],
    ["lognormal:80ms,p99=40ms", /p99 is below the median/],
    ["lognormal:0,p99=40ms", /median must be above 0/],
    ["11min", /not a duration/],
    ["700s", /above the 600 s maximum/],
  ];
  for (const [spec, message] of errors) {
    test(`rejects ${JSON.stringify(spec)} with a message saying why`, () => {
      assert.throws(
        () => parseLatency(spec),
        (error: unknown) => {
          assert.ok(error instanceof SpecError);
          assert.ok(isConcurError(error, "ERR_INVALID_LATENCY"));
          assert.equal(error.spec, spec);
          assert.match(error.message, message);
          assert.match(
            error.message,
            new RegExp(`invalid latency "${spec.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`),
          );
          return true;
        },
      );
    });
  }

  test("checkLatency rejects bad models built in code", () => {
    assert.throws(() => checkLatency({ kind: "fixed", ms: -1 }), /non-negative/);
    assert.throws(() => checkLatency({ kind: "fixed", ms: NaN }), /non-negative/);
    assert.throws(() => checkLatency({ kind: "odd" } as unknown as LatencyModel), /unknown model kind "odd"/);
  });
});

describe("describeLatency", () => {
  test("names the model and its parameters", () => {
    assert.equal(describeLatency({ kind: "fixed", ms: 100 }), "fixed 100ms");
    assert.equal(describeLatency({ kind: "uniform", minMs: 50, maxMs: 150 }), "uniform 50ms..150ms");
    assert.equal(
      describeLatency({ kind: "lognormal", medianMs: 80, p99Ms: 400 }),
      "lognormal median 80ms p99 400ms",
    );
  });
});

describe("sampleLatency", () => {
  test("fixed and uniform stay where they should", () => {
    const random = seededRandom(1);
    assert.equal(sampleLatency({ kind: "fixed", ms: 42 }, random), 42);
    for (let i = 0; i < 1000; i++) {
      const ms = sampleLatency({ kind: "uniform", minMs: 50, maxMs: 150 }, random);
      assert.ok(ms >= 50 && ms <= 150, String(ms));
    }
  });

  test("lognormal has about the median and p99 asked for, and a capped tail", () => {
    const random = seededRandom(3);
    const model: LatencyModel = { kind: "lognormal", medianMs: 80, p99Ms: 400 };
    const samples = Array.from({ length: 20_000 }, () => sampleLatency(model, random)).sort((a, b) => a - b);
    const median = samples[samples.length / 2]!;
    const p99 = samples[Math.floor(samples.length * 0.99)]!;
    assert.ok(median > 72 && median < 88, `median ${median}`);
    assert.ok(p99 > 320 && p99 < 480, `p99 ${p99}`);
    assert.ok(samples.at(-1)! <= 2000 && samples[0]! > 0);
  });
});

test("parseDuration", () => {
  assert.equal(parseDuration("0"), 0);
  assert.equal(parseDuration("12ms"), 12);
  assert.equal(parseDuration("2S"), 2000);
  assert.equal(parseDuration(".5s"), 500);
  assert.equal(parseDuration("12"), undefined);
});
