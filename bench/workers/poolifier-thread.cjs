"use strict";
// poolifier's FixedThreadPool worker: CommonJS, see work.cjs for why.
/* global require, module */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file on purpose */
const { ThreadWorker } = require("poolifier");
const { inc, processLetter, spin } = require("./work.cjs");

module.exports = new ThreadWorker({ inc, processLetter, spin });
