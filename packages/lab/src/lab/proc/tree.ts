/**
 * CPU time and resident memory of a process's children (process-pool workers) and whatever they
 * start, read from /proc. The process itself is measured by Node (`process.cpuUsage()` covers its
 * worker threads too); this adds what runs in other processes. Linux only: elsewhere the reader
 * returns undefined.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseChildren, parseProcStat, parseStatusRss } from "./parse.js";

/** USER_HZ, the unit of /proc's times: 100 on every architecture Linux runs Node on. */
export const CLOCK_TICKS_PER_SECOND = 100;

/** Ticks to milliseconds. */
export function ticksToMs(ticks: number): number {
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** CPU time (since each process started) and resident memory (now) of some processes. */
export interface ProcessUsage {
  userMs: number;
  systemMs: number;
  rssBytes: number;
}

/** A process's children at one moment. */
export interface ChildrenReading {
  /**
   * CPU time of the children the process has already reaped (its cutime and cstime): a worker
   * that exits keeps counting, its time moving from `live` to here, so the difference of two
   * readings stays right.
   */
  reaped: { userMs: number; systemMs: number };
  /** Each live child, with everything it started, by the child's pid. */
  live: Map<number, ProcessUsage>;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // the process exited between the listing and the read
  }
}

function list(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/**
 * The children of `pid`. Each thread lists the children it started in `task/<tid>/children`
 * (a worker thread may start processes too); kernels built without that file get a scan of every
 * process's parent instead.
 */
export function childrenOf(pid: number, proc = "/proc"): number[] {
  const out: number[] = [];
  for (const tid of list(join(proc, String(pid), "task"))) {
    const text = read(join(proc, String(pid), "task", tid, "children"));
    if (text === undefined) return scanChildren(pid, proc);
    out.push(...parseChildren(text));
  }
  return out;
}

function scanChildren(pid: number, proc: string): number[] {
  return list(proc)
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => parseProcStat(read(join(proc, name, "stat")) ?? "")?.ppid === pid)
    .map(Number);
}

/** A process and its descendants: own time plus the time of the children each reaped. */
function subtreeUsage(root: number, proc: string): ProcessUsage | undefined {
  let total: ProcessUsage | undefined;
  const seen = new Set<number>();
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const stat = parseProcStat(read(join(proc, String(pid), "stat")) ?? "");
    if (!stat) continue;
    total ??= { userMs: 0, systemMs: 0, rssBytes: 0 };
    total.userMs += ticksToMs(stat.utime + stat.cutime);
    total.systemMs += ticksToMs(stat.stime + stat.cstime);
    total.rssBytes += parseStatusRss(read(join(proc, String(pid), "status")) ?? "") ?? 0;
    stack.push(...childrenOf(pid, proc));
  }
  return total;
}

/** `root`'s children, each with its descendants; undefined when `root`'s stat cannot be read (no /proc). */
export function readChildren(root: number, proc = "/proc"): ChildrenReading | undefined {
  const own = parseProcStat(read(join(proc, String(root), "stat")) ?? "");
  if (!own) return undefined;
  const live = new Map<number, ProcessUsage>();
  for (const child of childrenOf(root, proc)) {
    const usage = subtreeUsage(child, proc);
    if (usage) live.set(child, usage);
  }
  return { reaped: { userMs: ticksToMs(own.cutime), systemMs: ticksToMs(own.cstime) }, live };
}
