/**
 * Errors of the letters workload. Each class has a stable `code` and inherits concur's global
 * brand, so `code` (and `isConcurError(err, code)`) still work on an error rebuilt after crossing
 * a thread or process boundary.
 */
import { ConcurError, isConcurError } from "concur";
import { printable } from "./printable.js";

// ConcurError's own `instanceof` matches any concur error for a subclass it has not registered
// (its registry is private), so each class below checks its own codes instead. The check goes
// through the global brand, hence it also works across duplicated copies of the package.
function hasOneOf(value: unknown, codes: readonly string[]): boolean {
  return isConcurError(value) && codes.includes(value.code);
}

/** Why a download failed; the `code` of a {@link DownloadError}. */
export type DownloadErrorCode =
  /** The server answered a status that is not 2xx (after retries, for 5xx and 429). */
  | "ERR_DOWNLOAD_HTTP"
  /** Connection refused or reset, DNS failure, body cut short (after retries). */
  | "ERR_DOWNLOAD_NETWORK"
  /** An attempt took longer than `timeoutMs` (after retries). */
  | "ERR_DOWNLOAD_TIMEOUT"
  /** The body is larger than `maxBodyBytes`. Not retried. */
  | "ERR_DOWNLOAD_TOO_LARGE"
  /** A redirect loop, a redirect to a non-http(s) URL (`file:`…), or too many redirects. Not retried. */
  | "ERR_DOWNLOAD_REDIRECT"
  /** The body is not a JSON list of `{id, name, url}` records. Not retried. */
  | "ERR_DOWNLOAD_INVALID_BODY"
  /** The response arrived but the file could not be written. Not retried. */
  | "ERR_DOWNLOAD_WRITE"
  /**
   * `onlyOnHost` names another machine (the endpoint is one only it can reach, such as the lab's
   * embedded one on 127.0.0.1), and this task ran here. Nothing was requested.
   */
  | "ERR_DOWNLOAD_WRONG_HOST";

const DOWNLOAD_CODES: readonly DownloadErrorCode[] = [
  "ERR_DOWNLOAD_HTTP",
  "ERR_DOWNLOAD_NETWORK",
  "ERR_DOWNLOAD_TIMEOUT",
  "ERR_DOWNLOAD_TOO_LARGE",
  "ERR_DOWNLOAD_REDIRECT",
  "ERR_DOWNLOAD_INVALID_BODY",
  "ERR_DOWNLOAD_WRITE",
  "ERR_DOWNLOAD_WRONG_HOST",
];

/**
 * `downloadAndWrite` gave up. Every field is plain data, so the error survives being sent back
 * from a worker thread or child process.
 */
export class DownloadError extends ConcurError {
  declare readonly code: DownloadErrorCode;
  /** The letter (query) being downloaded. */
  readonly letter: string;
  /** The URL requested. */
  readonly url: string;
  /** HTTP status of the last response, or null when no response arrived. */
  readonly status: number | null;
  /** Requests made, the first one included. */
  readonly attempts: number;

  constructor(
    code: DownloadErrorCode,
    message: string,
    details: { letter: string; url: string; status?: number | null; attempts: number; cause?: unknown },
  ) {
    // The message quotes the server (an error body, a network error) and the URL: outside text,
    // escaped here so that whoever prints the message cannot be made to drive their terminal.
    super(code, printable(message), { cause: details.cause });
    this.letter = details.letter;
    this.url = details.url;
    this.status = details.status ?? null;
    this.attempts = details.attempts;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasOneOf(value, DOWNLOAD_CODES);
  }
}

/** A letter that does not map to a safe file name inside the output folder. */
export class InvalidLetterError extends ConcurError {
  /** The rejected value, as given (it may not even be a string). */
  readonly letter: unknown;
  constructor(letter: unknown, reason: string) {
    super("ERR_INVALID_LETTER", `invalid letter ${describe(letter)}: ${reason}`);
    this.letter = letter;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasOneOf(value, ["ERR_INVALID_LETTER"]);
  }
}

/** A record that is not `{ id: number, name: string, url: string }`. */
export class InvalidRecordError extends ConcurError {
  constructor(message: string) {
    super("ERR_INVALID_RECORD", message);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasOneOf(value, ["ERR_INVALID_RECORD"]);
  }
}

/** Why `loadLetters` failed; the `code` of a {@link LoadLettersError}. */
export type LoadLettersErrorCode =
  /** The file does not exist. */
  | "ERR_LETTERS_FILE_MISSING"
  /** The file exists but is not a JSON list of records (or cannot be read). */
  | "ERR_LETTERS_FILE_CORRUPT";

/** A letters file could not be loaded; `file` names it. */
export class LoadLettersError extends ConcurError {
  declare readonly code: LoadLettersErrorCode;
  /** Path of the file that failed. */
  readonly file: string;
  constructor(code: LoadLettersErrorCode, message: string, file: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.file = file;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasOneOf(value, ["ERR_LETTERS_FILE_MISSING", "ERR_LETTERS_FILE_CORRUPT"]);
  }
}

/** A latency or fault specification that does not parse; `spec` is the text given. */
export class SpecError extends ConcurError {
  declare readonly code: "ERR_INVALID_LATENCY" | "ERR_INVALID_FAULTS";
  readonly spec: string;
  constructor(code: "ERR_INVALID_LATENCY" | "ERR_INVALID_FAULTS", message: string, spec: string) {
    super(code, message);
    this.spec = spec;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasOneOf(value, ["ERR_INVALID_LATENCY", "ERR_INVALID_FAULTS"]);
  }
}

/** A short, safe rendering of any value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}
