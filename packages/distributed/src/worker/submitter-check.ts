/**
 * Is a job's submitter still alive? Its liveness key (kept by a heartbeat with a TTL) says so.
 * Cached for a few seconds per submitter, so a burst of 10,000 jobs costs one EXISTS, not 10,000,
 * and `cached` answers them without a promise each.
 */
import type { Redis } from "ioredis";

const CACHE_MS = 3_000;

export class SubmitterCheck {
  readonly #cache = new Map<string, { alive: boolean; at: number }>();

  /** `keyOf`: the liveness key of the executor with this id. */
  constructor(
    private readonly redis: Redis,
    private readonly keyOf: (executorId: string) => string,
  ) {}

  /** The answer for `executorId` if one is fresh, else undefined (ask `alive`). */
  cached(executorId: string): boolean | undefined {
    const cached = this.#cache.get(executorId);
    return cached && Date.now() - cached.at < CACHE_MS ? cached.alive : undefined;
  }

  async alive(executorId: string): Promise<boolean> {
    const fresh = this.cached(executorId);
    if (fresh !== undefined) return fresh;
    const now = Date.now();
    const alive = (await this.redis.exists(this.keyOf(executorId))) === 1;
    this.#cache.set(executorId, { alive, at: now });
    if (this.#cache.size > 1000)
      for (const [k, v] of this.#cache) if (now - v.at >= CACHE_MS) this.#cache.delete(k);
    return alive;
  }
}
