/**
 * Task 1 of the seed (IO-bound): fetch one letter's search results and write them to
 * `{letter}.txt`. Transient failures are retried; the file appears whole or not at all.
 */
import { hostname } from "node:os";
import { taskSignal } from "concur/task";
import { InvalidArgumentError } from "concur";
import { writeFileAtomic } from "./atomic-write.js";
import { fetchOnce, type AttemptOutcome } from "./attempt.js";
import { DownloadError, type DownloadErrorCode } from "./errors.js";
import { letterFileName } from "./letter.js";
import { parseRecordList } from "./record.js";
import { backoffDelay, parseRetryAfter, sleep } from "./retry.js";

/** Options of {@link downloadAndWrite}. Plain data (except `signal`/`onRetry`), so they can be sent to a worker. */
export interface DownloadOptions {
  /**
   * URL template with a `{letter}` placeholder (replaced by the URL-encoded letter), e.g. an
   * endpoint's `searchTemplate`, `https://api.example.com/search/?q={letter}`, or a static
   * server's `http://127.0.0.1:8000/{letter}.json`. Required: a task running in a worker cannot
   * guess where the server is (`concur run io` starts one and passes its template).
   */
  endpoint?: string;
  /** Folder the file is written to; created if missing. */
  outDir: string;
  /**
   * Milliseconds one attempt may take, body included.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Retries after the first attempt, for network errors, timeouts, 5xx and 429.
   * @default 3
   */
  retries?: number;
  /**
   * Largest accepted body, in bytes.
   * @default 10485760 (10 MiB)
   */
  maxBodyBytes?: number;
  /**
   * Delay before the first retry; doubled each retry, with jitter.
   * @default 100
   */
  backoffMs?: number;
  /**
   * Cap of any delay between attempts, `Retry-After` included (a server asking for an hour does
   * not stall the run for an hour).
   * @default 5000
   */
  maxDelayMs?: number;
  /**
   * The host name (`os.hostname()`) of the only machine that can reach `endpoint`, such as the
   * lab's embedded endpoint on 127.0.0.1: run anywhere else (a distributed worker on another
   * machine), the task fails at once with `ERR_DOWNLOAD_WRONG_HOST` instead of downloading from
   * that machine's own 127.0.0.1.
   */
  onlyOnHost?: string;
  /** Aborts the download (in-process callers only; in a task, the task's own signal is used too). */
  signal?: AbortSignal;
  /** Called before each retry (in-process callers only: functions cannot be sent to a worker). */
  onRetry?: (event: RetryEvent) => void;
}

/** What `onRetry` is told. */
export interface RetryEvent {
  letter: string;
  url: string;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** Milliseconds until the next attempt. */
  delayMs: number;
  /** HTTP status of the failed attempt, or null when there was no response. */
  status: number | null;
  /** Why the attempt failed, e.g. `"HTTP 503"`. */
  reason: string;
}

const DEFAULTS = {
  timeoutMs: 10_000,
  retries: 3,
  maxBodyBytes: 10 * 1024 * 1024,
  backoffMs: 100,
  maxDelayMs: 5_000,
};

/**
 * Downloads `letter`'s search results from `options.endpoint`, checks they are a JSON list of
 * `{id, name, url}` records, and writes the body as received to `{outDir}/{letter}.txt`.
 *
 * @returns the file name, e.g. `"a.txt"` (not the full path), as the seed's function returns
 * @throws `InvalidLetterError` when the letter is not a safe file name; `InvalidArgumentError` for
 * bad options; `DownloadError` (`code`, `status`, `url`, `attempts`) when the download fails;
 * the abort reason when the task is cancelled (no file is written then).
 */
export async function downloadAndWrite(letter: string, options: DownloadOptions): Promise<string> {
  const fileName = letterFileName(letter);
  const settings = resolveOptions(options);
  const url = settings.endpoint.replaceAll("{letter}", encodeURIComponent(letter));
  if (settings.onlyOnHost !== undefined && settings.onlyOnHost !== hostname()) {
    throw new DownloadError(
      "ERR_DOWNLOAD_WRONG_HOST",
      `download of "${letter}" ran on ${hostname()}, but ${url} is reachable from ${settings.onlyOnHost} only: ` +
        "give an endpoint every worker machine can reach",
      { letter, url, attempts: 0 },
    );
  }
  // A signal of our own, following the task's (and the caller's): outside a task every call would
  // otherwise hang its listeners on the one shared never-aborting signal (and trip Node's
  // max-listeners warning with a dozen concurrent downloads).
  const signal = AbortSignal.any(options.signal ? [taskSignal(), options.signal] : [taskSignal()]);

  const { body, status, attempts } = await fetchWithRetries(letter, url, settings, signal, options.onRetry);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    parseRecordList(JSON.parse(text));
  } catch (error) {
    const why =
      error instanceof SyntaxError
        ? "not valid JSON"
        : error instanceof TypeError
          ? "not UTF-8"
          : (error as Error).message;
    throw new DownloadError(
      "ERR_DOWNLOAD_INVALID_BODY",
      `download of "${letter}" returned an invalid body: ${why} (${url})`,
      {
        letter,
        url,
        status,
        attempts,
        cause: error,
      },
    );
  }
  // Cancelled while the body was checked: leave no file, as promised.
  signal.throwIfAborted();
  try {
    await writeFileAtomic(settings.outDir, fileName, text);
  } catch (error) {
    throw new DownloadError(
      "ERR_DOWNLOAD_WRITE",
      `could not write ${fileName} in ${settings.outDir}: ${(error as Error).message}`,
      {
        letter,
        url,
        status,
        attempts,
        cause: error,
      },
    );
  }
  return fileName;
}

