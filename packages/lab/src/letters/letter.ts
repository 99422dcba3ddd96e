/**
 * Letters: the inputs of both tasks, and the rule that keeps a letter from escaping the output
 * folder once it becomes a file name.
 */
import { InvalidLetterError } from "./errors.js";

/** The seed's inputs: the English alphabet, in order. */
export const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** Longest accepted letter (query): keeps `{letter}.txt` and its temp name under 255 bytes. */
export const MAX_LETTER_LENGTH = 64;

// An allow-list, not a block-list: letters, digits, `_`, `-`, and dots or spaces inside. That rules
// out `/`, `\`, NUL, control characters, drive letters (`C:`), a leading dot (hidden files, `..`,
// and our own `.x.txt.*.tmp` temp names) and a trailing dot or space (which Windows strips).
const SAFE = /^[\p{L}\p{N}_-](?:[\p{L}\p{N}_. -]*[\p{L}\p{N}_-])?$/u;

/**
 * Returns `letter` if it maps to a safe file name inside any folder, or throws an
 * {@link InvalidLetterError} saying why not.
 * @example validateLetter("a") // "a"; validateLetter("../etc") throws
 */
export function validateLetter(letter: unknown): string {
  if (typeof letter !== "string") throw new InvalidLetterError(letter, "expected a string");
  if (letter === "") throw new InvalidLetterError(letter, "it is empty");
  if (letter.length > MAX_LETTER_LENGTH) {
    throw new InvalidLetterError(letter, `longer than ${MAX_LETTER_LENGTH} characters`);
  }
  if (letter.includes("\0")) throw new InvalidLetterError(letter, "it contains a NUL character");
  if (/[/\\]/.test(letter)) throw new InvalidLetterError(letter, "it contains a path separator");
  if (letter.includes("..")) throw new InvalidLetterError(letter, 'it contains ".."');
  if (!SAFE.test(letter)) {
    throw new InvalidLetterError(
      letter,
      "only letters, digits, '_' and '-' are allowed (and '.' or spaces inside), so that it is a safe file name",
    );
  }
  return letter;
}

/** The file a letter is written to and read from: `{letter}.txt`. */
export function letterFileName(letter: string): string {
  return `${validateLetter(letter)}.txt`;
}
