/**
 * The built package's worker entries (dist/entry/*.cjs, one-file bundles) in a plain `node`
 * process, as a user without TypeScript runs them: tasks run, a task's taskSignal() (imported
 * from "concur/task", a copy apart from the bundle's) aborts on cancel, and errors keep their class.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));

const script = (kind: "Thread" | "Process"): string => `
  import { ${kind}PoolExecutor } from "concur";
  const pool = new ${kind}PoolExecutor(new URL("./test/fixtures/plain-tasks.mjs", "file://${root}"), { maxWorkers: 1, cancelGracePeriod: 2000 });
  const out = { inc: await pool.submit("inc", 41) };
  const running = pool.submit("untilAborted");
  await new Promise((resolve) => setTimeout(resolve, 100));
  running.cancel();
  out.cancelled = (await running.exception())?.name;
  const error = await pool.submit("fail", "bad").exception();
  out.error = [error.name, error.code, error instanceof RangeError];
  out.started = pool.stats().workersStarted;
  await pool.shutdown();
  console.log(JSON.stringify(out));
`;

for (const kind of ["Thread", "Process"] as const) {
  test(`${kind}PoolExecutor runs from the built one-file worker entry in plain node`, async () => {
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script(kind)], {
      cwd: root,
      timeout: 30_000,
    });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(out.inc, 42);
    assert.equal(out.cancelled, "CancelledError");
    assert.deepEqual(out.error, ["RangeError", "E_PLAIN", true]);
    assert.equal(
      out.started,
      1,
      "the cancelled task stopped through its signal: its worker was not replaced",
    );
  });
}
