/**
 * Does JSON carry a value exactly, as V8's structured clone would? Most tasks' arguments and
 * results are numbers, strings and plain records, and `v8.serialize` costs ~5 µs for `[1]` and
 * ~10 µs for a result message here, JSON ~1 µs: for a tiny task that is a large share of its
 * cost. So the codec sends JSON when this walk says nothing would change, and V8's format
 * otherwise. "Exactly" means the structured-clone round trip and the JSON one give equal values:
 *
 * - numbers must be finite and not -0 (JSON writes NaN and ±Infinity as null, -0 as 0);
 * - no undefined anywhere (JSON drops the key, or writes null in an array), no holes;
 * - objects must be plain (prototype Object.prototype or null: a class instance, Date, Map, Error,
 *   typed array, Proxy… take the V8 path), without a `__proto__` key;
 * - no object may appear twice: structured clone keeps shared references and cycles, JSON
 *   would copy (or throw);
 * - arrays must be plain and, below the top level, hold nothing but their elements (structured
 *   clone keeps extra properties on an array; JSON drops them). The check costs an Object.keys,
 *   so arrays longer than MAX_CHECKED_ARRAY below the top take the V8 path. The top-level list
 *   is concur's own (the rest arguments, or a chunk's inputs).
 */
import { isProxy } from "node:util/types";

const MAX_DEPTH = 64;
const MAX_CHECKED_ARRAY = 1024;

/**
 * An upper bound of the UTF-8 size of `JSON.stringify(value)`, or -1 when JSON would not carry
 * `value` exactly. `depth` 0: `value` is a list concur made.
 */
export function jsonExactSize(value: unknown, depth = 0, seen = new Set<object>()): number {
  switch (typeof value) {
    case "string":
      // Escapes (\uXXXX) are at most 6 bytes a UTF-16 unit.
      return 6 * value.length + 2;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0) ? 24 : -1;
    case "boolean":
      return 5;
    case "object":
      break;
    default:
      return -1; // undefined, bigint, symbol, function
  }
  if (value === null) return 4;
  if (depth > MAX_DEPTH || seen.has(value) || isProxy(value)) return -1;
  seen.add(value);
  let size = 2;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return -1;
    if (depth > 0 && (value.length > MAX_CHECKED_ARRAY || Object.keys(value).length !== value.length))
      return -1;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === undefined) return -1; // a hole reads as undefined too
      const itemSize = jsonExactSize(item, depth + 1, seen);
      if (itemSize < 0) return -1;
      size += itemSize + 1;
    }
    return size;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return -1;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key === "__proto__") return -1;
    const item = record[key];
    if (item === undefined) return -1;
    const itemSize = jsonExactSize(item, depth + 1, seen);
    if (itemSize < 0) return -1;
    size += 6 * key.length + 4 + itemSize;
  }
  return size;
}
