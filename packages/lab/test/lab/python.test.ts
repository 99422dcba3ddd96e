import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  processLetter,
  startEndpoint,
  type CompanyRecord,
  type RunningEndpoint,
} from "../../src/letters/index.js";
import { findPython } from "../../src/lab/env.js";
import { runPythonExperiment, type PythonRunOptions } from "../../src/lab/python.js";

const python = await findPython();
const records: CompanyRecord[] = [
  { id: 1, name: "Acme Holdings", url: "/company/A1B2/" },
  { id: 2, name: "Kelvara Logistics Ltd", url: "/company/K7QX2M/" },
  { id: 3, name: "Zed", url: "/company/Z9/" },
];
const multiplier = 3;

/** A missing real part fails with the command that fixes it; it never skips. */
const NO_PYTHON =
  "python3 not found on PATH: the lab runs the original experiment with it. Install it: apt-get install -y python3";

describe("the original Python experiment", () => {
  let endpoint: RunningEndpoint;
  let options: PythonRunOptions;
  before(async () => {
    assert.ok(python !== null, NO_PYTHON);
    endpoint = await startEndpoint({ port: 0, latency: "0" });
    options = {
      command: python!.command,
      tasks: ["io", "cpu"],
      executors: ["sequential", "async", "thread", "process"],
      endpointTemplate: endpoint.searchTemplate,
      records,
      multiplier,
      workers: { io: 2, cpu: 2 },
      repetitions: 2,
      cpuChecksum: records.reduce((sum, r) => sum + processLetter(r, multiplier), 0),
    };
  });
  after(() => endpoint.close());

  test("runs both tasks under sequential, thread and process, as python cells", async () => {
    const result = await runPythonExperiment(options);
    assert.equal(result.error, undefined);
    assert.equal(result.interrupted, false);
    assert.deepEqual(
      result.cells.map((c) => `${c.id}:${c.status}:${c.samplesMs.length}`),
      [
        "io/py-sequential/1:ok:2",
        "io/py-thread/2:ok:2",
        "io/py-process/2:ok:2",
        "cpu/py-sequential/1:ok:2",
        "cpu/py-thread/2:ok:2",
        "cpu/py-process/2:ok:2",
      ],
    );
    const cpu = result.cells.find((c) => c.id === "cpu/py-sequential/1")!;
    assert.equal(cpu.runtime, "python");
    assert.deepEqual(cpu.work, { name: "record", perRun: 3, innerIterations: 39 * 42 + 63 * 48 + 9 * 36 });
    assert.equal(result.cells.find((c) => c.id === "io/py-process/2")!.startupMs.length, 1);
  });

  test("include (--filter) runs only the cells it picks, different executors per task", async () => {
    const result = await runPythonExperiment({
      ...options,
      include: (id) => id === "io/py-sequential/1" || id === "cpu/py-process/2",
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(
      result.cells.map((c) => `${c.id}:${c.status}:${c.samplesMs.length}`),
      ["io/py-sequential/1:ok:2", "cpu/py-process/2:ok:2"],
    );
  });

  test("a result that differs from Node's fails the cell", async () => {
    const result = await runPythonExperiment({
      ...options,
      tasks: ["cpu"],
      executors: ["sequential"],
      cpuChecksum: 1,
    });
    assert.equal(result.cells[0]!.status, "failed");
    assert.match(result.cells[0]!.error!, /differs from Node's/);
  });

  test("an abort stops the script", async () => {
    const controller = new AbortController();
    const run = runPythonExperiment({ ...options, repetitions: 1000, signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    const result = await run;
    assert.equal(result.interrupted, true);
    assert.ok(result.cells.some((c) => c.status === "interrupted"));
  });

  test("an abort stops a script that ignores SIGINT and leaves a child holding its stdout", async () => {
    // Regression: the child (a pool worker orphaned by the SIGKILL) kept the pipe open, so the
    // run never ended.
    const dir = await mkdtemp(join(tmpdir(), "concur-python-stubborn-"));
    const pidFile = join(dir, "child.pid");
    process.env.STUBBORN_PID_FILE = pidFile;
    try {
      const controller = new AbortController();
      const command = fileURLToPath(new URL("../fixtures/stubborn-python.sh", import.meta.url));
      const run = runPythonExperiment({ ...options, command, signal: controller.signal });
      while (!existsSync(pidFile) || readFileSync(pidFile, "utf8").trim() === "")
        await new Promise((resolve) => setTimeout(resolve, 20));
      const childPid = Number(readFileSync(pidFile, "utf8"));
      controller.abort();
      const result = await Promise.race([
        run,
        new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), 20_000).unref()),
      ]);
      assert.notEqual(result, "hung", "the run did not end after the abort");
      assert.equal(result !== "hung" && result.interrupted, true);
      // Killed: gone, or a zombie until init reaps it.
      const dead = (): boolean => {
        try {
          return readFileSync(`/proc/${childPid}/stat`, "utf8").split(") ")[1]?.startsWith("Z") === true;
        } catch {
          return true;
        }
      };
      for (let i = 0; i < 100 && !dead(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(dead(), "the orphaned child was killed");
    } finally {
      delete process.env.STUBBORN_PID_FILE;
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a missing interpreter is an error, not a throw", async () => {
    const result = await runPythonExperiment({ ...options, command: "python3-does-not-exist" });
    assert.match(result.error!, /could not start python3-does-not-exist/);
    assert.ok(result.cells.every((c) => c.status === "failed"));
  });
});
