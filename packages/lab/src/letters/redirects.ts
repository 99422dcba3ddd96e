/**
 * Redirects, followed by hand. fetch's own following retries nothing itself, but it reports a
 * redirect loop or a redirect to `file:` as a plain "fetch failed", which download.ts took for a
 * network error and retried: the same loop, three more times. Here such a redirect is its own
 * outcome, which is never retried.
 */

/** Redirects followed from one request, at most (fetch's own limit is 20; a search API needs 1). */
export const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** What a GET got once its redirects are followed. */
export type Followed =
  { kind: "response"; response: Response } | { kind: "redirect"; status: number; message: string };

/** GETs `url`, following http(s) redirects; stops at a loop, a non-http(s) target or too many hops. */
export async function getFollowingRedirects(url: string, init: RequestInit): Promise<Followed> {
  const requested = new Set<string>([url]);
  let current = url;
  for (;;) {
    const response = await fetch(current, { ...init, redirect: "manual" });
    const location = response.headers.get("location");
    // A 3xx without a Location is a plain answer (reported as a non-2xx status, not retried).
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return { kind: "response", response };
    await response.body?.cancel();
    const refuse = (why: string): Followed => ({ kind: "redirect", status: response.status, message: why });
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      return refuse(`HTTP ${response.status} redirect to an invalid URL "${location}"`);
    }
    if (next.protocol !== "http:" && next.protocol !== "https:") {
      return refuse(`HTTP ${response.status} redirect to ${next.href}: only http and https are followed`);
    }
    if (requested.has(next.href)) return refuse(`redirect loop: ${next.href} was already requested`);
    if (requested.size > MAX_REDIRECTS) return refuse(`more than ${MAX_REDIRECTS} redirects`);
    requested.add(next.href);
    current = next.href;
  }
}
