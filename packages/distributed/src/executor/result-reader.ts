/**
 * Reads a submitter's result list on a connection of its own. Workers LPUSH; this side blocks
 * on the list (nothing is polled) and takes what has piled up in the same call: BLMPOP with a
 * count (Redis 7), so a burst of 10,000 results costs a few round trips, and a result that
 * arrives alone costs one. On an older Redis, BRPOP and then RPOP count to drain: a second
 * round trip (and wake-up) for every result that arrives alone.
 *
 * Why not BullMQ's QueueEvents: its event stream is capped (results were lost past ~10,000 in
 * flight, bullmq#2517) and `waitUntilFinished` fails once a job is removed (bullmq#2341). A list
 * keeps every entry until it is read, through Redis restarts when AOF is on.
 */
import type { Redis } from "ioredis";

/** Results taken per round trip. */
const DRAIN_BATCH = 1000;
/** How long one call blocks, in seconds: how often the loop looks at `stopped` when nothing comes. */
const BLOCK_SECONDS = 1;
/** A Redis without BLMPOP (before 7.0), or one that renamed it away, answers so. */
const NO_SUCH_COMMAND = /unknown command/i;

type Pop = (key: string) => Promise<Buffer[] | null>;

export class ResultReader {
  #stopped = false;
  /** Set once Redis refused BLMPOP: BRPOP and RPOP from then on. */
  #legacy = false;
  readonly #loop: Promise<void>;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly onResult: (bytes: Buffer) => void,
    private readonly onIdle: () => void,
  ) {
    this.#loop = this.#run();
  }

  /** Whether this reader fell back to BRPOP (the Redis has no BLMPOP). */
  get legacy(): boolean {
    return this.#legacy;
  }

  /** Up to DRAIN_BATCH results, oldest first; null when nothing came within BLOCK_SECONDS. */
  readonly #blmpop: Pop = async (key) => {
    const reply = await this.redis.blmpopBuffer(BLOCK_SECONDS, 1, key, "RIGHT", "COUNT", DRAIN_BATCH);
    return reply === null ? null : (reply[1] as unknown as Buffer[]);
  };

  readonly #brpop: Pop = async (key) => {
    const first = await this.redis.brpopBuffer(key, BLOCK_SECONDS);
    if (first === null) return null;
    const results = [first[1]];
    for (;;) {
      const more = await this.redis.rpopBuffer(key, DRAIN_BATCH);
      if (!more || more.length === 0) break;
      results.push(...more);
      if (more.length < DRAIN_BATCH) break;
    }
    return results;
  };

  async #run(): Promise<void> {
    while (!this.#stopped) {
      try {
        const results = await (this.#legacy ? this.#brpop : this.#blmpop)(this.key);
        if (this.#stopped) break;
        if (results === null) this.onIdle();
        else for (const bytes of results) this.onResult(bytes);
      } catch (error) {
        if (!this.#legacy && NO_SUCH_COMMAND.test((error as Error).message ?? "")) {
          this.#legacy = true;
          continue;
        }
        // Redis is restarting (the blocking connection retries without limit) or the reader is
        // being closed; a short pause keeps a broken connection from spinning.
        if (!this.#stopped) await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /** Stops after the current call; the caller disconnects the connection to cut a wait short. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.redis.disconnect();
    await this.#loop;
  }
}
