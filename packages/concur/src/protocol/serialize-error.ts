/**
 * Errors crossing a thread or process boundary. Structured clone keeps only an Error's message
 * (and drops its class, code, fields and cause), so errors travel as a tagged payload and are
 * rebuilt on the main side, as Node core does in lib/internal/error_serdes.js.
 *
 * Shared by both sides: imports nothing main-side.
 */
import {
  CancelledError,
  ConcurError,
  NotSerializableError,
  QueueFullError,
  ShutdownError,
  TaskError,
  TaskNotFoundError,
  TaskTimeoutError,
  WorkerCrashedError,
  WorkerStartError,
  isConcurError,
} from "../errors.js";

/** An error as it crosses the boundary. */
export interface SerializedError {
  kind: "error";
  /** Constructor name (TypeError, a user class, …). */
  name: string;
  message: string;
  stack: string | undefined;
  /** Own enumerable properties other than name/message/stack/cause, each cloned or described. */
  props: Record<string, unknown>;
  cause?: SerializedError | SerializedValue;
  /** Present when the error was one of concur's own: the class is rebuilt from it. */
  concurCode?: string;
  /** AggregateError's errors. */
  errors?: Array<SerializedError | SerializedValue>;
}

/** A thrown (or cause) value that is not an Error. */
export interface SerializedValue {
  kind: "value";
  /** The value if it could be cloned, else undefined. */
  value: unknown;
  /** How it printed: `String(value)` or a JSON rendering. */
  description: string;
}

const MAX_DEPTH = 8;

function cloneable(value: unknown): boolean {
  if (value === null || typeof value !== "object")
    return typeof value !== "function" && typeof value !== "symbol";
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json;
  } catch {
    // fall through: circular or BigInt
  }
  return String(value);
}

function nonErrorFailure(description: string, value: unknown): TaskError {
  return new TaskError(`task threw a non-Error value: ${description}`, value);
}

/**
 * What an in-process task that threw `thrown` fails with: the error itself, or, for a value that
 * is not an Error, a TaskError holding it, as a pool's task does. So a failure is never
 * `undefined`, and `exception()` can tell "failed with undefined" from "succeeded".
 */
export function taskFailure(thrown: unknown): unknown {
  if (thrown instanceof Error || isConcurError(thrown)) return thrown;
  return nonErrorFailure(describe(thrown), thrown);
}

/** Turns anything a task threw into a payload that always survives structured clone. */
export function serializeError(thrown: unknown, depth = 0): SerializedError | SerializedValue {
  if (!(thrown instanceof Error) && !isConcurError(thrown)) {
    return { kind: "value", value: cloneable(thrown) ? thrown : undefined, description: describe(thrown) };
  }
  const error = thrown as Error & Record<string, unknown>;
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key === "name" || key === "message" || key === "stack" || key === "cause" || key === "errors")
      continue;
    const value = error[key];
    props[key] = cloneable(value) ? value : describe(value);
  }
  // `code` is often an own non-enumerable or a getter (Node's system errors): keep it anyway.
  const code = error.code;
  if (props.code === undefined && (typeof code === "string" || typeof code === "number")) props.code = code;
  const serialized: SerializedError = {
    kind: "error",
    name: typeof error.name === "string" ? error.name : "Error",
    message: typeof error.message === "string" ? error.message : describe(error.message),
    stack: typeof error.stack === "string" ? error.stack : undefined,
    props,
  };
  if (isConcurError(thrown)) serialized.concurCode = (thrown as ConcurError).code;
  if ("cause" in error && depth < MAX_DEPTH) serialized.cause = serializeError(error.cause, depth + 1);
  if (Array.isArray(error.errors) && depth < MAX_DEPTH) {
    serialized.errors = (error.errors as unknown[]).map((inner) => serializeError(inner, depth + 1));
  }
  return serialized;
}

const builtins: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** Builds a concur error of the right class, so `instanceof` and `code` work on the rebuilt error. */
function rebuildConcurError(payload: SerializedError): Error {
  const p = payload.props;
  switch (payload.concurCode) {
    case "ERR_TASK_NOT_FOUND": {
      const error = new TaskNotFoundError(String(p.task ?? "?"), "", []);
      error.message = payload.message;
      return error;
    }
    case "ERR_NOT_SERIALIZABLE":
      return new NotSerializableError(payload.message, String(p.task ?? "?"));
    case "ERR_TASK_TIMEOUT":
      return new TaskTimeoutError(payload.message, Number(p.timeout ?? 0));
    case "ERR_CANCELLED":
      return new CancelledError(payload.message);
    case "ERR_SHUTDOWN":
      return new ShutdownError(payload.message);
    case "ERR_QUEUE_FULL":
      return new QueueFullError(Number(p.maxQueue ?? 0));
    case "ERR_WORKER_START":
      return new WorkerStartError(payload.message);
    case "ERR_WORKER_CRASHED":
      return new WorkerCrashedError(payload.message, {
        exitCode: typeof p.exitCode === "number" ? p.exitCode : null,
        signal: typeof p.signal === "string" ? p.signal : null,
      });
    case "ERR_TASK_FAILED":
      return new TaskError(payload.message, p.value);
    default:
      return new ConcurError(payload.concurCode ?? "ERR_UNKNOWN", payload.message);
  }
}

/**
 * Rebuilds a serialized error on this side. `submitStack` (the stack where the task was
 * submitted) is appended to the worker's stack, so both places show in one trace.
 */
export function deserializeError(payload: SerializedError | SerializedValue, submitStack?: string): unknown {
  if (payload.kind === "value") return nonErrorFailure(payload.description, payload.value);
  let error: Error;
  if (payload.concurCode !== undefined) error = rebuildConcurError(payload);
  else {
    const Ctor = builtins[payload.name] ?? Error;
    error = payload.errors
      ? new AggregateError(
          payload.errors.map((inner) => deserializeError(inner)),
          payload.message,
        )
      : new Ctor(payload.message);
    if (error.name !== payload.name) {
      Object.defineProperty(error, "name", { value: payload.name, writable: true, configurable: true });
    }
  }
  for (const [key, value] of Object.entries(payload.props)) {
    try {
      (error as unknown as Record<string, unknown>)[key] = value;
    } catch {
      // a read-only field on a rebuilt concur error (e.g. `code`): the class already set it.
    }
  }
  if (payload.cause !== undefined) {
    const cause = payload.cause.kind === "value" ? payload.cause.value : deserializeError(payload.cause);
    Object.defineProperty(error, "cause", { value: cause, writable: true, configurable: true });
  }
  const workerStack = payload.stack ?? `${payload.name}: ${payload.message}`;
  Object.defineProperty(error, "stack", {
    value: submitStack ? `${workerStack}\n    --- submitted from ---\n${submitStack}` : workerStack,
    writable: true,
    configurable: true,
  });
  return error;
}
