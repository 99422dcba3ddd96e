/**
 * One HTTP GET with a deadline covering the whole exchange (connect, headers and body) and a cap
 * on the body size. It never retries and never throws for a failed exchange: it reports what
 * happened, and download.ts decides whether to try again.
 */
import { getFollowingRedirects } from "./redirects.js";

/** What one attempt got. */
export type AttemptOutcome =
  /** A complete response, whatever its status. `body` is capped (error bodies at 4 KiB). */
  | { kind: "response"; status: number; headers: Headers; body: Uint8Array }
  /** A redirect that is not followed: a loop, a non-http(s) target, too many hops. */
  | { kind: "redirect"; status: number; message: string }
  /** No complete response: refused, reset, DNS, body cut short… */
  | { kind: "network"; status: number | null; message: string; cause: unknown }
  /** The deadline passed first. */
  | { kind: "timeout"; status: number | null; message: string }
  /** The body is over the cap. */
  | { kind: "too-large"; status: number; message: string };

/** Options of {@link fetchOnce}. */
export interface AttemptOptions {
  timeoutMs: number;
  maxBodyBytes: number;
  /** Aborting it makes `fetchOnce` reject with `signal.reason` (cancellation is not a failure). */
  signal: AbortSignal;
}

// Error bodies only feed a message; there is no reason to download megabytes of them.
const ERROR_BODY_LIMIT = 4096;

/** Sends one GET to `url`. Rejects only when `options.signal` aborts. */
export async function fetchOnce(url: string, options: AttemptOptions): Promise<AttemptOutcome> {
  const { timeoutMs, maxBodyBytes, signal } = options;
  signal.throwIfAborted();
  // One controller for both reasons to stop, so that we can tell them apart afterwards.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`no complete response within ${timeoutMs} ms`));
  }, timeoutMs);
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  let status: number | null = null;
  try {
    const followed = await getFollowingRedirects(url, {
      signal: controller.signal,
      headers: { accept: "application/json" },
    });
    if (followed.kind === "redirect") return followed;
    const { response } = followed;
    status = response.status;
    const ok = status >= 200 && status < 300;
    const limit = ok ? maxBodyBytes : ERROR_BODY_LIMIT;
    const declared = Number(response.headers.get("content-length") ?? NaN);
    if (ok && declared > limit) {
      await response.body?.cancel();
      return tooLarge(status, limit, `Content-Length ${declared}`);
    }
    const body = await readCapped(response, limit);
    if (body === undefined) {
      if (ok) return tooLarge(status, limit, "body");
      return { kind: "response", status, headers: response.headers, body: new Uint8Array() };
    }
    return { kind: "response", status, headers: response.headers, body };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (timedOut) return { kind: "timeout", status, message: `no complete response within ${timeoutMs} ms` };
    return { kind: "network", status, message: networkMessage(error), cause: error };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
  }
}

/** Reads the body, or returns undefined (and stops reading) once it exceeds `limit` bytes. */
async function readCapped(response: Response, limit: number): Promise<Uint8Array | undefined> {
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(status: number, limit: number, what: string): AttemptOutcome {
  return { kind: "too-large", status, message: `${what} is larger than the ${limit}-byte limit` };
}

/** fetch reports most failures as `TypeError: fetch failed`; the useful part is in `cause`. */
function networkMessage(error: unknown): string {
  const parts: string[] = [];
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    parts.push(typeof code === "string" && !e.message.includes(code) ? `${e.message} (${code})` : e.message);
  }
  return parts.length > 0 ? parts.join(": ") : String(error);
}
