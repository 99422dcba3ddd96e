/**
 * Writing a file so that readers see either nothing or the whole file: the data goes to a temp
 * file in the same folder (a rename is atomic only within one file system), is flushed to disk,
 * then renamed over the target. A crash, a kill or an error leaves at worst a temp file, never a
 * partial or empty `{letter}.txt`; on an error we can catch, the temp file is removed too.
 */
import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { makeDir } from "./make-dir.js";

/**
 * Writes `data` to `dir/name` atomically, creating `dir` if missing.
 * @returns the full path written
 */
export async function writeFileAtomic(dir: string, name: string, data: Uint8Array | string): Promise<string> {
  await makeDir(dir);
  const target = join(dir, name);
  const temp = join(dir, tempFileName(name));
  try {
    // "wx": never follow or reuse an existing file at the temp name.
    const handle = await open(temp, "wx");
    try {
      await handle.writeFile(data);
      // Without a flush, a power cut after the rename could leave the new name with empty content.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    return target;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** A unique temp name for `name`: `.{name}.{pid}-{random}.tmp` (hidden, so loaders skip it). */
export function tempFileName(name: string): string {
  return `.${name}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`;
}

/** True if `fileName` is a temp file `writeFileAtomic` made for `name` (to sweep after a kill). */
export function isTempFileFor(name: string, fileName: string): boolean {
  const prefix = `.${name}.`;
  return fileName.startsWith(prefix) && /^\d+-[0-9a-f]{12}\.tmp$/.test(fileName.slice(prefix.length));
}
