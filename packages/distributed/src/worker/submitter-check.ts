/**
 * Is a job's submitter still alive? Its liveness key (kept by a heartbeat with a TTL) says so.
 * Cached for a few seconds per submitter, so a burst of 10,000 jobs costs one EXISTS, not 10,000.
 */
import type { Redis } from "ioredis";

const CACHE_MS = 3_000;

export class SubmitterCheck {
  readonly #cache = new Map<string, { alive: boolean; at: number }>();

  constructor(private readonly redis: Redis) {}

  async alive(key: string): Promise<boolean> {
    const now = Date.now();
    const cached = this.#cache.get(key);
    if (cached && now - cached.at < CACHE_MS) return cached.alive;
    const alive = (await this.redis.exists(key)) === 1;
    this.#cache.set(key, { alive, at: now });
    if (this.#cache.size > 1000)
      for (const [k, v] of this.#cache) if (now - v.at >= CACHE_MS) this.#cache.delete(k);
    return alive;
  }
}
