"use strict";
/* global exports */
/**
 * The benchmark's task functions, shared by every contender and the sequential baseline.
 * CommonJS because poolifier's workers must be CommonJS (an ESM ClusterWorker misses its start-up
 * message and never runs a task: poolifier issue #782); work.mjs re-exports these for the pools
 * that load ES modules. Plain JavaScript, so no loader runs in any worker.
 */

/** The tiny task: all overhead, no work. */
function inc(x) {
  return x + 1;
}

/**
 * The seed's Task 2, exactly as specified: `a = len(name)·m`, `b = len(url)·m`, then the
 * largest `i·(j/a)`. Every contender and the sequential baseline run this same function.
 */
function processLetter(record, m = 99) {
  const a = record.name.length * m;
  const b = record.url.length * m;
  let r = 0;
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      const t = i * (j / a);
      if (t > r) r = t;
    }
  }
  return r;
}

/** Fixed CPU work: `n` rounds of an LCG (the main side calibrates `n` to about 1 ms). */
function spin(n) {
  let x = 1;
  for (let i = 0; i < n; i++) x = (x * 1103515245 + 12345) % 2147483648;
  return x;
}

exports.inc = inc;
exports.processLetter = processLetter;
exports.spin = spin;
