/**
 * Errors only the distributed executor raises, each with a stable `code`. Everything else (a
 * task's own error, CancelledError, TaskTimeoutError, WorkerCrashedError, NotSerializableError,
 * TaskNotFoundError…) is concur's own class, so code that handles a process pool's failures
 * handles a cluster's the same way.
 */
import { ConcurError } from "concur";

/** Redis could not be reached, refused the credentials, or stayed down longer than allowed. */
export class RedisConnectionError extends ConcurError {
  /** The Redis URL, without its password. */
  readonly url: string;
  constructor(message: string, url: string, options?: { cause?: unknown }) {
    super("ERR_REDIS_CONNECTION", message, options);
    this.url = url;
  }
}

/** The worker's task module is not the submitter's (other export names or version). */
export class ModuleMismatchError extends ConcurError {
  readonly expected: string;
  readonly actual: string;
  constructor(message: string, details: { expected: string; actual: string }) {
    super("ERR_MODULE_MISMATCH", message);
    this.expected = details.expected;
    this.actual = details.actual;
  }
}

/** A task's encoded arguments (or a result) are larger than `maxPayloadBytes`. */
export class PayloadTooLargeError extends ConcurError {
  readonly task: string;
  readonly bytes: number;
  readonly maxPayloadBytes: number;
  constructor(task: string, bytes: number, maxPayloadBytes: number, what = "arguments") {
    super(
      "ERR_PAYLOAD_TOO_LARGE",
      `task "${task}": its ${what} encode to ${bytes} bytes, over maxPayloadBytes (${maxPayloadBytes}); ` +
        "pass a reference (a URL, a key, a file path) instead of the data, or raise maxPayloadBytes",
    );
    this.task = task;
    this.bytes = bytes;
    this.maxPayloadBytes = maxPayloadBytes;
  }
}

export { redactUrl } from "./names.js";

/**
 * concur's deserializeError rebuilds the errors concur knows; this package's own arrive as a
 * plain ConcurError with their code, and get their class back here.
 */
export function rebuildOwnError(error: unknown): unknown {
  if (!(error instanceof ConcurError)) return error;
  const fields = error as unknown as Record<string, unknown>;
  let rebuilt: ConcurError | undefined;
  if (error.code === "ERR_MODULE_MISMATCH")
    rebuilt = new ModuleMismatchError(error.message, {
      expected: String(fields.expected),
      actual: String(fields.actual),
    });
  else if (error.code === "ERR_PAYLOAD_TOO_LARGE")
    rebuilt = Object.assign(
      new PayloadTooLargeError(
        String(fields.task),
        Number(fields.bytes),
        Number(fields.maxPayloadBytes),
        "result",
      ),
      {
        message: error.message,
      },
    );
  if (!rebuilt) return error;
  Object.defineProperty(rebuilt, "stack", { value: error.stack, writable: true, configurable: true });
  return rebuilt;
}