/** Tries until a 2xx response arrives, or a failure is permanent, or retries are used up. */
async function fetchWithRetries(
  letter: string,
  url: string,
  settings: Settings,
  signal: AbortSignal,
  onRetry: DownloadOptions["onRetry"],
): Promise<{ body: Uint8Array; status: number; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await fetchOnce(url, {
      timeoutMs: settings.timeoutMs,
      maxBodyBytes: settings.maxBodyBytes,
      signal,
    });
    if (outcome.kind === "response" && outcome.status >= 200 && outcome.status < 300) {
      return { body: outcome.body, status: outcome.status, attempts: attempt };
    }
    const failure = classify(outcome);
    if (!failure.retry || attempt > settings.retries) {
      const tries = attempt === 1 ? "" : ` after ${attempt} attempts`;
      throw new DownloadError(
        failure.code,
        `download of "${letter}" failed${tries}: ${failure.reason} (${url})`,
        {
          letter,
          url,
          status: outcome.status,
          attempts: attempt,
          cause: outcome.kind === "network" ? outcome.cause : undefined,
        },
      );
    }
    const retryAfter =
      outcome.kind === "response" ? parseRetryAfter(outcome.headers.get("retry-after")) : undefined;
    const delayMs = Math.min(
      settings.maxDelayMs,
      retryAfter ?? backoffDelay(attempt, settings.backoffMs, settings.maxDelayMs),
    );
    onRetry?.({ letter, url, attempt, delayMs, status: outcome.status, reason: failure.reason });
    await sleep(delayMs, signal);
  }
}

/** Whether a failed attempt is worth repeating, and how to report it if it is the last. */
function classify(outcome: AttemptOutcome): { code: DownloadErrorCode; reason: string; retry: boolean } {
  switch (outcome.kind) {
    case "network":
      return { code: "ERR_DOWNLOAD_NETWORK", reason: outcome.message, retry: true };
    case "timeout":
      return { code: "ERR_DOWNLOAD_TIMEOUT", reason: outcome.message, retry: true };
    case "too-large":
      return { code: "ERR_DOWNLOAD_TOO_LARGE", reason: outcome.message, retry: false };
    // The same request would be redirected the same way: failing again is all a retry could do.
    case "redirect":
      return { code: "ERR_DOWNLOAD_REDIRECT", reason: outcome.message, retry: false };
    case "response": {
      const { status } = outcome;
      const snippet = new TextDecoder().decode(outcome.body).trim().slice(0, 200);
      // 5xx and 429 say "not now"; any other status (404, 400, 3xx left unfollowed…) will not change.
      const retry = status >= 500 || status === 429;
      return { code: "ERR_DOWNLOAD_HTTP", reason: `HTTP ${status}${snippet ? `: ${snippet}` : ""}`, retry };
    }
  }
}

type Settings = Required<
  Pick<
    DownloadOptions,
    "endpoint" | "outDir" | "timeoutMs" | "retries" | "maxBodyBytes" | "backoffMs" | "maxDelayMs"
  >
> & { onlyOnHost: string | undefined };

/** Fills in defaults and rejects options that would make the download meaningless. */
function resolveOptions(options: DownloadOptions): Settings {
  if (typeof options !== "object" || options === null)
    throw new InvalidArgumentError("downloadAndWrite needs an options object { endpoint, outDir }");
  const { endpoint, outDir } = options;
  if (typeof endpoint !== "string" || endpoint === "") {
    throw new InvalidArgumentError(
      'downloadAndWrite needs "endpoint", a URL template with {letter} (e.g. a RunningEndpoint\'s searchTemplate)',
    );
  }
  if (!endpoint.includes("{letter}")) {
    throw new InvalidArgumentError(
      `endpoint "${endpoint}" has no {letter} placeholder: every letter would fetch the same URL`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(endpoint.replaceAll("{letter}", "a"));
  } catch {
    throw new InvalidArgumentError(`endpoint "${endpoint}" is not a valid URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new InvalidArgumentError(`endpoint "${endpoint}" must be an http: or https: URL`);
  }
  if (typeof outDir !== "string" || outDir === "")
    throw new InvalidArgumentError('downloadAndWrite needs "outDir", a folder path');
  const { onlyOnHost } = options;
  if (onlyOnHost !== undefined && (typeof onlyOnHost !== "string" || onlyOnHost === ""))
    throw new InvalidArgumentError(`onlyOnHost must be a host name, got ${JSON.stringify(onlyOnHost)}`);
  const settings = { ...DEFAULTS, endpoint, outDir, onlyOnHost };
  for (const key of ["timeoutMs", "retries", "maxBodyBytes", "backoffMs", "maxDelayMs"] as const) {
    const value = options[key];
    if (value === undefined) continue;
    const min = key === "timeoutMs" || key === "maxBodyBytes" ? 1 : 0;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
      throw new InvalidArgumentError(`${key} must be an integer >= ${min}, got ${String(value)}`);
    }
    settings[key] = value;
  }
  return settings;
}
