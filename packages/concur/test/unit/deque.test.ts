import assert from "node:assert/strict";
import { test } from "node:test";
import { Deque } from "../../src/executors/deque.js";

test("Deque keeps FIFO order across growth, unshift and drain", () => {
  const q = new Deque<number>();
  for (let i = 0; i < 40; i++) q.push(i);
  assert.equal(q.size, 40);
  assert.equal(q.shift(), 0);
  q.unshift(-1);
  assert.equal(q.peek(), -1);
  for (let i = 40; i < 100; i++) q.push(i);
  const out = q.drain();
  assert.deepEqual(out, [-1, ...Array.from({ length: 99 }, (_, i) => i + 1)]);
  assert.equal(q.size, 0);
  assert.equal(q.shift(), undefined);
  assert.equal(q.peek(), undefined);
});

test("Deque wraps around its ring without losing items", () => {
  const q = new Deque<number>();
  let next = 0;
  let expected = 0;
  for (let round = 0; round < 1000; round++) {
    for (let i = 0; i < 3; i++) q.push(next++);
    for (let i = 0; i < 2; i++) assert.equal(q.shift(), expected++);
  }
  assert.equal(q.size, 1000);
  while (q.size > 0) assert.equal(q.shift(), expected++);
});
