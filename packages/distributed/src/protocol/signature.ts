/**
 * A task module's signature: a hash of its export names and an optional version string. The
 * submitter puts it in every job; a worker whose module differs refuses the job, so a stale
 * machine never runs tasks with the wrong code. Export names rather than file contents, because
 * the two sides may legitimately load different files of the same module (tasks.ts under tsx on
 * one side, the built tasks.js on the other).
 */
import { createHash } from "node:crypto";
import { loadTaskModule } from "concur/backend";

export interface ModuleSignature {
  /** Short hash, sent in each job. */
  hash: string;
  /** The exported functions, sorted. */
  names: string[];
  version: string;
}

export async function moduleSignature(moduleUrl: string, version = ""): Promise<ModuleSignature> {
  const module = await loadTaskModule(moduleUrl);
  const names = [...module.tasks.keys()].sort();
  const hash = createHash("sha256")
    .update(`${names.join(",")}\n${version}`)
    .digest("hex")
    .slice(0, 16);
  return { hash, names, version };
}

export function describeSignature(signature: ModuleSignature): string {
  return `exports ${signature.names.join(", ") || "(none)"}${signature.version ? `, version "${signature.version}"` : ""}; signature ${signature.hash}`;
}

export { defaultQueueName } from "../names.js";
