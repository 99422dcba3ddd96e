/**
 * The one message protocol between the main side and a worker (thread or process). A tagged
 * union with a version; every message is validated on receipt, because a worker runs user code
 * and a process channel carries whatever is written to it.
 *
 * Shared by both sides: imports nothing main-side.
 */
import type { SerializedError, SerializedValue } from "./serialize-error.js";

export const PROTOCOL_VERSION = 1;

/** One task to run. With `chunk`, `args` is a list of inputs, each run as `fn(input)`. */
export interface RunTask {
  id: number;
  name: string;
  args: unknown[];
  chunk?: true;
  /** Record this task's start and end exactly in the running slot (it was near a crash). */
  exact?: true;
  /** Which run of the task this is (`currentTask().attempt`); absent for the first. */
  attempt?: number;
}

/** Outcome status codes in a result tuple. */
export const Status = {
  ok: 0,
  failed: 1,
  /** A chunk that stopped at a failing input: value is `{ values, error }`. */
  chunkFailed: 2,
  /** The task was dropped before it started (aborted while it waited inside the worker). */
  dropped: 3,
} as const;
export type StatusCode = (typeof Status)[keyof typeof Status];

/** `[id, status, valueOrError, runMs]`: tuples, because they clone faster than objects. */
export type TaskOutcome =
  | [id: number, status: typeof Status.ok, value: unknown, ms: number]
  | [id: number, status: typeof Status.failed, error: SerializedError | SerializedValue, ms: number]
  | [id: number, status: typeof Status.chunkFailed, partial: ChunkFailure, ms: number]
  | [id: number, status: typeof Status.dropped, nothing: null, ms: number];

export interface ChunkFailure {
  /** Results of the inputs before the failing one. */
  values: unknown[];
  error: SerializedError | SerializedValue;
}

/** Main → worker. */
export type MainMessage =
  | { t: "init"; v: number; moduleUrl: string; initializer?: string; initArgs?: unknown[] }
  | { t: "run"; tasks: RunTask[] }
  /** Abort a task: dropped if it has not started, its signal aborted if it runs. */
  | { t: "abort"; id: number }
  /** Give back tasks that have not started yet (work stealing at the tail of a batch). */
  | { t: "release"; ids: number[] }
  /** Finish what is held, then exit. */
  | { t: "close" };

/** Worker → main. */
export type WorkerMessage =
  | { t: "ready"; v: number; exports: string[] }
  | { t: "startError"; error: SerializedError | SerializedValue }
  | { t: "results"; results: TaskOutcome[] }
  | { t: "released"; ids: number[] }
  /** An error outside any task is about to kill the worker. */
  | { t: "fatal"; error: SerializedError | SerializedValue };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isSerializedFailure(value: unknown): boolean {
  return isObject(value) && (value.kind === "error" || value.kind === "value");
}

function isIdList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((id) => Number.isInteger(id));
}

function isOutcome(value: unknown): value is TaskOutcome {
  if (!Array.isArray(value) || value.length !== 4) return false;
  const [id, status, payload, ms] = value as unknown[];
  if (!Number.isInteger(id) || typeof ms !== "number") return false;
  switch (status) {
    case Status.ok:
      return true;
    case Status.failed:
      return isSerializedFailure(payload);
    case Status.chunkFailed:
      return isObject(payload) && Array.isArray(payload.values) && isSerializedFailure(payload.error);
    case Status.dropped:
      return true;
    default:
      return false;
  }
}

/** Why `message` is not a valid worker message, or undefined when it is. */
export function checkWorkerMessage(message: unknown): string | undefined {
  if (!isObject(message)) return `expected an object, got ${typeof message}`;
  switch (message.t) {
    case "results":
      if (!Array.isArray(message.results)) return "results: `results` is not an array";
      for (const outcome of message.results) if (!isOutcome(outcome)) return "results: a malformed outcome";
      return undefined;
    case "ready":
      if (message.v !== PROTOCOL_VERSION)
        return `ready: protocol version ${String(message.v)}, expected ${PROTOCOL_VERSION}`;
      if (!Array.isArray(message.exports)) return "ready: `exports` is not an array";
      return undefined;
    case "startError":
    case "fatal":
      return isSerializedFailure(message.error) ? undefined : `${message.t}: malformed error`;
    case "released":
      return isIdList(message.ids) ? undefined : "released: `ids` is not a list of ids";
    default:
      return `unknown message type ${JSON.stringify(message.t)}`;
  }
}

/** Why `message` is not a valid main message, or undefined when it is. */
export function checkMainMessage(message: unknown): string | undefined {
  if (!isObject(message)) return `expected an object, got ${typeof message}`;
  switch (message.t) {
    case "run":
      if (!Array.isArray(message.tasks)) return "run: `tasks` is not an array";
      for (const task of message.tasks as unknown[]) {
        if (
          !isObject(task) ||
          !Number.isInteger(task.id) ||
          typeof task.name !== "string" ||
          !Array.isArray(task.args) ||
          (task.attempt !== undefined && !(Number.isInteger(task.attempt) && (task.attempt as number) >= 1))
        ) {
          return "run: a malformed task";
        }
      }
      return undefined;
    case "init":
      if (message.v !== PROTOCOL_VERSION)
        return `init: protocol version ${String(message.v)}, expected ${PROTOCOL_VERSION}`;
      return typeof message.moduleUrl === "string" ? undefined : "init: `moduleUrl` is not a string";
    case "abort":
      return Number.isInteger(message.id) ? undefined : "abort: `id` is not an integer";
    case "release":
      return isIdList(message.ids) ? undefined : "release: `ids` is not a list of ids";
    case "close":
      return undefined;
    default:
      return `unknown message type ${JSON.stringify(message.t)}`;
  }
}
