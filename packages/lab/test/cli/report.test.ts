import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { concur } from "../helpers/cli.js";

const fixture = fileURLToPath(new URL("../fixtures/lab-report.sample.json", import.meta.url));

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "concur-report-cli-"));
});
after(() => rm(dir, { recursive: true, force: true }));

describe("concur report", () => {
  test("re-renders a saved report: table on stdout, HTML to a file", async () => {
    const html = join(dir, "out.html");
    const result = await concur(["report", fixture, "--html", html]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Verdict\n {2}io: /);
    assert.match(await readFile(html, "utf8"), /^<!doctype html>/i);
    assert.match(result.stderr, /wrote .*out\.html/);
  });

  test("--markdown - writes Markdown to stdout instead of the table", async () => {
    const result = await concur(["report", fixture, "--markdown", "-"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^# /m);
    assert.doesNotMatch(result.stdout, /┌/);
  });

  test("an invalid report is refused with the reasons (exit 1)", async () => {
    const bad = join(dir, "bad.json");
    await writeFile(bad, JSON.stringify({ schema: "concur.bench-report", version: 1, cells: "no" }));
    const result = await concur(["report", bad]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /is not a valid concur bench report/);
    assert.match(result.stderr, /\/cells must be array/);
  });

  test("an unreadable file (exit 1) and a missing argument (exit 2)", async () => {
    assert.equal((await concur(["report", join(dir, "nope.json")])).code, 1);
    assert.equal((await concur(["report"])).code, 2);
  });
});
