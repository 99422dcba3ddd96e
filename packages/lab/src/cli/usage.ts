import { SpecError } from "../letters/errors.js";

/** Exit codes of the concur command line (after a signal: 128 + its number, see interrupt.ts). */
export const exitCodes = { ok: 0, failure: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

/** A bad flag or argument: printed without a stack, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Parses a positive integer flag value, or throws a UsageError naming the flag. */
export function parsePositiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  }
  return n;
}

/** Parses a comma-separated list of positive integers, e.g. `--workers 1,2,4`. */
export function parsePositiveIntList(flag: string, value: string): number[] {
  const parts = value.split(",").map((part) => part.trim());
  if (parts.length === 0 || parts.some((part) => part === "")) {
    throw new UsageError(`${flag} must be a comma-separated list of positive integers, got "${value}"`);
  }
  return parts.map((part) => parsePositiveInt(flag, part));
}

/** Parses one of `choices`, or throws a UsageError listing them. */
export function parseChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${choices.join(", ")}, got "${value}"`);
}

/** Parses an integer flag within [min, max], or throws a UsageError naming the flag. */
export function parseInteger(flag: string, value: string, min: number, max: number): number {
  const n = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

/** Runs a latency or fault spec parser, turning its SpecError into a UsageError for the flag. */
export function specOrUsage<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof SpecError) throw new UsageError(`${flag}: ${error.message}`);
    throw error;
  }
}
