/** Command-line options of the bench scripts: `--name N`, positive integers only. */
export function intOption(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} takes a positive integer, got ${String(args[at + 1])}`);
  return value;
}
