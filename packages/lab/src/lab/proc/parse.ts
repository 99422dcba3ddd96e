/**
 * Parsers of the Linux /proc files the lab reads while it measures: pure functions of the files'
 * text, so they are tested on fixture text and never touch the machine. Each returns undefined
 * for text it cannot read rather than throwing: a process may exit between two reads, and a
 * measurement must never stop a benchmark.
 */

/** The fields of `/proc/<pid>/stat` the lab uses; times in clock ticks. */
export interface ProcStat {
  ppid: number;
  /** CPU time in user mode. */
  utime: number;
  /** CPU time in kernel mode. */
  stime: number;
  /** User time of the children this process has waited for (reaped). */
  cutime: number;
  /** System time of the children this process has waited for (reaped). */
  cstime: number;
}

/** Parses `/proc/<pid>/stat`. */
export function parseProcStat(text: string): ProcStat | undefined {
  // The command name (field 2) may hold spaces and parentheses: the fields that follow start
  // after its last ')'. Field 3 (state) is then index 0, so field k is index k − 3.
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const field = (k: number): number => Number(fields[k - 3]);
  const stat = { ppid: field(4), utime: field(14), stime: field(15), cutime: field(16), cstime: field(17) };
  return Object.values(stat).every((x) => Number.isSafeInteger(x) && x >= 0) ? stat : undefined;
}

/** `VmRSS` of `/proc/<pid>/status`, in bytes; undefined when absent (a zombie has none). */
export function parseStatusRss(text: string): number | undefined {
  const match = /^VmRSS:\s*(\d+)\s*kB\s*$/m.exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** `Cpus_allowed_list` of `/proc/<pid>/status`: the CPUs this process may run on. */
export function parseAllowedCpus(text: string): number[] | undefined {
  const match = /^Cpus_allowed_list:\s*(\S+)\s*$/m.exec(text);
  return match ? parseCpuList(match[1]!) : undefined;
}

/** A kernel CPU list, `0-3,8,10-11`, as the CPU numbers it names. */
export function parseCpuList(text: string): number[] | undefined {
  const cpus: number[] = [];
  for (const part of text.trim().split(",")) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) return undefined;
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first) return undefined;
    for (let cpu = first; cpu <= last; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** `/proc/<pid>/task/<tid>/children`: the pids of the children that thread started. */
export function parseChildren(text: string): number[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((part) => /^\d+$/.test(part))
    .map(Number);
}

/** The 1-minute load average of `/proc/loadavg`. */
export function parseLoadAverage(text: string): number | undefined {
  const one = Number(text.trim().split(/\s+/)[0]);
  return text.trim() !== "" && Number.isFinite(one) && one >= 0 ? one : undefined;
}

/** CPU time the processes of the machine took, from `/proc/stat`, in clock ticks. */
export interface CpuTicks {
  /** user + nice + system over the CPUs counted. */
  busy: number;
  /** How many CPUs were counted. */
  cpus: number;
}

/**
 * Sums `/proc/stat`'s per-CPU lines over `cpus` (every CPU when omitted). Busy time is user, nice
 * and system: what processes run. Interrupt time (irq, softirq) is left out because it cannot be
 * told apart by process (the loopback traffic of the lab's own endpoint lands there), steal
 * because it is the hypervisor's, not another process's; guest time is already inside user.
 */
export function parseCpuTicks(text: string, cpus?: ReadonlySet<number>): CpuTicks | undefined {
  let busy = 0;
  let counted = 0;
  for (const line of text.split("\n")) {
    const match = /^cpu(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(line);
    if (!match || (cpus && !cpus.has(Number(match[1])))) continue;
    busy += Number(match[2]) + Number(match[3]) + Number(match[4]);
    counted++;
  }
  return counted > 0 ? { busy, cpus: counted } : undefined;
}
