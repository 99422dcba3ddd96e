/**
 * Names both sides must agree on, and how URLs are shown: importable on their own
 * (`@concur/distributed/names`) without loading BullMQ or ioredis, for tools such as the lab that
 * name queues and print Redis URLs before deciding to connect.
 */
import { basename } from "node:path";
import { fileURLToPath } from "node:url";

/** The queue a module's tasks use when none is given: its file name without extension. */
export function defaultQueueName(moduleUrl: string): string {
  const path = moduleUrl.startsWith("file:") ? fileURLToPath(moduleUrl) : new URL(moduleUrl).pathname;
  const name = basename(path).replace(/\.[cm]?[jt]s$/, "");
  return name.replace(/[^A-Za-z0-9_-]/g, "_") || "tasks";
}

/** Removes the password from a Redis URL, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.href;
  } catch {
    return url;
  }
}
