/**
 * How a worker puts messages on submitters' result lists, on BullMQ's own connection.
 *
 * Atomic TTL: LPUSH and PEXPIRE run in one Lua script, so a list never exists without its TTL
 * (a submitter that died leaves nothing forever). Always one EVALSHA, never a MULTI: on a
 * connection carrying BullMQ's 64 scripts, ioredis copies them into every pipeline.
 *
 * Order with BullMQ: a job's result must reach Redis before BullMQ's moveToFinished completes
 * and removes the job ("job gone, no result" then means lost, never "not yet"). Both go on this
 * one connection, whose commands Redis runs in the order written; `push` resolves once the
 * message is *written* (not answered), and the processor returns only then, so BullMQ writes its
 * moveToFinished after it. A worker that dies between the two leaves a result and a job run
 * again: a duplicate, which the submitter drops. One exception: after a SCRIPT FLUSH on a live
 * connection, ioredis resends a refused EVALSHA as EVAL once the refusal is read, so that push
 * lands a round trip after the job's completion (a new connection, after a restart, sends EVAL
 * first). The submitter's reconcile waits far longer than that before it calls a job lost.
 *
 * Batching: messages pushed in one turn of the event loop (jobs that finished together) go out
 * at the end of its microtasks, one script call per list (one LPUSH of many values), and, when
 * there are several, the socket stays corked until BullMQ's moveToFinished calls that follow
 * have been written too, so the turn costs one socket write. Measured with one worker and
 * 10,000 tiny jobs: one command and one write per job had cost a second wake-up and round trip
 * per job (on a connection of its own, awaited) or two writes per job (here, uncorked); a write
 * on loopback costs the sender the receiver's TCP work as well.
 *
 * Order within a list: LPUSH of v1..vn leaves vn at the head and the reader pops from the tail,
 * so messages arrive in the order pushed (a job's start notice ahead of its result).
 */
import type { Redis } from "ioredis";

const PUSH_WITH_TTL = `
redis.call("LPUSH", KEYS[1], unpack(ARGV, 2))
redis.call("PEXPIRE", KEYS[1], ARGV[1])
return #ARGV - 1
`;

/** Values per script call: Lua's unpack is bounded by its C stack (about 8,000). */
const MAX_MESSAGES_PER_CALL = 1_000;
/** Bytes per script call: a few large results do not make one huge command. */
const MAX_BYTES_PER_CALL = 1 << 20;

type PushCommand = (key: string, ttlMs: number, ...messages: Buffer[]) => Promise<unknown>;

interface ListBatch {
  ttlMs: number;
  messages: Buffer[];
}

export interface ResultPusher {
  /**
   * Queues `message` for the list `key`; resolves once it is written to the connection (before
   * anything written after that), not once Redis answers. `onError` hears a push Redis refused
   * or that failed past every reconnect (the submitter's reconcile then finds the job).
   */
  push(key: string, message: Buffer, ttlMs: number): Promise<void>;
}

export function resultPusher(redis: Redis, onError: (error: Error) => void): ResultPusher {
  // defineCommand sends EVALSHA, and EVAL once when Redis lost its script cache (a restart).
  redis.defineCommand("concurPushResults", { numberOfKeys: 1, lua: PUSH_WITH_TTL });
  const command = (redis as unknown as { concurPushResults: PushCommand }).concurPushResults.bind(redis);
  let lists = new Map<string, ListBatch>();
  let written: Array<() => void> = [];
  let scheduled = false;

  const send = (key: string, ttlMs: number, messages: Buffer[]): void => {
    command(key, ttlMs, ...messages).catch((error: unknown) => onError(error as Error));
  };

  const flush = (): void => {
    scheduled = false;
    const batch = lists;
    const waiting = written;
    lists = new Map();
    written = [];
    const stream = (redis as unknown as { stream?: { cork?(): void; uncork?(): void } }).stream;
    // A lone message is written at once: corking would hold it behind BullMQ's bookkeeping for
    // the job (~0.3 ms here), and a submitter waiting for one result feels every bit of that.
    const cork = waiting.length > 1 && redis.status === "ready" && typeof stream?.cork === "function";
    if (cork) stream.cork!();
    for (const [key, { ttlMs, messages }] of batch) {
      let start = 0;
      let bytes = 0;
      for (let i = 0; i < messages.length; i++) {
        const size = messages[i]!.length;
        if (i > start && (i - start >= MAX_MESSAGES_PER_CALL || bytes + size > MAX_BYTES_PER_CALL)) {
          send(key, ttlMs, messages.slice(start, i));
          start = i;
          bytes = 0;
        }
        bytes += size;
      }
      send(key, ttlMs, start === 0 ? messages : messages.slice(start));
    }
    for (const resolve of waiting) resolve();
    // The processors resume on those resolutions and BullMQ writes their moveToFinished within
    // this turn's microtasks; a nextTick queued from a microtask runs once they are all done.
    if (cork) queueMicrotask(() => process.nextTick(() => stream.uncork!()));
  };

  return {
    push(key, message, ttlMs) {
      let list = lists.get(key);
      if (list === undefined) lists.set(key, (list = { ttlMs, messages: [] }));
      // One TTL per list and flush: the jobs of one submitter carry the same one.
      list.ttlMs = Math.max(list.ttlMs, ttlMs);
      list.messages.push(message);
      if (!scheduled) {
        scheduled = true;
        // From a microtask (a processor), a nextTick runs once the turn's microtasks are done:
        // every job finishing in this turn has pushed by then.
        process.nextTick(flush);
      }
      return new Promise<void>((resolve) => written.push(resolve));
    },
  };
}
