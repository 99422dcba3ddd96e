/**
 * Leak checks for tests: after an executor shuts down, no child process, thread, timer or
 * handle of it may be left. Compare against a snapshot taken before the executor was made.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";

export interface ResourceSnapshot {
  resources: Map<string, number>;
  threads: number;
  /** Children alive before (tsx keeps an esbuild service process, for one). */
  children: Set<number>;
}

function countResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/** OS threads of this process (worker threads are OS threads). */
export function threadCount(): number {
  const status = readFileSync("/proc/self/status", "utf8");
  return Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
}

/** Pids of the live children of this process, from /proc (no `ps`, which would be a child itself). */
export function childPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 4 is the ppid; the command name (field 2) may hold spaces, so split after ')'.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === process.pid && fields[0] !== "Z") pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function snapshot(): ResourceSnapshot {
  return { resources: countResources(), threads: threadCount(), children: new Set(childPids()) };
}

/** Asserts that nothing was left since `before`: resources, threads, child processes. */
export async function assertNoLeaks(before: ResourceSnapshot, label = "executor"): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  const after = countResources();
  for (const [name, count] of after) {
    assert.ok(
      count <= (before.resources.get(name) ?? 0),
      `${label} left ${count} active ${name} (before: ${before.resources.get(name) ?? 0})`,
    );
  }
  assert.deepEqual(
    childPids().filter((pid) => !before.children.has(pid)),
    [],
    `${label} left child processes`,
  );
  // Thread teardown is asynchronous in the OS: give it a moment before judging.
  for (let i = 0; i < 50 && threadCount() > before.threads; i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(
    threadCount() <= before.threads,
    `${label} left threads: ${threadCount()} now, ${before.threads} before`,
  );
}

/** Polls `condition` every 10 ms; fails after `timeoutMs` (a bound, not a timing assertion). */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
