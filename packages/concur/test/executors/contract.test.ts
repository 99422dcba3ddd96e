/**
 * The executor contract (contract-suite.ts) over each of concur's executors.
 */
import { EXECUTOR_KINDS, createExecutor, type ExecutorKind } from "../../src/index.js";
import { assertNoLeaks, snapshot } from "../helpers/leaks.js";
import { defineContractSuite, tasksUrl, type Tasks } from "./contract-suite.js";

const isPool = (kind: ExecutorKind): boolean => kind === "thread" || kind === "process";

for (const kind of EXECUTOR_KINDS) {
  defineContractSuite({
    name: kind,
    kind,
    create: (options = {}, module = tasksUrl) => createExecutor<Tasks>(kind, module, options),
    startLeakCheck: () => {
      const before = snapshot();
      return () => assertNoLeaks(before, kind);
    },
    crossesBoundary: isPool(kind),
    pool: isPool(kind),
  });
}
