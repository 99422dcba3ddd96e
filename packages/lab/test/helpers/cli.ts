/** Runs the concur CLI from source in a child process, as a user would, and collects its output. */
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const binPath = fileURLToPath(new URL("../../src/cli/bin.ts", import.meta.url));

/** The lab tests' task module (test/fixtures/lab-tasks.ts). */
export const labTasks = fileURLToPath(new URL("../fixtures/lab-tasks.ts", import.meta.url));

/** `concur bench` arguments for the fixture's `spin` task over `inputs` (written to `dir/inputs.json`). */
export async function spinBench(
  dir: string,
  inputs: readonly number[],
  ...extra: string[]
): Promise<string[]> {
  const file = join(dir, "inputs.json");
  await writeFile(file, JSON.stringify(inputs));
  return ["bench", "--module", labTasks, "--task", "spin", "--inputs", file, ...extra];
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Called with all of stderr so far, each time more arrives (e.g. to send Ctrl-C at a point). */
  onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
  /** Extra environment; NO_COLOR is set unless `color` is true. */
  env?: Record<string, string>;
  color?: boolean;
}

export function concur(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", binPath, ...args], {
      env: { ...process.env, ...(options.color ? {} : { NO_COLOR: "1" }), ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(stderr, child);
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
