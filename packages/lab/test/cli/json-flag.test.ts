/**
 * `--json` means the same in every command: the JSON document on stdout. `--json-out <file>`
 * writes it to a file. The old `--json <file>` of bench and report still works, with a note.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { concur } from "../helpers/cli.js";

const fixture = fileURLToPath(new URL("../fixtures/lab-report.sample.json", import.meta.url));

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "concur-json-flag-"));
});
after(() => rm(dir, { recursive: true, force: true }));

describe("--json, the same in every command", { timeout: 120_000 }, () => {
  test("report --json prints the report on stdout, whichever side of the file it is", async () => {
    const expected = JSON.parse(await readFile(fixture, "utf8")) as { schema: string };
    for (const args of [
      ["report", fixture, "--json"],
      ["report", "--json", fixture],
    ]) {
      const result = await concur(args);
      assert.equal(result.code, 0, result.stderr);
      assert.equal((JSON.parse(result.stdout) as { schema: string }).schema, expected.schema);
      assert.doesNotMatch(result.stderr, /deprecated/);
    }
  });

  test("report --json-out writes a file and keeps the table on stdout; the old --json <file> too, with a note", async () => {
    const out = join(dir, "new.json");
    const result = await concur(["report", fixture, "--json-out", out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Verdict/);
    assert.ok(JSON.parse(await readFile(out, "utf8")));
    const old = join(dir, "old.json");
    const legacy = await concur(["report", fixture, "--json", old]);
    assert.equal(legacy.code, 0, legacy.stderr);
    assert.match(legacy.stderr, /"--json <file>" is deprecated: use --json-out .*old\.json/);
    assert.equal(await readFile(old, "utf8"), await readFile(out, "utf8"));
  });

  test("run io --json-out writes the document and prints the text", async () => {
    const out = join(dir, "run.json");
    const result = await concur(["run", "io", "--latency", "0", "--letters", "a", "--out", join(dir, "files"), "--json-out", out]); // prettier-ignore
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^a\.txt\nWall time: /);
    const doc = JSON.parse(await readFile(out, "utf8")) as { task: string; completed: number };
    assert.deepEqual([doc.task, doc.completed], ["io", 1]);
  });

  test("an empty file name, a '-' file, or both flags are bad usage", async () => {
    for (const args of [
      ["report", fixture, "--json-out", ""],
      ["report", fixture, "--json-out", "-"],
      ["report", fixture, "--json", "--json-out", join(dir, "x.json")],
      ["run", "io", "--json-out", ""],
    ]) {
      const result = await concur(args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, /--json/);
    }
  });

  test("every command's --help states the rule", async () => {
    for (const command of [["run", "io"], ["run", "cpu"], ["bench"], ["report"], ["advise"]]) {
      const { stdout } = await concur([...command, "--help"]);
      assert.match(stdout, /--json-out <file>/, command.join(" "));
      assert.match(stdout, /--json prints the result as one JSON document on stdout/, command.join(" "));
    }
  });
});
