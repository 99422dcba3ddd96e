/** The machine a benchmark ran on, measured once and stored with its results. */
import { execFileSync } from "node:child_process";
import os from "node:os";

export interface Machine {
  cpu: string;
  /** `os.availableParallelism()`: what the pools size themselves by. */
  parallelism: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** The commit measured, with "+dirty" when the work tree had changes. */
  commit: string;
  /** 1-minute load average when the run started and ended: other work skews every number. */
  loadStart: number;
  loadEnd?: number;
}

export function describeMachine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    parallelism: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    commit: gitCommit(),
    loadStart: os.loadavg()[0]!,
  };
}

function gitCommit(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      encoding: "utf8",
    }).trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return "unknown";
  }
}

export function describeLoad(machine: Machine): string {
  const end = machine.loadEnd === undefined ? "" : `, ${machine.loadEnd.toFixed(1)} at the end`;
  return `load average ${machine.loadStart.toFixed(1)} at the start${end} (${machine.parallelism} CPUs)`;
}
