/** SequentialExecutor: run with `npm run build && node --import tsx examples/sequential.ts`. */
import { SequentialExecutor, asCompleted } from "concur";

type Tasks = typeof import("./tasks.js");
const tasks = new URL("./tasks.ts", import.meta.url);

await using executor = new SequentialExecutor<Tasks>(tasks);

// submit: name and arguments are type-checked against tasks.ts; a Future is awaitable.
const one = await executor.submit("score", "Acme Corporation", "/company/ACME/");
console.log("score:", one.toFixed(1));

// map: lazy, ordered, bounded in flight.
for await (const r of executor.map("fakeRequest", [30, 10, 20])) console.log("map:", r);

// per-task options, and results as they complete.
const futures = [50, 5].map((ms) => executor.with({ timeout: 1_000 }).submit("fakeRequest", ms));
for await (const done of asCompleted(futures)) console.log("completed:", await done.result());
console.log(executor.stats().completed, "tasks completed on", executor.kind);
