/**
 * Task 2 of the seed (CPU-bound): a deliberately silly double loop over one record. The loop is
 * the point (it is the CPU work being measured), so it must not be replaced by its closed form.
 */
import { InvalidArgumentError } from "concur";
import { InvalidRecordError, describe } from "./errors.js";
import { checkNameAndUrl, type CompanyRecord } from "./record.js";

/** The seed's multiplier `m`. */
export const DEFAULT_MULTIPLIER = 99;

/**
 * Exactly the seed's arithmetic: `a = len(name)·m`, `b = len(url)·m`, then the largest
 * `i·(j/a)` over `i < a`, `j < b`. Lengths are JavaScript string lengths (UTF-16 code units),
 * which equal Python's `len` for the ASCII names the endpoint serves.
 * @param multiplier - `m`; smaller values make the task quicker (tests use 1 to 5)
 * @throws `InvalidRecordError` when `name` or `url` is not a string
 * @example processLetter({ id: 1, name: "Acme", url: "/company/A1/" }, 1) // (4-1)·(12-1)/4 = 8.25
 */
export function processLetter(record: CompanyRecord, multiplier: number = DEFAULT_MULTIPLIER): number {
  const { a, b } = sizes(record, multiplier);
  let r = 0;
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      const t = i * (j / a);
      r = Math.max(r, t);
    }
  }
  return r;
}

/**
 * What {@link processLetter} returns, computed directly: `(a-1)·(b-1)/a`, or 0 when either field
 * is empty. A test oracle only; it may differ from the loop in the last bits of the float.
 */
export function processLetterClosedForm(
  record: CompanyRecord,
  multiplier: number = DEFAULT_MULTIPLIER,
): number {
  const { a, b } = sizes(record, multiplier);
  return a === 0 || b === 0 ? 0 : ((a - 1) * (b - 1)) / a;
}

/** How many times the inner loop body runs for this record (`a·b`): the unit of CPU work. */
export function innerIterations(record: CompanyRecord, multiplier: number = DEFAULT_MULTIPLIER): number {
  const { a, b } = sizes(record, multiplier);
  return a * b;
}

function sizes(record: CompanyRecord, multiplier: number): { a: number; b: number } {
  if (!Number.isSafeInteger(multiplier) || multiplier < 0) {
    throw new InvalidArgumentError(`multiplier must be a non-negative integer, got ${String(multiplier)}`);
  }
  const value: unknown = record;
  if (typeof value !== "object" || value === null) {
    throw new InvalidRecordError(`expected a record {id, name, url}, got ${describe(value)}`);
  }
  const { name, url } = record;
  checkNameAndUrl(name, url);
  return { a: name.length * multiplier, b: url.length * multiplier };
}
