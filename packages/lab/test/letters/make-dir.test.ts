import { test } from "node:test";
import assert from "node:assert/strict";
import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeDir } from "../../src/letters/make-dir.js";
import { writeFileAtomic } from "../../src/letters/atomic-write.js";
import { tempDir } from "./helpers.js";

/** `promise`'s outcome, or "pending" if it is still pending after `ms` (a spin, not an answer). */
async function within<T>(promise: Promise<T>, ms: number): Promise<PromiseSettledResult<T> | "pending"> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"pending">((resolve) => (timer = setTimeout(() => resolve("pending"), ms)));
  try {
    return await Promise.race([Promise.allSettled([promise]).then(([r]) => r!), late]);
  } finally {
    clearTimeout(timer);
  }
}

test("makeDir creates missing parents, and concurrent calls on one folder all succeed", async (t) => {
  const dir = await tempDir();
  t.after(() => dir.remove());
  const deep = join(dir.path, "a", "b", "c");
  await Promise.all(Array.from({ length: 8 }, () => makeDir(deep)));
  assert.ok((await stat(deep)).isDirectory());
  await makeDir(deep); // exists already: fine
});

test(
  "makeDir fails (does not spin) where a file is in the way or the file system refuses",
  { timeout: 60_000 },
  async (t) => {
    const dir = await tempDir();
    t.after(() => dir.remove());
    const file = join(dir.path, "file");
    await writeFile(file, "");
    await assert.rejects(makeDir(join(file, "sub")), { code: "ENOTDIR" });
    // Node's recursive mkdir spins forever here; writeFileAtomic used it.
    const outcome = await within(writeFileAtomic("/proc/x", "a.txt", "data"), 20_000);
    if (outcome === "pending") assert.fail("writeFileAtomic to /proc/x never settled");
    assert.equal(outcome.status, "rejected");
    assert.equal((outcome as PromiseRejectedResult & { reason: { code?: string } }).reason.code, "ENOENT");
  },
);
