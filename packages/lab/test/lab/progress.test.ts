import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createProgress } from "../../src/lab/progress.js";
import { captureMachine, findPython } from "../../src/lab/env.js";
import { cell } from "./synthetic.js";

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, isTTY, columns: 100, write: (text: string) => chunks.push(text) };
}

const run = {
  type: "run",
  task: "io",
  cellId: "io/thread/2",
  warmup: false,
  run: 3,
  ms: 412,
  progress: 0.5,
  etaMs: 61_000,
} as const;

describe("progress on stderr", () => {
  test("on a terminal: one line redrawn in place with bar, cell, run and ETA", () => {
    const out = stream(true);
    const progress = createProgress(out);
    progress.onEvent({ type: "phase", message: "io: 6 cells" });
    progress.onEvent(run);
    progress.onEvent({ type: "cell-done", task: "io", cell: cell("io", "thread", 2, [400, 412, 420]) });
    progress.end();
    assert.equal(out.chunks[0], "io: 6 cells\n");
    assert.equal(
      out.chunks[1],
      "\r\u001b[2K██████████░░░░░░░░░░ io 50% · io/thread/2 run 3 412 ms · ETA 1m01s",
    );
    assert.equal(out.chunks[2], "\r\u001b[2K"); // the bar is cleared before the cell's line
    assert.equal(out.chunks[3], "io/thread/2: 3 runs, median 412 ms\n");
  });

  test("elsewhere: one line per cell and nothing else", () => {
    const out = stream(false);
    const progress = createProgress(out);
    progress.onEvent({ type: "phase", message: "io: 6 cells" });
    progress.onEvent({ type: "startup", task: "io", cellId: "io/thread/2", ms: 30 });
    progress.onEvent(run);
    progress.onEvent({
      type: "cell-done",
      task: "io",
      cell: Object.assign(cell("io", "thread", 2, []), { status: "failed" as const, error: "boom" }),
    });
    progress.onEvent({ type: "python-sample", cellId: "io/py-thread/8", run: 1, of: 3, ms: 120 });
    progress.onEvent({ type: "python-sample", cellId: "io/py-thread/8", run: 3, of: 3, ms: 118 });
    progress.end();
    assert.deepEqual(out.chunks, [
      "io/thread/2: failed (boom); no runs\n",
      "io/py-thread/8: 3 runs, last 118 ms\n",
    ]);
  });
});

describe("machine context", () => {
  test("records the machine and the load at start and end", async () => {
    const { machine, finish } = await captureMachine({ command: "python3", version: "3.11.7" });
    assert.ok(machine.cores >= 1 && machine.availableParallelism >= 1);
    assert.equal(machine.nodeVersion, process.version);
    assert.equal(machine.pythonVersion, "3.11.7");
    assert.match(machine.concurVersion, /^\d+\.\d+\.\d+/);
    assert.equal(machine.loadAverageStart.length, 3);
    assert.equal(finish().loadAverageEnd.length, 3);
  });

  test("a missing interpreter is null, not an error", async () => {
    assert.equal(await findPython(["python3-does-not-exist"]), null);
  });
});
