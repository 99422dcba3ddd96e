import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { runInTaskContext } from "concur/task";
import { isTempFileFor, tempFileName, writeFileAtomic } from "../../src/letters/atomic-write.js";
import { downloadAndWrite, type DownloadOptions, type RetryEvent } from "../../src/letters/download.js";
import { startEndpoint, type RunningEndpoint } from "../../src/letters/endpoint.js";
import { DownloadError, InvalidLetterError } from "../../src/letters/errors.js";
import { validateLetter } from "../../src/letters/letter.js";
import { backoffDelay, parseRetryAfter } from "../../src/letters/retry.js";
import { generateDataset } from "../../src/letters/data.js";
import { listDir, tempDir } from "./helpers.js";

// Short delays: the retry paths run for real, but quickly.
const FAST = { timeoutMs: 400, backoffMs: 5, maxDelayMs: 20 } satisfies Partial<DownloadOptions>;

describe("downloadAndWrite against the embedded endpoint", () => {
  let endpoint: RunningEndpoint;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    dir = await tempDir();
    endpoint = await startEndpoint({
      latency: "0",
      seed: 3,
      faults: [
        "q=b:503,429,ok",
        "q=c:truncate,hang,stall",
        "q=d:404",
        "q=e:500*",
        "q=f:invalid-json",
        "q=g:429",
        "q=h:hang*",
        "retry-after=0",
      ].join(";"),
    });
  });
  after(async () => {
    await endpoint.close();
    await dir.remove();
  });
  const options = (extra: Partial<DownloadOptions> = {}): DownloadOptions => ({
    endpoint: endpoint.searchTemplate,
    outDir: dir.path,
    ...FAST,
    ...extra,
  });

  test("writes {letter}.txt holding the records, returns its file name", async () => {
    assert.equal(await downloadAndWrite("a", options()), "a.txt");
    const records = JSON.parse(await readFile(join(dir.path, "a.txt"), "utf8")) as unknown;
    assert.deepEqual(records, generateDataset({ seed: 3 }).letter("a"));
  });

  test("creates a missing outDir", async () => {
    const nested = join(dir.path, "x", "y");
    assert.equal(await downloadAndWrite("k", options({ outDir: nested })), "k.txt");
    assert.deepEqual(await listDir(nested), ["k.txt"]);
  });

  test("retries 503 and 429, then succeeds", async () => {
    const retries: RetryEvent[] = [];
    assert.equal(await downloadAndWrite("b", options({ onRetry: (e) => retries.push(e) })), "b.txt");
    assert.deepEqual(
      retries.map((e) => [e.attempt, e.status]),
      [
        [1, 503],
        [2, 429],
      ],
    );
    assert.equal(retries[1]!.delayMs, 0, "Retry-After: 0 honoured");
  });

  test("retries a truncated body, a hung request and a stalled body (each within the timeout)", async () => {
    const retries: RetryEvent[] = [];
    assert.equal(await downloadAndWrite("c", options({ onRetry: (e) => retries.push(e) })), "c.txt");
    assert.equal(retries.length, 3);
    assert.match(retries[0]!.reason, /terminated|closed/);
    assert.match(retries[1]!.reason, /no complete response within 400 ms/);
    assert.equal(retries[1]!.status, null);
    assert.match(retries[2]!.reason, /no complete response within 400 ms/);
    assert.equal(retries[2]!.status, 200);
  });

  test("does not retry a 404", async () => {
    const error = await rejection(downloadAndWrite("d", options()));
    assert.ok(error instanceof DownloadError);
    assert.deepEqual(
      [error.code, error.status, error.attempts, error.letter],
      ["ERR_DOWNLOAD_HTTP", 404, 1, "d"],
    );
    assert.equal(error.url, endpoint.searchTemplate.replace("{letter}", "d"));
    assert.match(error.message, /download of "d" failed: HTTP 404/);
  });

  test("gives up on a lasting 500 after retries + 1 attempts", async () => {
    const error = await rejection(downloadAndWrite("e", options({ retries: 2 })));
    assert.ok(error instanceof DownloadError);
    assert.deepEqual([error.code, error.status, error.attempts], ["ERR_DOWNLOAD_HTTP", 500, 3]);
    assert.match(error.message, /after 3 attempts: HTTP 500/);
  });

  test("gives up on a lasting hang with ERR_DOWNLOAD_TIMEOUT", async () => {
    const error = await rejection(downloadAndWrite("h", options({ retries: 1, timeoutMs: 100 })));
    assert.deepEqual(
      [(error as DownloadError).code, (error as DownloadError).attempts],
      ["ERR_DOWNLOAD_TIMEOUT", 2],
    );
  });

  test("rejects an invalid body without retrying", async () => {
    const error = await rejection(downloadAndWrite("f", options()));
    assert.deepEqual(
      [(error as DownloadError).code, (error as DownloadError).attempts],
      ["ERR_DOWNLOAD_INVALID_BODY", 1],
    );
    assert.match((error as Error).message, /not valid JSON/);
  });

  test("rejects a body over maxBodyBytes", async () => {
    const error = await rejection(downloadAndWrite("i", options({ maxBodyBytes: 100 })));
    assert.equal((error as DownloadError).code, "ERR_DOWNLOAD_TOO_LARGE");
    assert.match((error as Error).message, /larger than the 100-byte limit/);
  });

  test("caps Retry-After at maxDelayMs", async () => {
    const server = await startEndpoint({ latency: "0", faults: "q=g:429;retry-after=3600" });
    try {
      const retries: RetryEvent[] = [];
      await downloadAndWrite("g", {
        ...options({ onRetry: (e) => retries.push(e) }),
        endpoint: server.searchTemplate,
      });
      assert.deepEqual(
        retries.map((e) => [e.status, e.delayMs]),
        [[429, FAST.maxDelayMs]],
      );
    } finally {
      await server.close();
    }
  });

  test("a network error (nothing listening) is retried, then reported", async () => {
    const closed = await startEndpoint({ latency: "0" });
    await closed.close();
    const retries: RetryEvent[] = [];
    const error = await rejection(
      downloadAndWrite("a", {
        ...options({ retries: 1, onRetry: (e) => retries.push(e) }),
        endpoint: closed.searchTemplate,
      }),
    );
    assert.equal((error as DownloadError).code, "ERR_DOWNLOAD_NETWORK");
    assert.match((error as Error).message, /ECONNREFUSED/);
    assert.equal(retries.length, 1);
  });

  test("no failure leaves a partial, empty or temp file", async () => {
    assert.deepEqual(await listDir(dir.path), ["a.txt", "b.txt", "c.txt", "g.txt", "x"]);
  });

  test("a cancelled task stops its fetch and its backoff sleep, and writes nothing", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    const before = endpoint.requests();
    const task = runInTaskContext({ name: "downloadAndWrite", signal: controller.signal, attempt: 1 }, () =>
      downloadAndWrite("h", options({ timeoutMs: 60_000 })),
    );
    while (endpoint.requests() === before) await new Promise((resolve) => setTimeout(resolve, 5));
    setTimeout(() => controller.abort(reason), 50);
    await assert.rejects(task, (error) => error === reason);
    const sleeping = new AbortController();
    const during = downloadAndWrite(
      "e",
      options({
        backoffMs: 60_000,
        maxDelayMs: 60_000,
        signal: sleeping.signal,
        onRetry: () => sleeping.abort(reason),
      }),
    );
    await assert.rejects(during, (error) => error === reason);
    assert.ok(!(await listDir(dir.path)).includes("h.txt"));
  });

  test("rejects unsafe letters before any request", async () => {
    const before = endpoint.requests();
    for (const letter of [
      "",
      "..",
      "../a",
      "a/b",
      "a\\b",
      "/etc/passwd",
      "a\0",
      ".hidden",
      "a.",
      "C:x",
      7,
      "x".repeat(65),
    ]) {
      await assert.rejects(
        downloadAndWrite(letter as string, options()),
        InvalidLetterError,
        JSON.stringify(letter),
      );
    }
    assert.equal(endpoint.requests(), before);
  });

  test("rejects bad options", async () => {
    const bad: Array<[Partial<DownloadOptions>, RegExp]> = [
      [{ endpoint: undefined }, /needs "endpoint"/],
      [{ endpoint: "http://127.0.0.1:1/a" }, /no \{letter\} placeholder/],
      [{ endpoint: "ftp://host/{letter}" }, /http: or https:/],
      [{ endpoint: "not a url {letter}" }, /not a valid URL/],
      [{ outDir: "" }, /needs "outDir"/],
      [{ retries: -1 }, /retries must be an integer >= 0/],
      [{ timeoutMs: 0 }, /timeoutMs must be an integer >= 1/],
      [{ onlyOnHost: "" }, /onlyOnHost must be a host name, got ""/],
      [{ onlyOnHost: 7 as unknown as string }, /onlyOnHost must be a host name, got 7/],
    ];
    for (const [extra, message] of bad) {
      await assert.rejects(downloadAndWrite("a", options(extra)), { code: "ERR_INVALID_ARGUMENT", message });
    }
  });

  test("onlyOnHost: runs here when it names this host; elsewhere fails at once, requesting nothing", async () => {
    assert.equal(await downloadAndWrite("b", options({ onlyOnHost: hostname() })), "b.txt");
    const before = endpoint.requests();
    const outDir = join(dir.path, "wrong-host");
    const error = await rejection(
      downloadAndWrite("c", options({ outDir, onlyOnHost: "the-submitting-machine" })),
    );
    assert.equal((error as DownloadError).code, "ERR_DOWNLOAD_WRONG_HOST");
    assert.match(
      (error as Error).message,
      new RegExp(`ran on ${hostname()}, but .+ is reachable from the-submitting-machine only`),
    );
    assert.equal(endpoint.requests(), before);
    assert.equal(existsSync(outDir), false, "nothing written, not even its folder");
  });

  test("a write failure is ERR_DOWNLOAD_WRITE and leaves no temp file", async () => {
    const blocker = join(dir.path, "file-not-dir");
    await writeFile(blocker, "");
    const error = await rejection(downloadAndWrite("a", options({ outDir: join(blocker, "sub") })));
    assert.equal((error as DownloadError).code, "ERR_DOWNLOAD_WRITE");
  });
});

