/** The worker runtime alone (src/entry/run-task.ts), driven through a fake transport. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { WorkerRuntime } from "../../src/entry/run-task.js";
import {
  PROTOCOL_VERSION,
  checkMainMessage,
  type RunTask,
  type WorkerMessage,
} from "../../src/protocol/messages.js";
import { until } from "../helpers/leaks.js";

const moduleUrl = new URL("../fixtures/basic-tasks.ts", import.meta.url).href;

async function startedRuntime(): Promise<{ runtime: WorkerRuntime; sent: WorkerMessage[] }> {
  const sent: WorkerMessage[] = [];
  const runtime = new WorkerRuntime({ send: (message) => void sent.push(message), exit: () => undefined });
  runtime.handle({ t: "init", v: PROTOCOL_VERSION, moduleUrl });
  await until(() => sent.some((message) => message.t === "ready"), "the runtime is ready", 10_000);
  sent.length = 0;
  return { runtime, sent };
}

const resultMessages = (sent: WorkerMessage[]): number[][] =>
  sent.flatMap((message) => (message.t === "results" ? [message.results.map(([id]) => id)] : []));

test("results of long tasks share messages until one task is left to start", async () => {
  const { runtime, sent } = await startedRuntime();
  const tasks: RunTask[] = [1, 2, 3, 4, 5].map((id) => ({ id, name: "spin", args: [3] }));
  runtime.handle({ t: "run", tasks });
  await until(() => resultMessages(sent).flat().length === 5, "all five results", 10_000);
  // Held while two or more wait; sent once only task 5 is left to start (the main side would
  // refill now), then 5 alone when the queue runs dry. A stall of the test machine past the
  // 20 ms hold may split the first message, never merge more.
  const messages = resultMessages(sent);
  assert.deepEqual(messages.flat(), [1, 2, 3, 4, 5]);
  assert.ok(messages.length <= 3, `five long tasks reported in ${messages.length} messages`);
  assert.deepEqual(messages.at(-1), [5]);
});

test("results of tiny tasks go in one message per batch", async () => {
  const { runtime, sent } = await startedRuntime();
  const tasks: RunTask[] = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: "inc", args: [i] }));
  runtime.handle({ t: "run", tasks });
  await until(() => resultMessages(sent).flat().length === 50, "all fifty results", 10_000);
  assert.equal(resultMessages(sent).length, 1);
});

test("results held back are still sent when a release empties the queue", async () => {
  const { runtime, sent } = await startedRuntime();
  const tasks: RunTask[] = [1, 2, 3, 4, 5].map((id) => ({ id, name: "spin", args: [3] }));
  // The drain runs task 1 at once and pauses at its yield, holding that result (four wait).
  runtime.handle({ t: "run", tasks });
  runtime.handle({ t: "release", ids: [2, 3, 4, 5] });
  await until(() => resultMessages(sent).flat().length === 1, "the held result", 5_000);
  assert.deepEqual(resultMessages(sent), [[1]]);
  const released = sent.find((message) => message.t === "released");
  assert.deepEqual(released?.t === "released" && released.ids, [2, 3, 4, 5]);
});

test("a fatal error sends the results held back before its report", async () => {
  const { runtime, sent } = await startedRuntime();
  runtime.handle({ t: "run", tasks: [1, 2, 3].map((id) => ({ id, name: "spin", args: [3] })) });
  // Task 1 is done and held (two wait); the worker then dies of an error outside any task.
  runtime.fatal(new Error("outside a task"));
  const kinds = sent.map((message) => message.t);
  assert.deepEqual(kinds.slice(0, 2), ["results", "fatal"]);
  assert.deepEqual(resultMessages(sent)[0], [1]);
  // (The fake transport does not exit: let the rest finish so nothing runs after the test.)
  await until(() => resultMessages(sent).flat().length === 3, "the rest", 5_000);
});

test("a task message's attempt reaches the task's context; a malformed one is refused", async () => {
  const { runtime, sent } = await startedRuntime();
  runtime.handle({
    t: "run",
    tasks: [
      { id: 1, name: "attempt", args: [] },
      { id: 2, name: "attempt", args: [], attempt: 4 },
    ],
  });
  await until(() => resultMessages(sent).flat().length === 2, "both results", 10_000);
  const values = sent.flatMap((message) => (message.t === "results" ? message.results.map((r) => r[2]) : []));
  assert.deepEqual(values, [1, 4]);
  for (const attempt of [0, 1.5, "2"])
    assert.match(
      String(checkMainMessage({ t: "run", tasks: [{ id: 1, name: "attempt", args: [], attempt }] })),
      /malformed task/,
    );
});
