/** `run io --out` / `run cpu --in`: a folder that cannot be used is bad usage, said at once. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { exitWithin, runCli, spawnCli } from "../letters/helpers.js";

test(
  "an --out folder that cannot be created exits 2 at once (no spin on /proc/x)",
  { timeout: 120_000 },
  async () => {
    // Node's recursive mkdir loops forever on /proc/x (ENOENT although /proc exists).
    const proc = spawnCli(["run", "io", "--latency", "0", "--letters", "a", "--out", "/proc/x/y"]);
    assert.equal(await exitWithin(proc, 30_000), 2, proc.stderr());
    assert.match(proc.stderr(), /--out: cannot create the folder \/proc\/x\/y: ENOENT/);
    const empty = await runCli(["run", "io", "--latency", "0", "--letters", "a", "--out", ""]);
    assert.equal(empty.code, 2, empty.stderr);
    assert.match(empty.stderr, /--out must name a folder, got an empty string/);
    const emptyIn = await runCli(["run", "cpu", "--letters", "a", "--in", ""]);
    assert.equal(emptyIn.code, 2, emptyIn.stderr);
    assert.match(emptyIn.stderr, /--in must name a folder/);
  },
);
