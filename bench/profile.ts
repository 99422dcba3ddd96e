/**
 * `node --import tsx bench/profile.ts [thread|process] [all|bounded|map] [tasks]`: runs concur's
 * tiny-task scenario (the built library, bare node, one fresh process) under `--cpu-prof`, then
 * prints where the time went in each thread or process: self time by function, and by file.
 * The profiled process is the bench:pools trial runner, so what is profiled is what is measured.
 * CONCUR_DIST=<dir> profiles another build of concur (a patched copy of dist/, say) instead.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { markdownTable } from "./lib/table.js";
import { transpileFolder } from "./lib/transpile.js";
import { trialPaths } from "./pools/setup.js";
import type { Paths, TrialRequest } from "./pools/trial/protocol.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [kind = "thread", mode = "all", tasksArg = "100000"] = process.argv.slice(2);
if (kind !== "thread" && kind !== "process") throw new Error("first argument: thread or process");
const tasks = Number(tasksArg);
const root = fileURLToPath(new URL("..", import.meta.url));
const contender = kind === "thread" ? "concur-thread" : "concur-process";
const request: TrialRequest =
  mode === "map"
    ? { scenario: "mapTiny", contender, workers: 2, tasks }
    : { scenario: "tiny", contender, workers: 2, tasks, window: mode === "bounded" ? 128 : "all" };
// CONCUR_DIST=/path/to/other/dist profiles another build (an experiment) the same way.
const paths: Paths = trialPaths(process.env.CONCUR_DIST);

using trial = transpileFolder(join(root, "bench/pools/trial"));
const out = mkdtempSync(join(tmpdir(), "concur-prof-"));
try {
  // Child processes inherit --cpu-prof through process.execArgv; worker threads write their own files.
  const run = spawnSync(
    process.execPath,
    ["--cpu-prof", `--cpu-prof-dir=${out}`, join(trial.dir, "runner.js"), JSON.stringify({ request, paths })],
    { encoding: "utf8" },
  );
  console.log(run.stdout.trim().split("\n").at(-1) ?? "", run.stderr.trim());
  for (const file of readdirSync(out).sort()) {
    const profile = JSON.parse(readFileSync(join(out, file), "utf8")) as CpuProfile;
    report(file, profile);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

function report(file: string, profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : "";
    const name = `${frame.functionName || "(anonymous)"}${where ? ` ${where}` : ""}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const group = frame.url ? shortUrl(frame.url) : frame.functionName || "(native)";
    byFile.set(group, (byFile.get(group) ?? 0) + us);
  }
  const top = (map: Map<string, number>, n: number): string[][] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => [name, `${(us / 1000).toFixed(0)}`, `${((us / total) * 100).toFixed(1)}%`]);
  console.log(`\n## ${file} (${(total / 1000).toFixed(0)} ms sampled)\n`);
  console.log(markdownTable(["function (self time)", "ms", "share"], top(byFunction, 20), ["left"]));
  console.log();
  console.log(markdownTable(["file", "ms", "share"], top(byFile, 12), ["left"]));
}

/** `file:///…/dist/executors/pool.js` → `dist/executors/pool.js`; node internals keep their name. */
function shortUrl(url: string): string {
  const at = url.indexOf("/dist/");
  if (at >= 0) return url.slice(at + 1);
  if (url.startsWith("node:")) return url;
  return basename(url);
}
