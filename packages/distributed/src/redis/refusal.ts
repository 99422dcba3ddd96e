/**
 * Why Redis hung up on a new connection. A Redis that turns a client away (protected mode, the
 * maxclients limit) writes its reason as one error line and closes, before it reads anything.
 * ioredis writes its first commands at once, so all it reports is EPIPE or ECONNRESET, and the
 * reason is lost; a plain socket that sends nothing reads that line.
 */
import { connect } from "node:net";

/** Errors of a connection the server closed as it opened. */
export function isHangUp(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "EPIPE" || code === "ECONNRESET";
}

/**
 * The error line a Redis at `url` greets a new connection with before closing it (without its
 * leading "-"), or undefined when it says nothing within `timeoutMs` (it is waiting for a
 * command, as a healthy Redis does), cannot be reached, or is behind TLS (`rediss:`, not read).
 */
export function readRefusal(url: string, timeoutMs = 1_000): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve(undefined);
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (parsed.protocol !== "redis:" || host === "") return Promise.resolve(undefined);
  return new Promise((resolve) => {
    let text = "";
    const socket = connect({ host, port: Number(parsed.port || 6379) });
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const line = /^-([^\r\n]+)/.exec(text)?.[1];
      resolve(line);
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
      if (text.includes("\n")) finish();
    });
    socket.on("error", finish);
    socket.on("close", finish);
  });
}

/** The refusal, cut to its first two sentences (protected mode's runs to a page), with a hint. */
export function describeRefusal(refusal: string): string {
  const sentences = refusal.split(/(?<=\.) /);
  const short = sentences.slice(0, 2).join(" ");
  const hint = /protected mode/i.test(refusal)
    ? " (give Redis a password (requirepass) and put it in the URL, or run it with --protected-mode no on a trusted network)"
    : "";
  return `${short}${sentences.length > 2 ? " …" : ""}${hint}`;
}
