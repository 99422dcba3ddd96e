/**
 * A `concur worker` that looks like another machine: a UTS namespace of its own gives it another
 * host name (the network is still this one's), standing for a machine that cannot reach this
 * one's 127.0.0.1. Needs root and unshare (util-linux); fails saying so otherwise.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { lettersTasksUrl } from "../../src/letters/index.js";
import { spawnCli, until, type CliProcess } from "../letters/helpers.js";
import { redisUrl } from "./redis.js";

export const ELSEWHERE = "concur-test-elsewhere";

/** Starts the worker on `prefix` (the seed's task module, async executor) and waits until it serves. */
export async function workerElsewhere(prefix: string): Promise<CliProcess> {
  const worker = spawnCli(
    ["worker", "--redis", redisUrl, "--module", fileURLToPath(lettersTasksUrl), "--prefix", prefix, "--executor", "async"], // prettier-ignore
    ["unshare", "--uts", "sh", "-c", `hostname ${ELSEWHERE} && exec "$0" "$@"`],
  );
  await until(() => /serving queue/.test(worker.stderr()) || worker.child.exitCode !== null);
  assert.match(
    worker.stderr(),
    /serving queue/,
    `the worker did not start (as root, with unshare from util-linux):\n${worker.stderr()}`,
  );
  return worker;
}
