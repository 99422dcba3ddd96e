/**
 * How values cross machines. BullMQ stores job data as JSON, which turns a Date into a string, a
 * Map into {} and throws on a BigInt; so arguments and results travel as V8's structured-clone
 * wire format (`v8.serialize`, the very format worker threads and the process pool's advanced
 * serialization use), base64 inside the job's JSON and raw bytes in the result list. It keeps
 * Date, Map, Set, typed arrays, BigInt, undefined and cycles; functions and symbols fail, at
 * submit, as NotSerializableError naming the task.
 *
 * Both ends must run Node versions whose serializer formats are compatible (V8 reads older
 * formats; a newer writer than reader can fail, and does so with a clear error).
 */
import { deserialize, serialize } from "node:v8";
import { NotSerializableError } from "concur";
import type { SerializedError, SerializedValue } from "concur/backend";
import { PayloadTooLargeError } from "../errors.js";

/** Encodes a task's arguments (a list) for the job data; throws typed errors naming the task. */
export function encodeArgs(task: string, args: unknown[], maxPayloadBytes: number): string {
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

export function decodeArgs(encoded: string): unknown[] {
  const args = deserialize(Buffer.from(encoded, "base64")) as unknown;
  if (!Array.isArray(args)) throw new TypeError("job arguments are not a list");
  return args;
}

/** What a worker pushes to a submitter's result list. */
export type ResultMessage =
  /** A worker started the job: the future is running from here (and its timeout counts). */
  | { id: string; k: "start" }
  | { id: string; k: "ok"; v: unknown; ms: number; host: string }
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
  return serialize(message);
}

export function decodeResult(bytes: Buffer): ResultMessage {
  const message = deserialize(bytes) as ResultMessage;
  if (typeof message !== "object" || message === null || typeof message.id !== "string")
    throw new TypeError("not a concur result message");
  return message;
}
