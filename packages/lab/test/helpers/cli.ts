/** Runs the concur CLI from source in a child process, as a user would, and collects its output. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const binPath = fileURLToPath(new URL("../../src/cli/bin.ts", import.meta.url));

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
