"use strict";
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: it must start as fast as a worker can */
/**
 * The start-up and memory floor of bench:pools: no pool, only what any pool's worker must do.
 * It imports the ES-module task file (as concur, piscina and tinypool do), says it is ready, and
 * answers each number with inc(number). Runs as a worker thread or a forked child process.
 * argv[2] / workerData: the URL of work.mjs.
 */
const { parentPort, workerData } = require("node:worker_threads");

const moduleUrl = parentPort ? workerData : process.argv[2];
const send = parentPort ? (message) => parentPort.postMessage(message) : (message) => process.send(message);
const onMessage = parentPort
  ? (fn) => parentPort.on("message", fn)
  : (fn) => {
      process.on("message", fn);
      process.on("disconnect", () => process.exit(0));
    };

import(moduleUrl).then((work) => {
  onMessage((x) => send(work.inc(x)));
  send("ready");
});
