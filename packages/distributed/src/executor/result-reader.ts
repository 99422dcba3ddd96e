/**
 * Reads a submitter's result list on a connection of its own. Workers LPUSH, this side BRPOPs
 * (blocks until a result arrives, so nothing is polled) and then drains whatever else has piled
 * up with RPOP count, so a burst of 10,000 results costs a few round trips, not 10,000.
 *
 * Why not BullMQ's QueueEvents: its event stream is capped (results were lost past ~10,000 in
 * flight, bullmq#2517) and `waitUntilFinished` fails once a job is removed (bullmq#2341). A list
 * keeps every entry until it is read, through Redis restarts when AOF is on.
 */
import type { Redis } from "ioredis";

/** Results drained per round trip once one has arrived. */
const DRAIN_BATCH = 1000;
/** BRPOP's timeout in seconds: how often the loop looks at `stopped` when nothing comes. */
const BLOCK_SECONDS = 1;

export class ResultReader {
  #stopped = false;
  readonly #loop: Promise<void>;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly onResult: (bytes: Buffer) => void,
    private readonly onIdle: () => void,
  ) {
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      try {
        const first = await this.redis.brpopBuffer(this.key, BLOCK_SECONDS);
        if (this.#stopped) break;
        if (first === null) {
          this.onIdle();
          continue;
        }
        this.onResult(first[1]);
        for (;;) {
          const more = await this.redis.rpopBuffer(this.key, DRAIN_BATCH);
          if (!more || more.length === 0) break;
          for (const bytes of more) this.onResult(bytes);
          if (more.length < DRAIN_BATCH) break;
        }
      } catch {
        // Redis is restarting (the blocking connection retries without limit) or the reader is
        // being closed; a short pause keeps a broken connection from spinning.
        if (!this.#stopped) await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /** Stops after the current call; the caller disconnects the connection to cut a BRPOP short. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.redis.disconnect();
    await this.#loop;
  }
}
