/**
 * The machine's load while a cell runs: the 1-minute load average and the CPU time every process
 * took, over the CPUs this process may use (a container's cpuset, not the host's). Linux only:
 * without /proc the reader is undefined.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllowedCpus, parseCpuTicks, parseLoadAverage } from "./parse.js";
import { ticksToMs } from "./tree.js";

/** One reading of the machine. */
export interface SystemReading {
  /** CPU time all processes took (user + nice + system) on the CPUs counted, ms since boot. */
  busyMs: number;
  /** The 1-minute load average. */
  loadAverage: number;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * A reader of the machine's load, or undefined when /proc cannot give one. `proc` is /proc's
 * location (tests point it at fixture files); the CPUs counted are the ones `self` may run on.
 */
export function systemReader(proc = "/proc", self = "self"): (() => SystemReading | undefined) | undefined {
  const allowed = parseAllowedCpus(read(join(proc, self, "status")) ?? "");
  const cpus = allowed ? new Set(allowed) : undefined;
  const reading = (): SystemReading | undefined => {
    const ticks = parseCpuTicks(read(join(proc, "stat")) ?? "", cpus);
    const loadAverage = parseLoadAverage(read(join(proc, "loadavg")) ?? "");
    if (!ticks || loadAverage === undefined) return undefined;
    return { busyMs: ticksToMs(ticks.busy), loadAverage };
  };
  return reading() ? reading : undefined;
}
