/** One document on stdout at a time, for every command that writes reports (bench, report). */
import { stdoutFlags, type OutputTargets } from "../lab/outputs.js";
import { UsageError } from "./usage.js";

/** `targets`, or a UsageError when two of them would interleave their documents on stdout. */
export function oneOnStdout(targets: OutputTargets): OutputTargets {
  const flags = stdoutFlags(targets);
  if (flags.length > 1) throw new UsageError(`${flags.join(" and ")}: only one of them can go to stdout`);
  return targets;
}
