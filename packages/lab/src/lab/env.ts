/**
 * The machine a bench ran on: measured once, stored in the report, so numbers are never read
 * without their context.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import os from "node:os";
import type { MachineContext } from "./report.js";

/** The python3 found on PATH: its command and version, or null. */
export interface PythonInfo {
  command: string;
  version: string;
}

/**
 * Looks for a Python 3 interpreter (`python3`, then `python`) and returns its version, or null
 * when there is none (or it is Python 2).
 */
export async function findPython(
  candidates: readonly string[] = ["python3", "python"],
): Promise<PythonInfo | null> {
  for (const command of candidates) {
    const version = await new Promise<string | null>((resolve) => {
      execFile(command, ["--version"], { timeout: 5_000 }, (error, stdout, stderr) => {
        if (error) return resolve(null);
        // Python 2 printed its version on stderr; 3 prints on stdout.
        const match = /Python\s+(\d+\.\d+\.\d+\S*)/.exec(`${stdout} ${stderr}`);
        resolve(match?.[1] ?? null);
      });
    });
    if (version?.startsWith("3.")) return { command, version };
  }
  return null;
}

/** concur's own version, from its package.json. */
export async function concurVersion(): Promise<string> {
  try {
    const text = await readFile(new URL("../../package.json", import.meta.url), "utf8");
    return (JSON.parse(text) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * Variables that make every Node process start slower or different (see MachineContext); the
 * benches run their trials without them (bench/pools/spawn.ts).
 */
export const STARTUP_ENV = ["NODE_EXTRA_CA_CERTS", "NODE_OPTIONS"] as const;

function loadAverage(): [number, number, number] {
  const [one = 0, five = 0, fifteen = 0] = os.loadavg();
  return [one, five, fifteen];
}

/**
 * Measures the machine context at the start of a run; call `finish` at the end to record the load
 * average then.
 */
export async function captureMachine(
  python: PythonInfo | null,
): Promise<{ machine: MachineContext; finish(): MachineContext }> {
  const cpus = os.cpus();
  const machine: MachineContext = {
    cpuModel: cpus[0]?.model.trim() || "unknown",
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    platform: os.platform(),
    arch: os.arch(),
    nodeVersion: process.version,
    pythonVersion: python?.version ?? null,
    loadAverageStart: loadAverage(),
    loadAverageEnd: loadAverage(),
    concurVersion: await concurVersion(),
    startupEnv: STARTUP_ENV.filter((name) => process.env[name] !== undefined),
  };
  return {
    machine,
    finish() {
      machine.loadAverageEnd = loadAverage();
      return machine;
    },
  };
}
