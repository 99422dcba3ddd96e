/**
 * CPU time of other processes, from /proc (Linux only). On a shared machine wall-clock times
 * swing with other work; the CPU a task costs each process swings far less, so benchmarks
 * report it beside the times to say where the work went.
 */
import { readFileSync } from "node:fs";

/** USER_HZ, the unit of /proc/<pid>/stat's times: 100 on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** CPU milliseconds (user + system) `pid` has used so far, or undefined when it is gone or off Linux. */
export function cpuMsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime: fields 14 and 15 of stat, so 11 and 12 counted from the state field.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
