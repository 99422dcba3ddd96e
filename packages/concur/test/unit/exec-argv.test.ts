import assert from "node:assert/strict";
import { test } from "node:test";
import { inheritableExecArgv } from "../../src/runtime/exec-argv.js";

test("workers keep loaders and flags but not eval scripts, test runner, watch or debugger flags", () => {
  assert.deepEqual(
    inheritableExecArgv([
      "--import",
      "tsx",
      "--max-old-space-size=512",
      "-e",
      "console.log(1)",
      "--input-type=module",
      "--test",
      "--test-reporter=spec",
      "--watch",
      "--inspect=9229",
      "--eval=1",
      "--enable-source-maps",
    ]),
    ["--import", "tsx", "--max-old-space-size=512", "--enable-source-maps"],
  );
});
