/**
 * `--filter`: which cells run. A filter is a comma-separated list of glob patterns over cell ids
 * (`task/executor/workers`, Python's executors prefixed `py-`: `cpu/thread/2`, `io/async/26`,
 * `io/py-thread/8`, `user:resize/process/4`). `*` matches any run of characters, slashes
 * included; `?` matches one character; everything else matches itself. A pattern must match the
 * whole id; a cell runs when any pattern matches it.
 *
 * Globs rather than substrings: `cpu/thread/2` must not also pick `cpu/thread/24`, and `*` says
 * where anything goes (`cpu/*`, `io/py-*`).
 */

/** A parsed `--filter`. */
export interface CellFilter {
  /** The patterns as given, comma-separated. */
  readonly source: string;
  readonly patterns: readonly string[];
  matches(cellId: string): boolean;
}

/** One glob pattern as an anchored regular expression. */
function globToRegExp(pattern: string): RegExp {
  const body = [...pattern]
    .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\/]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, "su");
}

/** Parses a filter; throws a RangeError when it holds no pattern or an empty one (`a,,b`). */
export function parseCellFilter(text: string): CellFilter {
  const patterns = text.split(",").map((part) => part.trim());
  if (patterns.every((pattern) => pattern === ""))
    throw new RangeError(`filter must hold at least one pattern, got "${text}"`);
  if (patterns.some((pattern) => pattern === ""))
    throw new RangeError(`filter must be comma-separated patterns without empty ones, got "${text}"`);
  const expressions = patterns.map(globToRegExp);
  return {
    source: patterns.join(","),
    patterns,
    matches: (cellId) => expressions.some((expression) => expression.test(cellId)),
  };
}

/** A filter that selects no cell: its message names the filter and every cell id it could pick. */
export class NoCellMatchError extends RangeError {
  override name = "NoCellMatchError";
  constructor(
    readonly filter: string,
    readonly cellIds: readonly string[],
  ) {
    super(
      `filter "${filter}" matches none of the cells (patterns are globs over the whole id: * any characters, ? one). ` +
        `The cells are: ${cellIds.join(", ")}`,
    );
  }
}
