import assert from "node:assert/strict";
import { test } from "node:test";
import { autoChunk, pickWorker, prefetchLimit } from "../../src/executors/pool-policy.js";
import { newPoolWorker, type PoolWorker } from "../../src/executors/pool-worker.js";
import type { TaskRecord } from "../../src/executors/base.js";

function worker(load: number, patch: Partial<PoolWorker> = {}): PoolWorker {
  const w = Object.assign(newPoolWorker(), { state: "ready" as const }, patch);
  for (let i = 0; i < load; i++) w.inflight.set(i, {} as TaskRecord);
  return w;
}

test("auto chunks: one until run times are known, then about 2 ms of work, within 1..1024", () => {
  assert.equal(autoChunk(undefined), 1);
  assert.equal(autoChunk(0.5), 4);
  assert.equal(autoChunk(5), 1);
  assert.equal(autoChunk(0.001), 1024);
  assert.equal(autoChunk(0), 1024);
});

test("prefetch: a fixed option wins; auto is 1 before any result, then ~16 ms of work within 2..64", () => {
  assert.equal(prefetchLimit(3, 0.001), 3);
  assert.equal(prefetchLimit("auto", undefined), 1);
  assert.equal(prefetchLimit("auto", 100), 2);
  assert.equal(prefetchLimit("auto", 4.5), 4, "Task 2's records: a report every two tasks");
  assert.equal(prefetchLimit("auto", 1), 16);
  assert.equal(prefetchLimit("auto", 0.1), 64);
});

test("pickWorker takes the least loaded ready worker below the limit", () => {
  const busy = worker(2);
  const light = worker(1);
  const starting = worker(0, { state: "starting" });
  assert.equal(pickWorker([busy, light, starting], 2, false, Infinity), light);
  assert.equal(pickWorker([busy, worker(2)], 2, false, Infinity), undefined, "all at the limit");
  assert.equal(pickWorker([starting], 2, false, Infinity), undefined, "not ready yet");
});

test("a task with a timeout goes only to an idle worker; a recycled-out worker takes nothing", () => {
  const idle = worker(0);
  assert.equal(pickWorker([worker(1), idle], 8, true, Infinity), idle);
  assert.equal(pickWorker([worker(1)], 8, true, Infinity), undefined);
  assert.equal(pickWorker([worker(0, { exclusive: true })], 8, false, Infinity), undefined);
  assert.equal(pickWorker([worker(0, { assigned: 5 })], 8, false, 5), undefined);
});
