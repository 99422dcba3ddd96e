"use strict";
// poolifier's FixedClusterPool worker: CommonJS, see work.cjs for why.
/* global require, module */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file on purpose */
const { ClusterWorker } = require("poolifier");
const { inc, processLetter, spin } = require("./work.cjs");

module.exports = new ClusterWorker({ inc, processLetter, spin });
