import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateDataset } from "../../src/letters/data.js";
import { LoadLettersError } from "../../src/letters/errors.js";
import { LETTERS } from "../../src/letters/letter.js";
import { loadLetters } from "../../src/letters/load.js";
import { tempDir } from "./helpers.js";

describe("loadLetters", () => {
  const dataset = generateDataset({ seed: 4 });
  let dir: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    dir = await tempDir();
    for (const letter of LETTERS)
      await writeFile(join(dir.path, `${letter}.txt`), JSON.stringify(dataset.letter(letter)));
  });
  after(() => dir.remove());

  test("reads the 26 files and concatenates them in letter order", async () => {
    const records = await loadLetters(dir.path);
    assert.equal(records.length, 260);
    assert.deepEqual(
      records,
      [...LETTERS].flatMap((letter) => dataset.letter(letter)),
    );
  });

  test("reads a given list, in the order given", async () => {
    assert.deepEqual(await loadLetters(dir.path, ["c", "a"]), [
      ...dataset.letter("c"),
      ...dataset.letter("a"),
    ]);
    assert.deepEqual(await loadLetters(dir.path, []), []);
  });

  test("a missing file is an error naming it", async () => {
    await assert.rejects(loadLetters(dir.path, ["a", "nope"]), (error: unknown) => {
      assert.ok(error instanceof LoadLettersError);
      assert.equal(error.code, "ERR_LETTERS_FILE_MISSING");
      assert.equal(error.file, join(dir.path, "nope.txt"));
      assert.match(error.message, /nope\.txt does not exist/);
      return true;
    });
  });

  test("a corrupt file is an error naming it and saying what is wrong", async () => {
    const cases: Array<[string, string, RegExp]> = [
      ["bad1", '[{"id": 1,', /bad1\.txt is corrupt: not valid JSON/],
      ["bad2", '{"id": 1}', /bad2\.txt is corrupt: expected a JSON list of records, got an object/],
      ["bad3", '[{"id": 1, "name": "A", "url": null}]', /bad3\.txt is corrupt: record 0: "url" is null/],
      [
        "bad4",
        '[{"id": "1", "name": "A", "url": "/"}]',
        /bad4\.txt is corrupt: record 0: "id" is "1", expected a number/,
      ],
      ["bad5", "", /bad5\.txt is corrupt/],
    ];
    for (const [letter, text, message] of cases) {
      await writeFile(join(dir.path, `${letter}.txt`), text);
      await assert.rejects(loadLetters(dir.path, ["a", letter]), {
        code: "ERR_LETTERS_FILE_CORRUPT",
        message,
      });
    }
  });

  test("the first bad file in letter order is the one reported", async () => {
    await assert.rejects(loadLetters(dir.path, ["a", "bad1", "nope"]), { code: "ERR_LETTERS_FILE_CORRUPT" });
    await assert.rejects(loadLetters(dir.path, ["nope", "bad1"]), { code: "ERR_LETTERS_FILE_MISSING" });
  });

  test("a letter that is not a safe file name is refused", async () => {
    await assert.rejects(loadLetters(dir.path, ["../etc/passwd"]), { code: "ERR_INVALID_LETTER" });
  });
});
