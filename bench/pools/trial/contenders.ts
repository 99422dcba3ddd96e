/**
 * One adapter per contender, so every scenario drives every pool the same way: create, run a
 * named task with one argument, close. A trial process loads only its contender's library, and
 * loads it before any clock starts (`loadContender`), so timings never include an import.
 *
 * "N workers" means a pool fixed at N (min = max = N where the library has both); "default"
 * passes no size option at all, so each library picks its own.
 */
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { ContenderId, Paths, TaskName, WorkModule, Workers } from "./protocol.js";

export interface PoolAdapter {
  run(name: TaskName, arg: unknown): PromiseLike<unknown>;
  /** Graceful shutdown: resolves once the workers are gone. */
  close(): Promise<void>;
  /** Only concur: its `map` (automatic chunking), for the map scenario. */
  map?(name: "inc", inputs: Iterable<number>): AsyncIterable<unknown>;
}

/** Creates a pool of the loaded library; synchronous, so a clock can start right before it. */
export type PoolFactory = (workers: Workers) => PoolAdapter;

type Concur = typeof import("../../../packages/concur/src/index.js");

export async function loadContender(id: ContenderId, paths: Paths): Promise<PoolFactory> {
  const work = new URL("work.mjs", paths.workersDir);
  const sized = <T>(workers: Workers, options: (n: number) => T): T | object =>
    workers === "default" ? {} : options(workers);
  switch (id) {
    case "concur-thread":
    case "concur-process": {
      const concur = (await import(paths.concur)) as Concur;
      const Pool = id === "concur-thread" ? concur.ThreadPoolExecutor : concur.ProcessPoolExecutor;
      return (workers) => {
        const pool = new Pool<WorkModule>(
          work,
          sized(workers, (n) => ({ maxWorkers: n })),
        );
        return {
          run: (name, arg) => pool.submit(name, arg as never),
          close: () => pool.shutdown(),
          map: (name, inputs) => pool.map(name, inputs),
        };
      };
    }
    case "piscina": {
      const { Piscina } = (await import(paths.piscina)) as typeof import("piscina");
      return (workers) => {
        const size = sized(workers, (n) => ({ minThreads: n, maxThreads: n }));
        const pool = new Piscina({ filename: work.href, ...size });
        return { run: (name, arg) => pool.run(arg, { name }), close: () => pool.close() };
      };
    }
    case "tinypool":
    case "tinypool-process": {
      const { Tinypool } = (await import(paths.tinypool)) as typeof import("tinypool");
      const runtime = id === "tinypool" ? "worker_threads" : "child_process";
      return (workers) => {
        const size = sized(workers, (n) => ({ minThreads: n, maxThreads: n }));
        const pool = new Tinypool({ filename: work.href, runtime, ...size });
        return { run: (name, arg) => pool.run(arg, { name }), close: () => pool.destroy() };
      };
    }
    case "workerpool-thread":
    case "workerpool-process": {
      const workerpool = ((await import(paths.workerpool)) as { default: typeof import("workerpool") })
        .default;
      const workerType = id === "workerpool-thread" ? "thread" : "process";
      const script = fileURLToPath(new URL("workerpool-worker.mjs", paths.workersDir));
      return (workers) => {
        const size = sized(workers, (n) => ({ minWorkers: n, maxWorkers: n }));
        const pool = workerpool.pool(script, { workerType, ...size });
        return {
          run: (name, arg) => pool.exec(name, [arg]),
          close: async () => {
            await pool.terminate();
          },
        };
      };
    }
    case "poolifier-thread":
    case "poolifier-cluster": {
      const poolifier = (await import(paths.poolifier)) as typeof import("poolifier");
      const thread = id === "poolifier-thread";
      const script = fileURLToPath(
        new URL(thread ? "poolifier-thread.cjs" : "poolifier-cluster.cjs", paths.workersDir),
      );
      return (workers) => {
        // poolifier has no default size; its README sizes pools with availableParallelism().
        const size = workers === "default" ? availableParallelism() : workers;
        const pool = thread
          ? new poolifier.FixedThreadPool(size, script)
          : new poolifier.FixedClusterPool(size, script);
        return { run: (name, arg) => pool.execute(arg, name), close: () => pool.destroy() };
      };
    }
  }
}
