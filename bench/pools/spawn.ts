/**
 * Starts one trial process and collects its result (orchestrator side; the trial side is
 * runner.ts). A trial that hangs is killed at its deadline and reported as failed.
 */
import { spawn } from "node:child_process";
import { samplePeakRss } from "../lib/proc-tree.js";
import { STARTUP_ENV } from "../../packages/lab/src/lab/env.js";
import { RESULT_PREFIX, type Paths, type TrialRequest, type TrialResult } from "./trial/protocol.js";

/**
 * Variables taken out of every trial's environment (the lab's list). NODE_EXTRA_CA_CERTS makes
 * Node 20 load the file at every process start (about 40 ms here), and only the pools that pass
 * their environment on pay it: tinypool's child_process workers get none of it (only its worker
 * id), so with it set the start-up comparison measures that, not the libraries. NODE_OPTIONS
 * would put flags into every measured process.
 */
export const REMOVED_ENV = STARTUP_ENV;

/** Which of REMOVED_ENV this machine had set (and the trials ran without). */
export function removedEnvHere(): string[] {
  return REMOVED_ENV.filter((name) => process.env[name] !== undefined);
}

function trialEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of REMOVED_ENV) delete env[name];
  return env;
}

export interface TrialOutcome {
  result: TrialResult;
  /** Peak resident bytes of the trial's process tree, when sampled. */
  peakRss: number | undefined;
}

export function spawnTrial(
  runner: string,
  request: TrialRequest,
  paths: Paths,
  options: { sampleRss?: boolean; timeoutMs: number },
): Promise<TrialOutcome> {
  return new Promise((resolve) => {
    // Bare node: none of this process's flags (tsx) reach the trial or, through it, its workers.
    const child = spawn(process.execPath, [runner, JSON.stringify({ request, paths })], {
      stdio: ["ignore", "pipe", "pipe"],
      env: trialEnv(),
    });
    const sampler = options.sampleRss && child.pid !== undefined ? samplePeakRss(child.pid) : undefined;
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const deadline = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(deadline);
      const peakRss = sampler?.stop();
      const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
      if (line) {
        resolve({ result: JSON.parse(line.slice(RESULT_PREFIX.length)) as TrialResult, peakRss });
        return;
      }
      const why = signal === "SIGKILL" ? `killed after ${options.timeoutMs} ms` : `exit code ${String(code)}`;
      resolve({ result: { ok: false, error: `${why}; stderr: ${stderr.slice(-2000)}` }, peakRss });
    });
  });
}
