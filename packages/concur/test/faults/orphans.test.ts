/**
 * A process worker whose parent is gone (killed with SIGKILL, so nothing was shut down) starts
 * nothing more and exits even in the middle of a long synchronous task.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { isAlive, until } from "../helpers/leaks.js";
import { assert, faultsUrl } from "./helpers.js";

// Linux with setpriv: the kernel's parent-death signal; elsewhere (or with CONCUR_NO_PDEATHSIG)
// the watchdog thread. Both ways are tested here.
for (const guard of ["the default guard", "the watchdog thread"] as const) {
  test(`process pool: orphaned workers stop mid-task and start nothing more (${guard})`, async () => {
    const dir = mkdtempSync(join(os.tmpdir(), "concur-orphans-"));
    const log = join(dir, "starts.log");
    writeFileSync(log, "");
    // A parent with two workers and four 30 s tasks; it prints once both are running.
    const script = `
    import { ProcessPoolExecutor } from ${JSON.stringify(new URL("../../src/index.ts", import.meta.url).href)};
    const pool = new ProcessPoolExecutor(${JSON.stringify(faultsUrl.href)}, { maxWorkers: 2 });
    for (let id = 1; id <= 4; id++) pool.submit("logged", id, 30_000, ${JSON.stringify(log)});
    console.log("submitted");
  `;
    const parent = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...(guard === "the watchdog thread" && { CONCUR_NO_PDEATHSIG: "1" }) },
    });
    const workers = (): number[] => [
      ...new Set(
        readFileSync(log, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((line) => Number(line.split(" ")[1])),
      ),
    ];
    try {
      await until(() => workers().length === 2, "both workers run a task", 120_000);
      parent.kill("SIGKILL");
      await new Promise((resolve) => parent.on("exit", resolve));
      // 20 s: far more than the documented bound, far less than the 30 s task the worker is in.
      await until(() => workers().every((pid) => !isAlive(pid)), "the orphaned workers exit", 20_000);
      const starts = readFileSync(log, "utf8").split("\n").filter(Boolean);
      assert.equal(starts.length, 2, `no task started after the parent died:\n${starts.join("\n")}`);
    } finally {
      for (const pid of workers()) if (isAlive(pid)) process.kill(pid, "SIGKILL");
      if (parent.exitCode === null && parent.signalCode === null) parent.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
