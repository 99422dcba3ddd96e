/**
 * The one rule for every option and argument concur checks: a bad value throws (or, from a
 * function that returns a promise, rejects with) `InvalidArgumentError`, whose message names the
 * place and the option, says what it must be, and shows what it got:
 * `ThreadPoolExecutor: maxWorkers must be a positive integer up to 1024, got 1000000000`.
 */
import { InvalidArgumentError } from "./errors.js";

/**
 * The longest delay concur accepts, in milliseconds (2³¹ − 1, about 24.8 days). Node's timers
 * store the delay in 32 bits: a longer one is set to 1 ms and fires at once, so every timeout,
 * wait or grace period above this is refused rather than silently cut short.
 */
export const MAX_DELAY_MS = 2 ** 31 - 1;

/** Shows a wrong value in a message: short, and never throws (a null-prototype object has no toString). */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object" && value !== null) return "an object";
  return String(value);
}

/** The error every check throws: `${name} must be ${rule}, got ${value}`. */
export function invalid(name: string, rule: string, value: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`${name} must be ${rule}, got ${describeValue(value)}`);
}

/** A positive integer (up to `max`), or Infinity when allowed; `fallback` when undefined. */
export function checkCount(
  name: string,
  value: unknown,
  fallback: number,
  allowInfinity = false,
  max = Infinity,
): number {
  if (value === undefined) return fallback;
  if (allowInfinity && value === Infinity) return Infinity;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    const upTo = Number.isFinite(max) ? ` up to ${max}` : "";
    throw invalid(name, `a positive integer${upTo}${allowInfinity ? " or Infinity" : ""}`, value);
  }
  return value;
}

/**
 * A duration for a timer: a finite number of milliseconds up to MAX_DELAY_MS, above 0 when
 * `positive` (a task's own timeout: 0 would fail every task), else 0 or more (a grace period, or
 * a wait where 0 means "do not wait", as in Python); `fallback` when undefined.
 */
export function checkMilliseconds<F extends number | undefined>(
  name: string,
  value: unknown,
  fallback: F,
  positive = false,
): number | F {
  if (value === undefined) return fallback;
  if (
    typeof value !== "number" ||
    !Number.isFinite(value) ||
    value > MAX_DELAY_MS ||
    (positive ? !(value > 0) : value < 0)
  ) {
    const rule = positive
      ? `a positive number of milliseconds up to ${MAX_DELAY_MS}`
      : `a number of milliseconds from 0 to ${MAX_DELAY_MS}`;
    throw invalid(name, rule, value);
  }
  return value;
}

/** A wait's timeout (result, exception, wait, asCompleted): 0 or more milliseconds, or none. */
export function checkWaitTimeout(
  where: string,
  options: { timeout?: number } | undefined,
): number | undefined {
  return checkMilliseconds(
    `${where}: timeout`,
    checkOptions(`${where}: options`, options).timeout,
    undefined,
  );
}

/** `true` or `false`; `fallback` when undefined. */
export function checkBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw invalid(name, "true or false", value);
  return value;
}

/** One of `allowed`; `fallback` when undefined. */
export function checkOneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) throw invalid(name, `one of ${allowed.join(", ")}`, value);
  return value as T;
}

/** An options object (undefined is none); anything else is refused. */
export function checkOptions<T extends object>(name: string, value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw invalid(name, "an object", value);
  return value;
}

/** An AbortSignal (by shape, so that a signal from another realm or polyfill also works). */
export function checkSignal(name: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  const signal = value as AbortSignal;
  if (
    typeof value !== "object" ||
    value === null ||
    typeof signal.aborted !== "boolean" ||
    typeof signal.addEventListener !== "function"
  )
    throw invalid(name, "an AbortSignal", value);
  return signal;
}

/** An iterable (or, with `allowAsync`, an async iterable). */
export function checkIterable(name: string, value: unknown, allowAsync: boolean): void {
  const object = value as Record<symbol, unknown> | null | undefined;
  const iterable =
    object != null &&
    (typeof object[Symbol.iterator] === "function" ||
      (allowAsync && typeof object[Symbol.asyncIterator] === "function"));
  if (!iterable) throw invalid(name, allowAsync ? "an iterable or an async iterable" : "an iterable", value);
}

/** An array (optionally of strings). */
export function checkArray(name: string, value: unknown, ofStrings = false): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || (ofStrings && !value.every((item) => typeof item === "string")))
    throw invalid(name, ofStrings ? "an array of strings" : "an array", value);
}
