/**
 * Leak checks for the processes a CLI run starts: its `concur worker`s are the CLI's children,
 * and once the CLI is gone an orphan would be re-parented, so they are found by what their
 * command line holds (the run's key prefix), across /proc.
 */
import { readFileSync, readdirSync } from "node:fs";

/** Pids of the live processes (zombies excluded) whose command line contains `text`. */
export function processesWith(text: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " ");
      const state = /\) (\S)/.exec(readFileSync(`/proc/${name}/stat`, "utf8"))?.[1];
      if (cmdline.includes(text) && state !== "Z") found.push(Number(name));
    } catch {
      // gone between the listing and the read
    }
  }
  return found;
}

/** Polls until no process holds `text` in its command line; the ones left after `ms`. */
export async function processesGone(text: string, ms: number): Promise<number[]> {
  const end = Date.now() + ms;
  for (;;) {
    const left = processesWith(text);
    if (left.length === 0 || Date.now() > end) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The pids and key prefix `concur run`/`bench` print when they have started local workers. */
export function startedWorkers(stderr: string): { pids: number[]; prefix: string } | undefined {
  const match =
    /local concur workers \(pids ([\d, ]+)\) started in [\d.]+ s, queue "[^"]+" under prefix "([^"]+)"/.exec(
      stderr,
    );
  if (!match) return undefined;
  return { pids: match[1]!.split(", ").map(Number), prefix: match[2]! };
}
