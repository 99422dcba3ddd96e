/**
 * Redirects against a tiny real server: followed when they lead somewhere, and when they cannot
 * (a loop, a `file:` target, too many hops) a typed error at once, without retries.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { downloadAndWrite } from "../../src/letters/download.js";
import { DownloadError } from "../../src/letters/errors.js";
import { listDir, startHttpServer, tempDir } from "./helpers.js";

const RECORDS = JSON.stringify([{ id: 1, name: "Acme", url: "https://acme.example" }]);

describe("downloadAndWrite and redirects", () => {
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  let base = "";
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const hits = new Map<string, number>();
  before(async () => {
    dir = await tempDir();
    server = await startHttpServer((req, res) => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const redirect = (location: string) => res.writeHead(302, { location }).end();
      if (path === "/loop/a") return redirect("/loop/b");
      if (path === "/loop/b") return redirect("/loop/a");
      if (path === "/file/a") return redirect("file:///etc/passwd");
      if (path.startsWith("/chain/")) {
        const n = Number(path.slice("/chain/".length, -2));
        return redirect(`/chain/${n + 1}/a`);
      }
      if (path === "/moved/a") return redirect("/data/a");
      if (path === "/data/a") return res.writeHead(200, { "content-type": "application/json" }).end(RECORDS);
      res.writeHead(404).end();
    });
    base = server.url;
  });
  after(async () => {
    await server.close();
    await dir.remove();
  });

  const options = (path: string) => ({
    endpoint: `${base}${path}`,
    outDir: dir.path,
    retries: 3,
    backoffMs: 5,
    maxDelayMs: 20,
  });

  test("a redirect to an http URL is followed", async () => {
    assert.equal(await downloadAndWrite("a", options("/moved/{letter}")), "a.txt");
  });

  for (const [what, path, message] of [
    [
      "a redirect loop",
      "/loop/{letter}",
      /redirect loop: http:\/\/127\.0\.0\.1:\d+\/loop\/a was already requested/,
    ],
    [
      "a file: redirect",
      "/file/{letter}",
      /redirect to file:\/\/\/etc\/passwd: only http and https are followed/,
    ],
    ["an endless chain", "/chain/0/{letter}", /more than 5 redirects/],
  ] as const) {
    test(`${what} fails at once with ERR_DOWNLOAD_REDIRECT, not retried`, async () => {
      hits.clear();
      const error = await downloadAndWrite("a", options(path)).then(
        () => assert.fail("resolved"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof DownloadError, String(error));
      assert.equal(error.code, "ERR_DOWNLOAD_REDIRECT");
      assert.equal(error.attempts, 1);
      assert.equal(error.status, 302);
      assert.match(error.message, message);
      const first = path.replace("{letter}", "a");
      assert.equal(hits.get(first), 1, `${first} requested once: ${JSON.stringify([...hits])}`);
    });
  }

  test("nothing is written by a failed redirect", async () => {
    assert.deepEqual(await listDir(dir.path), ["a.txt"]);
  });
});
