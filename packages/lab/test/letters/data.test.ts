import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { generateDataset } from "../../src/letters/data.js";
import { LETTERS } from "../../src/letters/letter.js";
import { parseRecordList } from "../../src/letters/record.js";
import { deriveSeed, seededRandom } from "../../src/letters/random.js";

describe("generateDataset", () => {
  const dataset = generateDataset({ seed: 7 });

  test("every letter has 10 well-formed records by default", () => {
    for (const letter of LETTERS) {
      const records = dataset.letter(letter);
      assert.equal(records.length, 10, letter);
      parseRecordList(records);
      for (const { name, url } of records) {
        assert.ok(name.length >= 5 && name.length <= 60, `name length ${name.length}: ${name}`);
        assert.ok(name.toLowerCase().startsWith(letter), `${name} starts with ${letter}`);
        assert.match(url, /^\/company\/[A-Z0-9]{4,10}\/$/);
      }
    }
  });

  test("ids, names and urls are unique", () => {
    const all = [...LETTERS].flatMap((letter) => dataset.letter(letter));
    assert.equal(new Set(all.map((r) => r.id)).size, all.length);
    assert.equal(new Set(all.map((r) => r.url)).size, all.length);
    for (const letter of LETTERS) {
      const names = dataset.letter(letter).map((r) => r.name);
      assert.equal(new Set(names).size, names.length);
    }
  });

  test("the same seed gives the same records; another seed, others", () => {
    assert.deepEqual(generateDataset({ seed: 7 }).letter("q"), dataset.letter("q"));
    assert.notDeepEqual(generateDataset({ seed: 8 }).letter("q"), dataset.letter("q"));
  });

  test("a letter's records do not depend on recordsPerLetter beyond their count", () => {
    const small = generateDataset({ seed: 7, recordsPerLetter: 3 }).letter("a");
    assert.deepEqual(
      small.map((r) => r.name),
      dataset
        .letter("a")
        .slice(0, 3)
        .map((r) => r.name),
    );
    assert.equal(generateDataset({ recordsPerLetter: 0 }).letter("a").length, 0);
  });

  test("search: a letter (either case), a prefix, or nothing", () => {
    assert.deepEqual(dataset.search("b"), [...dataset.letter("b")]);
    assert.deepEqual(dataset.search("B"), [...dataset.letter("b")]);
    const name = dataset.letter("k")[0]!.name;
    const prefix = name.slice(0, 3);
    const hits = dataset.search(prefix.toUpperCase());
    assert.ok(hits.some((r) => r.name === name));
    assert.ok(hits.every((r) => r.name.toLowerCase().startsWith(prefix.toLowerCase())));
    assert.deepEqual(dataset.search(""), []);
    assert.deepEqual(dataset.search("1"), []);
    assert.deepEqual(dataset.search("é"), []);
    assert.deepEqual(dataset.search("zzzzzzzz"), []);
  });

  test("rejects a bad seed or record count", () => {
    assert.throws(() => generateDataset({ seed: -1 }), /seed/);
    assert.throws(() => generateDataset({ seed: 1.5 }), /seed/);
    assert.throws(() => generateDataset({ recordsPerLetter: 100_000 }), /recordsPerLetter/);
  });
});

describe("seededRandom", () => {
  test("repeats for a seed, stays in [0, 1)", () => {
    const a = seededRandom(deriveSeed(1, "x"));
    const b = seededRandom(deriveSeed(1, "x"));
    for (let i = 0; i < 1000; i++) {
      const value = a();
      assert.equal(value, b());
      assert.ok(value >= 0 && value < 1);
    }
    assert.notEqual(deriveSeed(1, "a"), deriveSeed(1, "b"));
    assert.notEqual(deriveSeed(1, "a"), deriveSeed(2, "a"));
  });
});
