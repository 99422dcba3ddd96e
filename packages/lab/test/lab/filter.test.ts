import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { NoCellMatchError, parseCellFilter } from "../../src/lab/filter.js";

const ids = [
  "io/sequential/1",
  "io/async/26",
  "io/thread/2",
  "io/thread/24",
  "io/py-thread/8",
  "cpu/thread/2",
  "cpu/process/2",
  "user:re.size/process/4",
];

function picked(pattern: string): string[] {
  const filter = parseCellFilter(pattern);
  return ids.filter((id) => filter.matches(id));
}

describe("--filter patterns", () => {
  test("a pattern without wildcards matches that id only, not a longer one", () => {
    assert.deepEqual(picked("io/thread/2"), ["io/thread/2"]);
    assert.deepEqual(picked("thread"), [], "not a substring match");
  });

  test("* matches any run of characters, slashes included", () => {
    assert.deepEqual(picked("cpu/*"), ["cpu/thread/2", "cpu/process/2"]);
    assert.deepEqual(picked("*/thread/*"), ["io/thread/2", "io/thread/24", "cpu/thread/2"]);
    assert.deepEqual(picked("*thread*"), ["io/thread/2", "io/thread/24", "io/py-thread/8", "cpu/thread/2"]);
  });

  test("? matches exactly one character", () => {
    assert.deepEqual(picked("io/thread/?"), ["io/thread/2"]);
    assert.deepEqual(picked("io/thread/??"), ["io/thread/24"]);
  });

  test("comma-separated patterns: any may match; spaces around them are ignored", () => {
    assert.deepEqual(picked("io/async/*, cpu/process/*"), ["io/async/26", "cpu/process/2"]);
    assert.equal(parseCellFilter(" io/async/* , cpu/* ").source, "io/async/*,cpu/*");
  });

  test("other characters match themselves, regular-expression ones included", () => {
    assert.deepEqual(picked("user:re.size/*"), ["user:re.size/process/4"]);
    assert.deepEqual(picked("user:reXsize/*"), [], ". is not a wildcard");
    assert.deepEqual(picked("io/(thread)/2"), []);
  });

  test("an empty filter or an empty pattern is refused, naming what was given", () => {
    assert.throws(() => parseCellFilter(""), /filter must hold at least one pattern, got ""/);
    assert.throws(() => parseCellFilter(" , "), /at least one pattern/);
    assert.throws(() => parseCellFilter("cpu/*,,io/*"), /without empty ones, got "cpu\/\*,,io\/\*"/);
  });

  test("the error for a filter that matches nothing lists every cell id", () => {
    const error = new NoCellMatchError("gpu/*", ids);
    assert.ok(error instanceof RangeError);
    assert.match(error.message, /^filter "gpu\/\*" matches none of the cells/);
    assert.match(error.message, /\* any characters, \? one/);
    assert.ok(error.message.endsWith(`The cells are: ${ids.join(", ")}`), error.message);
  });
});
