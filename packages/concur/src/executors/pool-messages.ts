/**
 * Tasks into messages and outcomes back into errors: the pool engine's (pool.ts) two conversions
 * at the message boundary.
 */
import { NotSerializableError } from "../errors.js";
import { Status, type TaskOutcome } from "../protocol/messages.js";
import { deserializeError } from "../protocol/serialize-error.js";
import type { WorkerHandle } from "../runtime/handle.js";
import type { TaskRecord } from "./base.js";
import { PartialChunkError } from "./map.js";
import { collectTransfer, submitStack, toRunTask } from "./pool-worker.js";

/**
 * Sends `records` to a worker as one `run` message. If it cannot be cloned, sends them one by one
 * to find the culprits, and returns those with their NotSerializableError (the caller fails them).
 * `exact`: tasks the worker must record exactly in its running slot (suspects of a crash).
 */
export function sendBatch(
  handle: WorkerHandle,
  records: readonly TaskRecord[],
  exact: WeakSet<TaskRecord> | undefined,
): Array<[TaskRecord, NotSerializableError]> {
  const tasks = records.map((record) => toRunTask(record, exact?.has(record) === true));
  try {
    handle.send({ t: "run", tasks }, collectTransfer(records));
    return [];
  } catch {
    // Fall through: find which task could not be serialized by sending them one by one.
  }
  const refused: Array<[TaskRecord, NotSerializableError]> = [];
  records.forEach((record, i) => {
    try {
      handle.send({ t: "run", tasks: [tasks[i]!] }, record.extras?.transfer);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      refused.push([
        record,
        new NotSerializableError(
          `an argument of task "${record.name}" cannot be sent to a worker: ${message}`,
          record.name,
          { cause: error },
        ),
      ]);
    }
  });
  return refused;
}

/** The error a failed outcome stands for, with the submitting stack when one was captured. */
export function outcomeError(record: TaskRecord, outcome: TaskOutcome): unknown {
  switch (outcome[1]) {
    case Status.chunkFailed:
      return new PartialChunkError(
        outcome[2].values,
        deserializeError(outcome[2].error, submitStack(record)),
      );
    case Status.failed:
      return deserializeError(outcome[2], submitStack(record));
    default:
      return undefined;
  }
}
