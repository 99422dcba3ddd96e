/** The lab's distributed errors, apart from open.ts so that naming them loads no Redis client. */

/** Redis unreachable, or no worker to run the tasks: said with what to do about it. */
export class DistributedSetupError extends Error {
  override name = "DistributedSetupError";
}
