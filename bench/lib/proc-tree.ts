/**
 * Resident memory of a whole process tree (a pid and all its descendants), read from /proc.
 * Linux only; elsewhere `treeRss` returns undefined and the memory columns stay empty.
 */
import { readdirSync, readFileSync } from "node:fs";

const PAGE = 4096;

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[1]);
  } catch {
    return undefined; // exited between the listing and the read
  }
}

function rssOf(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]) * PAGE;
  } catch {
    return 0;
  }
}

/** Bytes resident in `root` and its descendants now, or undefined without /proc. */
export function treeRss(root: number): number | undefined {
  let pids: number[];
  try {
    pids = readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return undefined;
  }
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    const parent = parentOf(pid);
    if (parent === undefined) continue;
    const list = children.get(parent);
    if (list) list.push(pid);
    else children.set(parent, [pid]);
  }
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += rssOf(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Samples `treeRss(root)` every `everyMs` until stopped; `stop()` returns the peak in bytes. */
export function samplePeakRss(root: number, everyMs = 20): { stop(): number | undefined } {
  let peak: number | undefined;
  const sample = (): void => {
    const rss = treeRss(root);
    if (rss !== undefined) peak = Math.max(peak ?? 0, rss);
  };
  const timer = setInterval(sample, everyMs);
  sample();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
