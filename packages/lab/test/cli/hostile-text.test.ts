/**
 * Remote and user text on the terminal: a hostile endpoint's error body, or a user task's error
 * message, must come out with its control characters escaped, never raw (ESC sequences set the
 * window title or clear the screen; CR/LF forge lines).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { concur } from "../helpers/cli.js";
import { assertNoRawControls } from "../helpers/terminal.js";
import { startHttpServer, tempDir } from "../letters/helpers.js";

// Sets the window title, rings the bell, clears the screen, then forges a success line.
const HOSTILE = "\u001b]0;pwned\u0007\u001b[2J\u001b[H\r\nconcur run: all 26 letters ok\n\u009b31m";
const FORGED = /^concur run: all 26 letters ok/m;

function assertNoControls(text: string, where: string): void {
  assertNoRawControls(text, where);
  assert.doesNotMatch(text, FORGED, `${where} holds a forged line`);
}

describe("hostile text is escaped on the terminal", { timeout: 120_000 }, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  let url = "";
  before(async () => {
    dir = await tempDir("concur-hostile-");
    server = await startHttpServer((_req, res) => {
      res.writeHead(500, { "content-type": "text/plain" }).end(HOSTILE);
    });
    url = server.url;
  });
  after(async () => {
    await server.close();
    await dir.remove();
  });

  test("run io: a server's error body is escaped in the failure message", async () => {
    const out = join(dir.path, "out");
    const result = await concur([
      "run",
      "io",
      "--endpoint",
      url,
      "--letters",
      "ab",
      "--retries",
      "0",
      "--out",
      out,
    ]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /letter "a" failed: ERR_DOWNLOAD_HTTP: .*HTTP 500: \\e\]0;pwned\\x07/);
    assertNoControls(result.stderr, "stderr");
    assertNoControls(result.stdout, "stdout");
  });

  test("run io: a hostile --out folder name is escaped when a write fails", async () => {
    // A file where the folder should be: the write fails and the message names the path.
    const blocker = join(dir.path, `blocker\u001b[2J\r\nconcur run: all 26 letters ok`);
    await writeFile(blocker, "not a folder");
    const endpoint = ["--latency", "0", "--letters", "a", "--out", join(blocker, "sub")];
    const result = await concur(["run", "io", ...endpoint]);
    assert.notEqual(result.code, 0, result.stderr);
    assert.match(result.stderr, /blocker\\e\[2J\\r\\n/);
    assertNoControls(result.stderr, "stderr");
  });

  test("bench: a user task's error message is escaped in the progress and the table", async () => {
    const module = join(dir.path, "hostile-task.mjs");
    await writeFile(module, `export function evil() { throw new Error(${JSON.stringify(HOSTILE)}); }\n`);
    const inputs = join(dir.path, "inputs.json");
    await writeFile(inputs, "[1]");
    const result = await concur([
      "bench", "--module", module, "--task", "evil", "--inputs", inputs, "--executors", "sequential",
      "--min-runs", "1", "--max-runs", "1", "--warmup", "0", "--min-time", "0", "--no-python",
    ]); // prettier-ignore
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr + result.stdout, /\\e\]0;pwned/);
    assertNoControls(result.stderr, "stderr");
    assertNoControls(result.stdout, "stdout");
  });
});
