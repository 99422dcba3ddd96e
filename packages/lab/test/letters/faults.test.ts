import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { SpecError } from "../../src/letters/errors.js";
import {
  FaultPlan,
  checkFaults,
  describeFaults,
  parseFaults,
  type FaultOptions,
} from "../../src/letters/faults.js";
import { seededRandom } from "../../src/letters/random.js";

describe("parseFaults", () => {
  test("reads every clause", () => {
    assert.deepEqual(parseFaults("rate=0.1;kinds=500,hang, truncate;retry-after=2"), {
      rate: 0.1,
      kinds: [500, "hang", "truncate"],
      retryAfterSeconds: 2,
    });
    assert.deepEqual(parseFaults("rate=5%").rate, 0.05);
    assert.deepEqual(parseFaults("schedule=503*2,ok,invalid-json,stall*"), {
      schedule: [
        { fault: 503, times: 2 },
        { fault: "ok" },
        { fault: "invalid-json" },
        { fault: "stall", times: Infinity },
      ],
    });
    assert.deepEqual(parseFaults("q=a:429;q=A:ok;q=b:404*"), {
      queries: { a: [{ fault: 429 }, { fault: "ok" }], b: [{ fault: 404, times: Infinity }] },
    });
    assert.deepEqual(parseFaults("none"), {});
    assert.deepEqual(parseFaults(""), {});
  });

  const errors: Array<[string, RegExp]> = [
    ["rate", /in "rate", expected key=value/],
    ["rate=x", /rate "x" is not a number/],
    ["rate=2", /rate must be between 0 and 1/],
    ["kinds=500,teapot", /unknown fault "teapot"/],
    ["kinds=200", /status 200 is not an error status/],
    ["kinds=ok", /"ok" is not a fault kind/],
    ["schedule=503*0", /repeat count must be a positive integer/],
    ["schedule=503*x", /repeat count/],
    ["q=:500", /expected q=<query>:<steps>/],
    ["q=a", /expected q=<query>:<steps>/],
    ["retry-after=-1", /retry-after must be a whole non-negative number/],
    ["retry-after=1.5", /retry-after must be a whole/],
    ["colour=red", /unknown key "colour"/],
  ];
  for (const [spec, message] of errors) {
    test(`rejects ${JSON.stringify(spec)}`, () => {
      assert.throws(
        () => parseFaults(spec),
        (error: unknown) => {
          assert.ok(error instanceof SpecError);
          assert.equal(error.code, "ERR_INVALID_FAULTS");
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  test("checkFaults rejects bad options built in code", () => {
    assert.throws(() => checkFaults({ kinds: [] }), /kinds is empty/);
    assert.throws(() => checkFaults({ schedule: [{ fault: 500, times: 0 }] }), /times/);
    assert.throws(() => checkFaults({ queries: { a: ["boom" as "hang"] } }), /unknown fault "boom"/);
  });

  test("describeFaults", () => {
    assert.equal(describeFaults({}), "none");
    assert.equal(
      describeFaults(parseFaults("q=a:503*2,ok;rate=0.1")),
      "q=a: 503*2,ok; rate 10% of 500/503/429",
    );
    assert.equal(describeFaults(parseFaults("schedule=hang*")), "schedule hang*");
  });
});

describe("FaultPlan", () => {
  const plan = (options: FaultOptions, seed = 1) => new FaultPlan(options, seededRandom(seed));

  test("per-query schedules first, counted per query, then the global schedule, then ok", () => {
    const p = plan(parseFaults("q=a:503*2,ok,500;schedule=429,hang"));
    assert.equal(p.next("a"), 503);
    assert.equal(p.next("b"), 429); // global, 1st
    assert.equal(p.next("A"), 503); // queries match case-insensitively
    assert.equal(p.next("a"), "ok");
    assert.equal(p.next("a"), 500);
    assert.equal(p.next("a"), "hang"); // a's schedule is used up: the global one goes on
    assert.equal(p.next("c"), "ok");
    assert.equal(p.next("a"), "ok");
  });

  test("a step repeated forever never runs out", () => {
    const p = plan({ queries: { z: [{ fault: "truncate", times: Infinity }] } });
    for (let i = 0; i < 100; i++) assert.equal(p.next("z"), "truncate");
    assert.equal(p.next("y"), "ok");
  });

  test("rate draws faults from kinds, about as often as asked, deterministically per seed", () => {
    const draws = (seed: number) => {
      const p = plan({ rate: 0.25, kinds: [500, "hang"] }, seed);
      return Array.from({ length: 4000 }, () => p.next("a"));
    };
    const first = draws(5);
    assert.deepEqual(draws(5), first);
    const faults = first.filter((step) => step !== "ok");
    assert.ok(faults.length > 800 && faults.length < 1200, `${faults.length} faults`);
    assert.deepEqual(new Set(faults), new Set([500, "hang"]));
  });

  test("inert when nothing can fail", () => {
    assert.equal(plan({}).inert, true);
    assert.equal(plan({ rate: 0.1 }).inert, false);
    assert.equal(plan({ queries: { a: [500] } }).inert, false);
  });
});
