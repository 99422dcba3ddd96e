/** Start notices for jobs still running after a delay: one timer for all of them. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DelayedNotices } from "../src/worker/delayed-notices.js";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test("a job done before the delay sends no notice; one still running sends exactly one", async () => {
  const notices = new DelayedNotices(5);
  const sent: string[] = [];
  notices.schedule("quick", () => sent.push("quick"));
  notices.schedule("slow", () => sent.push("slow"));
  notices.done("quick");
  await sleep(30);
  notices.done("slow");
  await sleep(20);
  assert.deepEqual(sent, ["slow"]);
  notices.clear();
});

test("notices go out in start order, each once its own delay has passed, over several ticks", async () => {
  const notices = new DelayedNotices(15);
  const sent: Array<{ id: string; late: number }> = [];
  const startedAt = new Map<string, number>();
  for (const id of ["a", "b", "c"]) {
    startedAt.set(id, performance.now());
    notices.schedule(id, () => sent.push({ id, late: performance.now() - startedAt.get(id)! }));
    await sleep(8);
  }
  await sleep(60);
  assert.deepEqual(
    sent.map((entry) => entry.id),
    ["a", "b", "c"],
  );
  // No notice before its job had run the delay (timers may fire late, never early by more than 1 ms).
  for (const entry of sent) assert.ok(entry.late >= 14, `${entry.id} sent after ${entry.late} ms`);
  notices.clear();
});

test("clear drops pending notices and the timer", async () => {
  const notices = new DelayedNotices(5);
  let sent = 0;
  notices.schedule("x", () => sent++);
  notices.clear();
  await sleep(20);
  assert.equal(sent, 0);
});
