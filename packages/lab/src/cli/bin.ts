#!/usr/bin/env node
import { printableLines } from "../letters/printable.js";
import { main } from "./main.js";

// Set the exit code rather than calling process.exit(), so that stdout is flushed and pools get
// to finish their shutdown; a command that must stop now (Ctrl-C) exits by itself.
main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`concur: ${printableLines(String(error))}\n`);
    process.exitCode = 1;
  },
);
