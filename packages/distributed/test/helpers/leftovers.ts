/**
 * What a test run leaves behind when it is killed with SIGKILL (no `after`, no signal handler):
 * each run keeps its files in `<tmpdir>/<label>-<pid>/` and notes there what it made outside it
 * (its redis-server process, that server's directory). The next run removes the leftovers of runs
 * whose process is gone. A pid is only killed if it still runs the program noted for it (a pid
 * reused since is left alone), and only paths under the temporary directory are removed.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const NOTES = "leftovers";

/** Whether a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function programOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** This run's directory (created empty), named so that a later run can tell whose it was. */
export function runDirectory(label: string): string {
  const dir = join(tmpdir(), `${label}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  return dir;
}

/** Notes a process to kill if this run dies without cleaning up. */
export function noteProcess(dir: string, pid: number): void {
  const program = programOf(pid);
  if (program !== undefined) appendFileSync(join(dir, NOTES), `pid ${pid} ${program}\n`);
}

/** Notes a path (under the temporary directory) to remove if this run dies without cleaning up. */
export function notePath(dir: string, path: string): void {
  appendFileSync(join(dir, NOTES), `path ${path}\n`);
}

/** Kills the noted processes of a run, removes its noted paths, then its directory. */
export function removeRun(dir: string): void {
  const file = join(dir, NOTES);
  const notes = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
  for (const note of notes) {
    const kind = note.slice(0, note.indexOf(" "));
    const rest = note.slice(kind.length + 1);
    if (kind === "pid") {
      const [pid, program] = rest.split(" ");
      if (programOf(Number(pid)) !== program) continue;
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // already gone
      }
    } else if (kind === "path" && rest.startsWith(`${tmpdir()}/`)) {
      rmSync(rest, { recursive: true, force: true });
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Removes what earlier runs (of `label`) left behind, for those whose process is gone. */
export function removeLeftovers(label: string): void {
  const pattern = new RegExp(`^${label}-(\\d+)$`);
  for (const name of readdirSync(tmpdir())) {
    const owner = pattern.exec(name)?.[1];
    if (owner !== undefined && !isAlive(Number(owner))) removeRun(join(tmpdir(), name));
  }
}
