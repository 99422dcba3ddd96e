/**
 * The running slot of a process worker (src/protocol/running-slot.ts): a file opened here and
 * unlinked at once, so nothing is left on disk whatever happens, and handed to the child as an
 * extra file descriptor. The child overwrites its first 8 bytes; this side reads them after the
 * child died, when its memory is gone but the file's page is not.
 */
import { closeSync, openSync, readSync, unlinkSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { SLOT_BYTES } from "../protocol/running-slot.js";

export class SlotFile {
  readonly fd: number;
  #closed = false;

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** A new slot file, or undefined if none can be made (the pool then guesses as before). */
  static open(): SlotFile | undefined {
    try {
      const path = join(os.tmpdir(), `.concur-slot-${process.pid}-${Math.random().toString(36).slice(2)}`);
      const fd = openSync(path, "wx+", 0o600);
      unlinkSync(path);
      return new SlotFile(fd);
    } catch {
      return undefined;
    }
  }

  /** The last value written so far (0 if none), or undefined once closed or unreadable. */
  peek(): number | undefined {
    if (this.#closed) return undefined;
    try {
      const bytes = new Float64Array(1);
      return readSync(this.fd, bytes, 0, SLOT_BYTES, 0) === SLOT_BYTES ? bytes[0] : 0;
    } catch {
      return undefined;
    }
  }

  /** The last value written (0 if none), or undefined if unreadable; closes the file. */
  readAndClose(): number | undefined {
    if (this.#closed) return undefined;
    const value = this.peek();
    this.#closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // Already gone: nothing to release.
    }
    return value;
  }
}
