/**
 * Task 1 against a plain static file server (python3 -m http.server over a.json..z.json): any
 * server works, not only concur's endpoint. Faults come from a small proxy in front of it.
 */
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateDataset } from "../../src/letters/data.js";
import { downloadAndWrite, type RetryEvent } from "../../src/letters/download.js";
import { DownloadError } from "../../src/letters/errors.js";
import { LETTERS } from "../../src/letters/letter.js";
import { listDir, startFaultProxy, startStaticServer, tempDir } from "./helpers.js";

describe("downloadAndWrite against python3 -m http.server", () => {
  const dataset = generateDataset({ seed: 9 });
  let served: Awaited<ReturnType<typeof tempDir>>;
  let out: Awaited<ReturnType<typeof tempDir>>;
  let server: Awaited<ReturnType<typeof startStaticServer>>;
  before(async () => {
    served = await tempDir("concur-static-");
    out = await tempDir();
    for (const letter of LETTERS) {
      await writeFile(join(served.path, `${letter}.json`), JSON.stringify(dataset.letter(letter)));
    }
    await writeFile(join(served.path, "broken.json"), '[{"id": 1, "name": "Half');
    await writeFile(join(served.path, "wrong.json"), '[{"id": 1, "name": 42, "url": "/company/X/"}]');
    server = await startStaticServer(served.path);
  });
  after(async () => {
    await server?.close();
    await served?.remove();
    await out?.remove();
  });

  test("downloads all 26 letters from {letter}.json", async () => {
    const files = await Promise.all(
      [...LETTERS].map((letter) =>
        downloadAndWrite(letter, {
          endpoint: `${server.url}/{letter}.json`,
          outDir: out.path,
          timeoutMs: 5000,
        }),
      ),
    );
    assert.deepEqual(
      files,
      [...LETTERS].map((letter) => `${letter}.txt`),
    );
    for (const letter of "amz") {
      assert.deepEqual(
        JSON.parse(await readFile(join(out.path, `${letter}.txt`), "utf8")),
        dataset.letter(letter),
      );
    }
  });

  test("a missing file is a 404, reported at once, no file written", async () => {
    const error = await downloadAndWrite("missing", {
      endpoint: `${server.url}/{letter}.json`,
      outDir: out.path,
    }).then(
      () => assert.fail("expected a rejection"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof DownloadError);
    assert.deepEqual([error.code, error.status, error.attempts], ["ERR_DOWNLOAD_HTTP", 404, 1]);
  });

  test("bodies that are not JSON records are rejected, no file written", async () => {
    for (const [name, message] of [
      ["broken", /not valid JSON/],
      ["wrong", /record 0: "name" is number 42, expected a string/],
    ] as const) {
      await assert.rejects(
        downloadAndWrite(name, { endpoint: `${server.url}/{letter}.json`, outDir: out.path }),
        {
          code: "ERR_DOWNLOAD_INVALID_BODY",
          message,
        },
      );
    }
  });

  test("through a proxy failing twice per file with 503: retries succeed", async () => {
    const proxy = await startFaultProxy(server.url, 2);
    try {
      const retries: RetryEvent[] = [];
      const file = await downloadAndWrite("q", {
        endpoint: `${proxy.url}/{letter}.json`,
        outDir: join(out.path, "proxied"),
        backoffMs: 1,
        onRetry: (e) => retries.push(e),
      });
      assert.equal(file, "q.txt");
      assert.deepEqual(
        retries.map((e) => e.status),
        [503, 503],
      );
      assert.equal(proxy.hits("/q.json"), 3);
    } finally {
      await proxy.close();
    }
  });

  test("through a proxy failing more often than the retries allow: reported, nothing written", async () => {
    const proxy = await startFaultProxy(server.url, 10, 502);
    try {
      await assert.rejects(
        downloadAndWrite("r", {
          endpoint: `${proxy.url}/{letter}.json`,
          outDir: join(out.path, "failed"),
          retries: 2,
          backoffMs: 1,
        }),
        { code: "ERR_DOWNLOAD_HTTP", status: 502, attempts: 3 },
      );
      assert.deepEqual(await listDir(join(out.path, "failed")), []);
    } finally {
      await proxy.close();
    }
  });

  test("the output folder holds exactly the 26 files", async () => {
    const names = (await listDir(out.path)).filter((name) => name !== "proxied" && name !== "failed");
    assert.deepEqual(
      names,
      [...LETTERS].map((letter) => `${letter}.txt`),
    );
  });
});
