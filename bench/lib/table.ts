/** Plain-text tables as Markdown: the same string reads well in a terminal and in BENCHMARKS.md. */

export type Align = "left" | "right";

export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly Align[],
): string {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length), 3),
  );
  const cell = (text: string, i: number): string =>
    align?.[i] === "left"
      ? text.padEnd(widths[i]!)
      : i === 0
        ? text.padEnd(widths[i]!)
        : text.padStart(widths[i]!);
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((text, i) => cell(text, i)).join(" | ")} |`;
  const rule = widths.map((width, i) =>
    i === 0 || align?.[i] === "left" ? "-".repeat(width) : `${"-".repeat(width - 1)}:`,
  );
  return [line(headers), `| ${rule.join(" | ")} |`, ...rows.map(line)].join("\n");
}

/** 1234 → "1.23k", 123456 → "123k", 12.3 → "12.3": three significant digits. */
export function compact(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toPrecision(3)}k`;
  if (abs >= 100) return value.toFixed(0);
  return value.toPrecision(3);
}

/** A ratio as "1.23×" (or "–" when either side is missing). */
export function ratio(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? "–" : `${value.toFixed(2)}×`;
}

export function percent(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? "–" : `${(value * 100).toFixed(0)}%`;
}
