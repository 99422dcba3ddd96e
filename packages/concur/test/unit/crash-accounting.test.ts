import assert from "node:assert/strict";
import { test } from "node:test";
import type { TaskRecord } from "../../src/executors/base.js";
import { judgeCrash, mayBeRunning } from "../../src/executors/crash-accounting.js";
import { StartPolicy } from "../../src/executors/start-policy.js";
import { SlotKind, decodeSlot, encodeSlot } from "../../src/protocol/running-slot.js";

const records = [11, 12, 13, 14].map((id) => ({ id }) as TaskRecord);
const ids = (list: readonly TaskRecord[]): number[] => list.map((record) => record.id);

test("the running slot encodes kind and id exactly", () => {
  for (const kind of [SlotKind.running, SlotKind.done, SlotKind.unsure] as const) {
    assert.deepEqual(decodeSlot(encodeSlot(kind, 2 ** 40 + 3)), { kind, id: 2 ** 40 + 3 });
  }
  assert.deepEqual(decodeSlot(0), { kind: SlotKind.none, id: 0 });
});

test("running(X): X alone is blamed; the finished ones before it and the rest run again", () => {
  const verdict = judgeCrash(records, encodeSlot(SlotKind.running, 13));
  assert.equal(verdict.running?.id, 13);
  assert.deepEqual(ids(verdict.requeue), [11, 12, 14]);
  assert.deepEqual(verdict.suspects, []);
});

test("mayBeRunning: the first task not reported, or the one the live slot points at", () => {
  const [first, second, third, fourth] = records as [TaskRecord, TaskRecord, TaskRecord, TaskRecord];
  assert.equal(mayBeRunning(records, undefined, first), true, "first: running or about to");
  assert.equal(mayBeRunning(records, undefined, third), false, "no slot: only the order tells");
  assert.equal(mayBeRunning(records, encodeSlot(SlotKind.running, 13), third), true);
  assert.equal(mayBeRunning(records, encodeSlot(SlotKind.running, 12), third), false, "another task runs");
  assert.equal(mayBeRunning(records, encodeSlot(SlotKind.done, 12), third), false, "it has not started");
  assert.equal(mayBeRunning(records, 0, third), false);
  // unsure(X): X or a later one may run, so a target from X on may; before X, it finished.
  assert.equal(mayBeRunning(records, encodeSlot(SlotKind.unsure, 12), third), true);
  assert.equal(mayBeRunning(records, encodeSlot(SlotKind.unsure, 13), second), false);
  assert.equal(mayBeRunning(records, encodeSlot(SlotKind.unsure, 5), fourth), true, "X already reported");
  assert.equal(
    mayBeRunning(records, encodeSlot(SlotKind.running, 99), { id: 99 } as TaskRecord),
    false,
    "not held",
  );
});

test("done(X) and none: nobody is blamed, everything runs again", () => {
  for (const slot of [encodeSlot(SlotKind.done, 12), 0]) {
    const verdict = judgeCrash(records, slot);
    assert.equal(verdict.running, undefined);
    assert.deepEqual(ids(verdict.requeue), [11, 12, 13, 14]);
  }
});

test("unsure(X): nobody is blamed on a guess; X and the tasks after it become suspects", () => {
  const verdict = judgeCrash(records, encodeSlot(SlotKind.unsure, 12));
  assert.equal(verdict.running, undefined);
  assert.deepEqual(ids(verdict.requeue), [11, 12, 13, 14]);
  assert.deepEqual(ids(verdict.suspects), [12, 13, 14]);
  assert.deepEqual(ids(judgeCrash(records, encodeSlot(SlotKind.unsure, 5)).suspects), [11, 12, 13, 14]);
});

test("without a slot, the first task not reported is taken for the running one", () => {
  assert.equal(judgeCrash(records, undefined).running?.id, 11);
});

test("the tasks that may have started before run again as their next attempt; the unstarted do not", () => {
  const started = (slot: number | undefined): number[] => ids(judgeCrash(records, slot).started);
  assert.deepEqual(started(encodeSlot(SlotKind.running, 13)), [11, 12], "finished before the running one");
  assert.deepEqual(started(encodeSlot(SlotKind.done, 12)), [11, 12], "finished up to the done one");
  assert.deepEqual(started(encodeSlot(SlotKind.done, 5)), [], "done(X) not held: all came after X");
  assert.deepEqual(started(0), [], "nothing had started");
  assert.deepEqual(started(encodeSlot(SlotKind.unsure, 12)), [11, 12, 13, 14], "finished or suspects");
  assert.deepEqual(started(undefined), [12, 13, 14], "no slot: any may have finished unreported");
});

test("start-up: a load error stops at once, exits stop after three, kills back off without end", () => {
  const policy = new StartPolicy();
  assert.equal(
    policy.failed({ exitCode: 1, signal: null }, new Error("bad module"), undefined).action,
    "stop",
  );
  const exits = new StartPolicy();
  assert.equal(exits.failed({ exitCode: 7, signal: null }, undefined, undefined).action, "retry");
  assert.equal(exits.failed({ exitCode: 7, signal: null }, undefined, undefined).action, "retry");
  assert.equal(exits.failed({ exitCode: 7, signal: null }, undefined, undefined).action, "stop");
  const kills = new StartPolicy();
  const delays: number[] = [];
  for (let i = 0; i < 10; i++) {
    const decision = kills.failed({ exitCode: null, signal: "SIGKILL" }, undefined, undefined);
    assert.equal(decision.action, "retry");
    if (decision.action === "retry") delays.push(decision.delayMs);
  }
  assert.ok(
    delays.every((delay, i) => i === 0 || delay >= delays[i - 1]!),
    `backs off: ${delays.join(", ")}`,
  );
  assert.equal(kills.failures, 10);
  assert.match(String(kills.last), /SIGKILL/);
  kills.ready();
  const after = kills.failed({ exitCode: null, signal: "SIGKILL" }, undefined, undefined);
  assert.ok(after.action === "retry" && after.delayMs === delays[0], "a ready worker resets the back-off");
});
