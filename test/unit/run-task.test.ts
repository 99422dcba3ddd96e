/** The worker runtime alone (src/entry/run-task.ts), driven through a fake transport. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { WorkerRuntime } from "../../src/entry/run-task.js";
import { PROTOCOL_VERSION, type RunTask, type WorkerMessage } from "../../src/protocol/messages.js";
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

test("results of long tasks share messages: two at a time, and at once when one task is left", async () => {
  const { runtime, sent } = await startedRuntime();
  const tasks: RunTask[] = [1, 2, 3, 4, 5].map((id) => ({ id, name: "spin", args: [3] }));
  runtime.handle({ t: "run", tasks });
  await until(() => resultMessages(sent).flat().length === 5, "all five results", 10_000);
  // After 1: one result, three waiting: held. After 2: two results: sent. After 3: two waiting,
  // one result: held. After 4: one left to start: sent. After 5: drained: sent. (A result held
  // over 20 ms goes alone: a stall of the test machine may split a pair, never merge more.)
  const messages = resultMessages(sent);
  assert.deepEqual(messages.flat(), [1, 2, 3, 4, 5]);
  assert.ok(messages.length <= 4, `five long tasks reported in ${messages.length} messages`);
  assert.deepEqual(messages.at(-1), [5]);
});

test("results of tiny tasks go in one message per batch", async () => {
  const { runtime, sent } = await startedRuntime();
  const tasks: RunTask[] = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: "inc", args: [i] }));
  runtime.handle({ t: "run", tasks });
  await until(() => resultMessages(sent).flat().length === 50, "all fifty results", 10_000);
  assert.equal(resultMessages(sent).length, 1);
});
