import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { generateDataset } from "../../src/letters/data.js";
import { InvalidRecordError } from "../../src/letters/errors.js";
import { LETTERS } from "../../src/letters/letter.js";
import { innerIterations, processLetter, processLetterClosedForm } from "../../src/letters/process.js";
import type { CompanyRecord } from "../../src/letters/record.js";

/** Equal up to float rounding: the loop divides j/a before multiplying, the closed form does not. */
function assertClose(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs ${expected}`,
  );
}

describe("processLetter", () => {
  const records = [...LETTERS].flatMap((letter) =>
    generateDataset({ seed: 2, recordsPerLetter: 2 }).letter(letter),
  );

  test("matches the closed form (a-1)(b-1)/a for every record, small multipliers", () => {
    for (const multiplier of [1, 2, 3]) {
      for (const record of records) {
        assertClose(
          processLetter(record, multiplier),
          processLetterClosedForm(record, multiplier),
          `${record.name} m=${multiplier}`,
        );
      }
    }
  });

  test("exact values on hand-made records", () => {
    const acme: CompanyRecord = { id: 1, name: "Acme", url: "/company/A1/" }; // a = 4, b = 12
    assert.equal(processLetter(acme, 1), (3 * 11) / 4);
    assert.equal(processLetterClosedForm(acme, 1), 8.25);
    assert.equal(innerIterations(acme, 1), 48);
    assert.equal(innerIterations(acme), 4 * 99 * 12 * 99);
    assert.equal(processLetter({ id: 2, name: "A", url: "/" }, 1), 0, "a = 1 gives 0");
  });

  test("empty fields or a zero multiplier give 0", () => {
    for (const record of [
      { id: 1, name: "", url: "/company/X/" },
      { id: 2, name: "Name", url: "" },
    ]) {
      assert.equal(processLetter(record, 2), 0);
      assert.equal(processLetterClosedForm(record, 2), 0);
    }
    assert.equal(processLetter(records[0]!, 0), 0);
  });

  test("the default multiplier is the seed's 99", () => {
    const record: CompanyRecord = { id: 1, name: "Abc", url: "/x/" }; // a = 297, b = 297
    assert.equal(innerIterations(record), 297 * 297);
    assertClose(processLetter(record), (296 * 296) / 297, "m=99");
  });

  test("rejects records whose name or url is not a string, and bad multipliers", () => {
    const bad: unknown[] = [
      null,
      42,
      "a",
      { id: 1, url: "/x/" },
      { id: 1, name: "A", url: 5 },
      { id: 1, name: ["A"], url: "/x/" },
    ];
    for (const record of bad) {
      assert.throws(
        () => processLetter(record as CompanyRecord, 1),
        InvalidRecordError,
        JSON.stringify(record),
      );
    }
    assert.throws(() => processLetter(records[0]!, -1), { code: "ERR_INVALID_ARGUMENT" });
    assert.throws(() => processLetter(records[0]!, 1.5), { code: "ERR_INVALID_ARGUMENT" });
  });
});
