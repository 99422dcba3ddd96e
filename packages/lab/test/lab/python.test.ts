import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
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

describe("the original Python experiment", { skip: python === null ? "python3 not found" : false }, () => {
  let endpoint: RunningEndpoint;
  let options: PythonRunOptions;
  before(async () => {
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

  test("a missing interpreter is an error, not a throw", async () => {
    const result = await runPythonExperiment({ ...options, command: "python3-does-not-exist" });
    assert.match(result.error!, /could not start python3-does-not-exist/);
    assert.ok(result.cells.every((c) => c.status === "failed"));
  });
});