describe("helpers", () => {
  test("validateLetter accepts safe names", () => {
    for (const letter of ["a", "Z", "ab", "a-b", "a_b", "a.b", "a b", "é", "7"])
      assert.equal(validateLetter(letter), letter);
  });

  test("writeFileAtomic replaces the file and leaves nothing else; a failed write removes its temp file", async () => {
    const dir = await tempDir();
    try {
      await writeFileAtomic(dir.path, "a.txt", "one");
      await writeFileAtomic(dir.path, "a.txt", "two");
      assert.equal(await readFile(join(dir.path, "a.txt"), "utf8"), "two");
      await assert.rejects(writeFileAtomic(dir.path, "a.txt", 42 as unknown as string));
      assert.deepEqual(await listDir(dir.path), ["a.txt"]);
    } finally {
      await dir.remove();
    }
  });

  test("temp file names are recognised, and nothing else is", () => {
    const name = tempFileName("a.txt");
    assert.ok(isTempFileFor("a.txt", name));
    assert.ok(!isTempFileFor("b.txt", name));
    assert.ok(!isTempFileFor("a.txt", "a.txt"));
    assert.ok(!isTempFileFor("a.txt", ".a.txt.notes"));
  });

  test("backoff grows, is capped, and is jittered into [half, full)", () => {
    assert.equal(
      backoffDelay(1, 100, 5000, () => 0),
      50,
    );
    assert.equal(
      backoffDelay(3, 100, 5000, () => 0.999999),
      400 * (0.5 + 0.999999 / 2),
    );
    assert.equal(
      backoffDelay(20, 100, 5000, () => 0),
      2500,
    );
  });

  test("parseRetryAfter reads seconds and HTTP dates", () => {
    assert.equal(parseRetryAfter("3"), 3000);
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter("soon"), undefined);
    const now = Date.parse("2024-01-01T00:00:00Z");
    assert.equal(parseRetryAfter("Mon, 01 Jan 2024 00:00:10 GMT", now), 10_000);
    assert.equal(parseRetryAfter("Mon, 01 Jan 2023 00:00:10 GMT", now), 0);
  });
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected a rejection");
}
