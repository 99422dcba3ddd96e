/**
 * How values cross machines. BullMQ stores job data as JSON, which turns a Date into a string, a
 * Map into {} and throws on a BigInt; so arguments and results travel as V8's structured-clone
 * wire format (`v8.serialize`, the very format worker threads and the process pool's advanced
 * serialization use): base64 inside the job's JSON, raw bytes in the result list. It keeps
 * Date, Map, Set, typed arrays, BigInt, undefined, shared references and cycles; functions and
 * symbols fail, at submit, as NotSerializableError naming the task.
 *
 * Values that JSON carries exactly (json-exact.ts: finite numbers, strings, booleans, null, plain
 * arrays and records, nothing shared) travel as JSON text instead, several times cheaper to
 * write and read; the receiving side sees the same values either way. The two are told apart by
 * their first byte: JSON arguments are a list ("["), base64 never holds one; a JSON result is an
 * object ("{"), V8's format starts with its version tag (0xFF).
 *
 * Both ends must run Node versions whose serializer formats are compatible (V8 reads older
 * formats; a newer writer than reader can fail, and does so with a clear error).
 */
import { deserialize, serialize } from "node:v8";
import { NotSerializableError, ProtocolError } from "concur";
import type { SerializedError, SerializedValue } from "concur/backend";
import { PayloadTooLargeError } from "../errors.js";
import { jsonExactSize } from "./json-exact.js";

/** `jsonExactSize`, or -1 when reading the value threw (a getter): V8's path reports that. */
function exactSize(value: unknown, depth: number): number {
  try {
    return jsonExactSize(value, depth);
  } catch {
    return -1;
  }
}

/**
 * Encodes a task's arguments (a list) for the job data, at submit, so that later changes to
 * them do not travel; throws typed errors naming the task. `maxPayloadBytes` bounds the encoded
 * arguments as sent (JSON's bytes, or V8's when JSON cannot carry them or would be too large).
 */
export function encodeArgs(task: string, args: unknown[], maxPayloadBytes: number): string {
  const bound = exactSize(args, 0);
  if (bound >= 0) {
    const text = JSON.stringify(args);
    if (bound <= maxPayloadBytes || Buffer.byteLength(text) <= maxPayloadBytes) return text;
  }
  let bytes: Buffer;
  try {
    bytes = serialize(args);
  } catch (error) {
    throw new NotSerializableError(
      `task "${task}": an argument cannot cross to another machine (${(error as Error).message})`,
      task,
      { cause: error },
    );
  }
  if (bytes.length > maxPayloadBytes) throw new PayloadTooLargeError(task, bytes.length, maxPayloadBytes);
  return bytes.toString("base64");
}

const OPEN_BRACKET = 0x5b; // "[": JSON arguments
const OPEN_BRACE = 0x7b; // "{": a JSON result message

export function decodeArgs(encoded: string): unknown[] {
  const args: unknown =
    encoded.charCodeAt(0) === OPEN_BRACKET
      ? JSON.parse(encoded)
      : deserialize(Buffer.from(encoded, "base64"));
  if (!Array.isArray(args)) throw new TypeError("job arguments are not a list");
  return args;
}

/** What a worker pushes to a submitter's result list. */
export type ResultMessage =
  /** A worker started the job: the future is running from here (and its timeout counts). */
  | { id: string; k: "start" }
  /**
   * A result. `host` is optional since 0.2 (a worker leaves it out: only an error needs it, and
   * it is bytes on every job); a submitter ignores it here either way.
   */
  | { id: string; k: "ok"; v: unknown; ms: number; host?: string }
  | {
      id: string;
      k: "err";
      e: SerializedError | SerializedValue;
      /** A map chunk that failed partway: the results before the failure. */
      partial?: unknown[];
      ms: number;
      host: string;
    };

export function encodeResult(message: ResultMessage): Buffer {
  // An error goes as V8's format: its fields, cause and stack are whatever the task made.
  if (message.k === "start" || (message.k === "ok" && exactSize(message.v, 1) >= 0))
    return Buffer.from(JSON.stringify(message));
  return serialize(message);
}

/**
 * A result message that names a job but is not a well-formed one: its `id` says whose future
 * it would settle, so the submitter can fail that task saying why instead of waiting for it.
 */
export class MalformedResultError extends ProtocolError {
  constructor(
    readonly jobId: string,
    why: string,
  ) {
    super(
      `the result message of job ${jobId} is malformed: ${why} (a worker of another version, or not a concur worker?)`,
    );
  }
}

/**
 * Decodes a result message. Throws TypeError for bytes that are not a concur message at all,
 * and MalformedResultError for one with a job id but a wrong field.
 */
export function decodeResult(bytes: Buffer): ResultMessage {
  const message = (
    bytes[0] === OPEN_BRACE ? JSON.parse(bytes.toString("utf8")) : deserialize(bytes)
  ) as ResultMessage;
  if (typeof message !== "object" || message === null || typeof message.id !== "string")
    throw new TypeError("not a concur result message");
  const fields = message as unknown as Record<string, unknown>;
  const kind = fields.k;
  if (kind !== "start" && kind !== "ok" && kind !== "err")
    throw new MalformedResultError(
      message.id,
      `its kind is ${JSON.stringify(kind)}, not "start", "ok" or "err"`,
    );
  if (kind === "start") return message;
  const ms = fields.ms;
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0)
    throw new MalformedResultError(message.id, `its run time (ms) is ${String(ms)}, not a number >= 0`);
  if (kind === "err" && !("e" in fields))
    throw new MalformedResultError(message.id, "its error (e) is missing");
  if (fields.partial !== undefined && !Array.isArray(fields.partial))
    throw new MalformedResultError(message.id, "its partial results are not a list");
  return message;
}
