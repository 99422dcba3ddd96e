/** A job's data and its attempt number, without Redis. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { PROTOCOL_VERSION, isJobData, jobAttempt, type JobData } from "../src/protocol/job-data.js";

const data: JobData = { v: PROTOCOL_VERSION, a: "", e: "abcdef123456", m: "sig", ttl: 1000 };

test("the attempt is BullMQ's started count, plus the runs before a re-add, and at least 1", () => {
  assert.equal(jobAttempt({ attemptsStarted: 1 }, data), 1);
  // A take-back after a stall: BullMQ's attemptsMade stays 0, attemptsStarted counts it.
  assert.equal(jobAttempt({ attemptsStarted: 2 }, data), 2);
  assert.equal(jobAttempt({ attemptsStarted: 1 }, { ...data, p: 1 }), 2);
  assert.equal(jobAttempt({}, data), 1);
});

test("job data with a malformed count of earlier runs is not a concur job", () => {
  assert.equal(isJobData(data), true);
  assert.equal(isJobData({ ...data, p: 2 }), true);
  for (const p of [-1, 1.5, "1"]) assert.equal(isJobData({ ...data, p }), false, String(p));
});
