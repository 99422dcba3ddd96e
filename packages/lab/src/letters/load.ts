/**
 * The prerequisite of Task 2: reading back the files Task 1 wrote. Not timed, as in the seed.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { LoadLettersError } from "./errors.js";
import { LETTERS, letterFileName } from "./letter.js";
import { parseRecordList, type CompanyRecord } from "./record.js";

/**
 * Reads `{letter}.txt` for each letter in `dir`, checks each is a JSON list of records, and
 * returns all records, in the order of `letters`.
 * @param letters - which files to read @default the 26 letters a..z
 * @throws `InvalidLetterError` for a letter that is not a safe file name; `LoadLettersError`
 * (`ERR_LETTERS_FILE_MISSING` or `ERR_LETTERS_FILE_CORRUPT`, with `file`) naming the first bad file
 */
export async function loadLetters(
  dir: string,
  letters: readonly string[] = [...LETTERS],
): Promise<CompanyRecord[]> {
  const files = letters.map((letter) => join(dir, letterFileName(letter)));
  // Read in parallel, but report the first bad file in letter order, so the error is stable.
  const results = await Promise.allSettled(files.map(loadFile));
  const records: CompanyRecord[] = [];
  for (const result of results) {
    if (result.status === "rejected") throw result.reason;
    records.push(...result.value);
  }
  return records;
}

async function loadFile(file: string): Promise<CompanyRecord[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new LoadLettersError(
        "ERR_LETTERS_FILE_MISSING",
        `${file} does not exist (run the download first)`,
        file,
        {
          cause: error,
        },
      );
    }
    throw new LoadLettersError(
      "ERR_LETTERS_FILE_CORRUPT",
      `${file} cannot be read: ${(error as Error).message}`,
      file,
      {
        cause: error,
      },
    );
  }
  try {
    return parseRecordList(JSON.parse(text));
  } catch (error) {
    const why = error instanceof SyntaxError ? `not valid JSON (${error.message})` : (error as Error).message;
    throw new LoadLettersError("ERR_LETTERS_FILE_CORRUPT", `${file} is corrupt: ${why}`, file, {
      cause: error,
    });
  }
}
