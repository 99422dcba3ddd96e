/**
 * The codec against V8's structured clone, the reference: whatever path a value takes (JSON text
 * or V8's format), it must arrive as structured clone would deliver it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { deserialize, serialize } from "node:v8";
import fc from "fast-check";
import {
  MalformedResultError,
  decodeArgs,
  decodeResult,
  encodeArgs,
  encodeResult,
} from "../src/protocol/codec.js";
import { jsonExactSize } from "../src/protocol/json-exact.js";

const BIG = 64 * 1024 * 1024;
const structuredCopy = <T>(value: T): T => deserialize(serialize(value)) as T;

/**
 * `actual` is `expected` as structured clone sees it. Node 20's deepStrictEqual calls two invalid
 * Dates unequal (a Map holding `new Date(NaN)` failed about 1 run in 20), so a difference it
 * reports stands only if V8's bytes differ too (they may differ for equal values, e.g. an array
 * JSON.parse built against a structured clone's, so they cannot decide alone).
 */
function assertSameClone(actual: unknown, expected: unknown): void {
  try {
    assert.deepStrictEqual(actual, expected);
  } catch (error) {
    if (!serialize(actual).equals(serialize(expected))) throw error;
  }
}

const anything = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
});
/**
 * Values JSON carries: no -0, NaN, undefined, class instances… (the JSON path's domain; a
 * `__proto__` key, which the path refuses to be safe, is left out).
 */
const plain = fc
  .jsonValue()
  .map((value) => JSON.parse(JSON.stringify(value)) as unknown)
  .filter((value) => !JSON.stringify(value).includes('"__proto__"'));

test("arguments arrive as structured clone delivers them, whichever path they take", () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(anything, plain), { maxLength: 4 }), (args) => {
      const encoded = encodeArgs("t", args, BIG);
      assertSameClone(decodeArgs(encoded), structuredCopy(args));
    }),
    { numRuns: 2_000 },
  );
});

test("results arrive as structured clone delivers them, whichever path they take", () => {
  fc.assert(
    fc.property(fc.oneof(anything, plain), fc.double({ min: 0, max: 1e6, noNaN: true }), (v, ms) => {
      const message = { id: "job-1", k: "ok" as const, v, ms, host: "h" };
      assertSameClone(decodeResult(encodeResult(message)), structuredCopy(message));
    }),
    { numRuns: 2_000 },
  );
});

test("a result message with a job id but a wrong field is a MalformedResultError naming the field", () => {
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ id: "j", k: "done" }, /its kind is "done"/],
    [{ id: "j", k: "ok", v: 1 }, /its run time \(ms\) is undefined/],
    [{ id: "j", k: "ok", v: 1, ms: -1 }, /its run time \(ms\) is -1/],
    [{ id: "j", k: "err", ms: 1 }, /its error \(e\) is missing/],
    [{ id: "j", k: "err", ms: 1, e: {}, partial: "x" }, /partial results are not a list/],
  ];
  for (const [message, why] of bad) {
    assert.throws(
      () => decodeResult(Buffer.from(JSON.stringify(message))),
      (error: unknown) =>
        error instanceof MalformedResultError && error.jobId === "j" && why.test(error.message),
      JSON.stringify(message),
    );
  }
  assert.throws(() => decodeResult(Buffer.from('{"k":"ok"}')), TypeError);
  assert.deepEqual(decodeResult(Buffer.from('{"id":"j","k":"start"}')), { id: "j", k: "start" });
});

test("plain values take the JSON path; values JSON would change take V8's", () => {
  fc.assert(
    fc.property(fc.array(plain, { maxLength: 4 }), (args) => {
      assert.equal(encodeArgs("t", args, BIG)[0], "[");
      assert.equal(encodeResult({ id: "j", k: "ok", v: args, ms: 1, host: "h" })[0], 0x7b);
    }),
    { numRuns: 500 },
  );
  const shared = { n: 1 };
  const withExtra = Object.assign([1, 2], { extra: true });
  const changedByJson: unknown[] = [
    -0,
    NaN,
    Infinity,
    undefined,
    { a: undefined },
    [1, , 3], // eslint-disable-line no-sparse-arrays
    new Date(0),
    new Map([[1, 2]]),
    2n,
    new Uint8Array([1]),
    [shared, shared],
    { nested: withExtra },
    JSON.parse('{"__proto__": 1}'),
    new (class Point {
      x = 1;
    })(),
  ];
  for (const value of changedByJson) {
    assert.equal(jsonExactSize([value]), -1, `JSON-exact: ${String(value)}`);
    const encoded = encodeArgs("t", [value], BIG);
    assert.notEqual(encoded[0], "[", `took the JSON path: ${String(value)}`);
  }
  // A Proxy fails as it does for structured clone, rather than crossing as JSON.
  assert.equal(jsonExactSize([new Proxy({}, {})]), -1);
  assert.throws(() => encodeArgs("t", [new Proxy({}, {})], BIG), { code: "ERR_NOT_SERIALIZABLE" });
  // The shared reference survives as one object, the array keeps its extra property.
  const [pair] = decodeArgs(encodeArgs("t", [[shared, shared]], BIG)) as [[object, object]];
  assert.equal(pair[0], pair[1]);
  const [{ nested }] = decodeArgs(encodeArgs("t", [{ nested: withExtra }], BIG)) as [
    { nested: { extra?: boolean } },
  ];
  assert.equal(nested.extra, true);
});

test("arguments are copied at submit: a later change does not travel", () => {
  const record = { name: "a" };
  const encoded = encodeArgs("t", [record], BIG);
  record.name = "changed";
  assert.deepEqual(decodeArgs(encoded), [{ name: "a" }]);
});

test("the payload limit holds on both paths", () => {
  assert.throws(() => encodeArgs("t", ["x".repeat(5000)], 1024), /maxPayloadBytes \(1024\)/);
  assert.throws(() => encodeArgs("t", [new Map([[1, "x".repeat(5000)]])], 1024), /maxPayloadBytes \(1024\)/);
  // JSON's upper bound is over the limit, its real size is not: JSON still goes.
  assert.equal(encodeArgs("t", ["x".repeat(200)], 1024)[0], "[");
});
