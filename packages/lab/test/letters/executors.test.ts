/**
 * The seed's task module under every executor kind, loaded unchanged: Task 2's results against
 * the closed form, Task 1's files, errors crossing the worker boundary, cancellation.
 */
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { EXECUTOR_KINDS, createExecutor } from "concur";
import type { Executor } from "concur";
import { generateDataset } from "../../src/letters/data.js";
import { startEndpoint, type RunningEndpoint } from "../../src/letters/endpoint.js";
import { lettersTasksUrl, type LettersTasks } from "../../src/letters/index.js";
import { processLetterClosedForm } from "../../src/letters/process.js";
import { listDir, tempDir } from "./helpers.js";

const records = [..."abcdef"].flatMap((letter) =>
  generateDataset({ seed: 5, recordsPerLetter: 3 }).letter(letter),
);

for (const kind of EXECUTOR_KINDS) {
  describe(`letters tasks under the ${kind} executor`, () => {
    let pool: Executor<LettersTasks>;
    let endpoint: RunningEndpoint;
    let dir: Awaited<ReturnType<typeof tempDir>>;
    before(async () => {
      dir = await tempDir();
      endpoint = await startEndpoint({
        latency: "0",
        seed: 5,
        faults: "q=b:503,ok;q=z:404*;q=h:hang*;retry-after=0",
      });
      pool = createExecutor<LettersTasks>(kind, lettersTasksUrl, { workers: 2 });
    });
    after(async () => {
      await pool?.shutdown({ wait: true, cancelFutures: true });
      await endpoint?.close();
      await dir?.remove();
    });

    test("processLetter matches the closed form", async () => {
      const results = await Promise.all(records.map((record) => pool.submit("processLetter", record, 2)));
      results.forEach((value, i) => {
        const expected = processLetterClosedForm(records[i]!, 2);
        assert.ok(
          Math.abs(value - expected) <= 1e-9 * expected,
          `${records[i]!.name}: ${value} vs ${expected}`,
        );
      });
    });

    test("map(processLetter) with the seed's multiplier, in input order", async () => {
      const some = records.slice(0, 3);
      const results: number[] = [];
      for await (const value of pool.map("processLetter", some)) results.push(value);
      assert.equal(results.length, 3);
      results.forEach((value, i) => {
        const expected = processLetterClosedForm(some[i]!);
        assert.ok(Math.abs(value - expected) <= 1e-9 * expected);
      });
    });

    test("a bad record's error comes back with its code", async () => {
      await assert.rejects(
        Promise.resolve(pool.submit("processLetter", { id: 1, name: 5, url: "/" } as never, 1)),
        {
          code: "ERR_INVALID_RECORD",
          message: /"name" is number 5, expected a string/,
        },
      );
    });

    test("downloadAndWrite writes each file (a retry included), loadLetters reads them back", async () => {
      const options = { endpoint: endpoint.searchTemplate, outDir: dir.path, backoffMs: 1 };
      const files = await Promise.all(
        [..."abc"].map((letter) => pool.submit("downloadAndWrite", letter, options)),
      );
      assert.deepEqual(files, ["a.txt", "b.txt", "c.txt"]);
      const text = await readFile(join(dir.path, "b.txt"), "utf8");
      assert.deepEqual(JSON.parse(text), generateDataset({ seed: 5 }).letter("b"));
      const loaded = await pool.submit("loadLetters", dir.path, ["a", "b", "c"]);
      assert.equal(loaded.length, 30);
    });

    test("a permanent download failure arrives as a DownloadError's fields", async () => {
      const options = { endpoint: endpoint.searchTemplate, outDir: dir.path };
      await assert.rejects(Promise.resolve(pool.submit("downloadAndWrite", "z", options)), {
        code: "ERR_DOWNLOAD_HTTP",
        status: 404,
        attempts: 1,
        letter: "z",
      });
    });

    test("cancelling a running download stops it and writes nothing", { timeout: 20_000 }, async () => {
      const before = endpoint.requests();
      const future = pool.submit("downloadAndWrite", "h", {
        endpoint: endpoint.searchTemplate,
        outDir: dir.path,
      });
      while (endpoint.requests() === before) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(future.cancel(), true);
      await assert.rejects(Promise.resolve(future), { code: "ERR_CANCELLED" });
      assert.deepEqual(await listDir(dir.path), ["a.txt", "b.txt", "c.txt"]);
    });
  });
}
