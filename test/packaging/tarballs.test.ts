/**
 * The packages as a user gets them: each workspace package packed with `npm pack`, the tarballs
 * installed into a new project without devDependencies, then used from there the ways users do:
 * plain node (ES module and CommonJS), a `.ts` file under tsx, `tsc --noEmit` on typed consumers
 * in CommonJS (`"module": "node16"`) and bundler modes, and the `concur` CLI. The thread and
 * process pools run from the installed tarball, so their one-file worker entries must be found
 * inside it. The temporary project reuses npm's cache: nothing here needs a download that
 * `npm ci` did not already make.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const exec = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));
const tsc = join(root, "node_modules/typescript/bin/tsc");
const tsxLoader = import.meta.resolve("tsx");
const project = mkdtempSync(join(tmpdir(), "concur-tarballs-"));

async function run(command: string, args: string[], cwd = project): Promise<string> {
  try {
    const { stdout } = await exec(command, args, { cwd, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${stdout}\n${stderr}`, { cause: error });
  }
}
const node = (...args: string[]) => run(process.execPath, args);

function write(path: string, text: string): void {
  mkdirSync(join(project, path, ".."), { recursive: true });
  writeFileSync(join(project, path), text);
}

const TASKS = `export function inc(n) { return n + 1; }
export function where() { return process.pid; }
`;

const TYPED_TASKS = `export function inc(n: number): number { return n + 1; }
export async function greet(name: string): Promise<string> { return "hi " + name; }
`;

function consumer(moduleExpr: string): string {
  return `import { ThreadPoolExecutor, ProcessPoolExecutor, type Future } from "concur";
import { taskSignal } from "concur/task";
type Tasks = typeof import("./tasks.js");
export async function main(): Promise<number> {
  const pool = new ThreadPoolExecutor<Tasks>(${moduleExpr}, { maxWorkers: 1 });
  const f: Future<number> = pool.submit("inc", 1);
  const s: string = await pool.submit("greet", "you");
  const signal: AbortSignal = taskSignal();
  await pool.shutdown();
  const other = new ProcessPoolExecutor<Tasks>(${moduleExpr});
  await other.shutdown();
  return (await f) + s.length + (signal.aborted ? 1 : 0);
}
`;
}

before(async () => {
  const { workspaces } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    workspaces: string[];
  };
  for (const workspace of workspaces) {
    assert.ok(
      existsSync(join(root, workspace, "dist")),
      `${workspace}/dist is missing: npm test builds it first`,
    );
    await run("npm", ["pack", "--silent", "--pack-destination", project], join(root, workspace));
  }
  const tarballs = readdirSync(project).filter((name) => name.endsWith(".tgz"));
  assert.equal(tarballs.length, workspaces.length, `one tarball per package: ${tarballs.join(", ")}`);
  write("package.json", JSON.stringify({ name: "consumer", private: true }));
  await run("npm", [
    "install",
    "--omit=dev",
    "--no-audit",
    "--no-fund",
    "--prefer-offline",
    "--loglevel=error",
    ...tarballs.map((name) => `./${name}`),
  ]);
});

after(() => rmSync(project, { recursive: true, force: true }));

test("the install has no devDependency, and the core brings no package with it", async () => {
  for (const dev of ["typescript", "tsx", "esbuild", "piscina"]) {
    assert.ok(!existsSync(join(project, "node_modules", dev)), `${dev} was installed`);
  }
  const tree = JSON.parse(await run("npm", ["ls", "concur", "--all", "--json"])) as {
    dependencies?: { concur?: { dependencies?: object } };
  };
  assert.deepEqual(Object.keys(tree.dependencies?.concur?.dependencies ?? {}), []);
});

test("an ES module runs both pools from the installed tarball with plain node", async () => {
  write("tasks.mjs", TASKS);
  write(
    "esm.mjs",
    `import { ThreadPoolExecutor, ProcessPoolExecutor } from "concur";
import { taskSignal } from "concur/task";
const url = new URL("./tasks.mjs", import.meta.url);
const out = { signal: taskSignal().aborted };
for (const Pool of [ThreadPoolExecutor, ProcessPoolExecutor]) {
  const pool = new Pool(url, { maxWorkers: 1 });
  out[Pool.name] = [await pool.submit("inc", 41), (await pool.submit("where")) !== process.pid];
  await pool.shutdown();
}
console.log(JSON.stringify(out));`,
  );
  const out = JSON.parse(await node("esm.mjs")) as Record<string, unknown>;
  assert.deepEqual(out, { signal: false, ThreadPoolExecutor: [42, false], ProcessPoolExecutor: [42, true] });
});

test("a CommonJS script requires concur and runs both pools", async () => {
  write("tasks.mjs", TASKS);
  write(
    "cjs.cjs",
    `const { ThreadPoolExecutor, ProcessPoolExecutor, CancelledError } = require("concur");
const { taskSignal } = require("concur/task");
const { pathToFileURL } = require("node:url");
(async () => {
  const url = pathToFileURL(__dirname + "/tasks.mjs");
  const out = { signal: taskSignal().aborted, code: new CancelledError().code };
  for (const Pool of [ThreadPoolExecutor, ProcessPoolExecutor]) {
    const pool = new Pool(url, { maxWorkers: 1 });
    out[Pool.name] = await pool.submit("inc", 1);
    await pool.shutdown();
  }
  console.log(JSON.stringify(out));
})();`,
  );
  const out = JSON.parse(await node("cjs.cjs")) as Record<string, unknown>;
  assert.deepEqual(out, {
    signal: false,
    code: "ERR_CANCELLED",
    ThreadPoolExecutor: 2,
    ProcessPoolExecutor: 2,
  });
});

test("a .ts program under tsx runs typed tasks from a .ts task module", async () => {
  write("ts/tasks.ts", TYPED_TASKS);
  write("ts/package.json", JSON.stringify({ type: "module" }));
  write("ts/main.ts", `${consumer(`new URL("./tasks.ts", import.meta.url)`)}\nconsole.log(await main());\n`);
  assert.equal((await node("--import", tsxLoader, "ts/main.ts")).trim(), String(2 + "hi you".length));
});

const TSCONFIG_COMMON = {
  strict: true,
  noEmit: true,
  skipLibCheck: false,
  types: ["node"],
  typeRoots: [join(root, "node_modules/@types")],
};

test("tsc type-checks a CommonJS consumer (module node16) and a bundler consumer", async () => {
  write("cjs-ts/package.json", JSON.stringify({ type: "commonjs" }));
  write("cjs-ts/tasks.ts", TYPED_TASKS);
  write("cjs-ts/main.ts", consumer(`require("node:url").pathToFileURL(__dirname + "/tasks.js")`));
  write(
    "cjs-ts/tsconfig.json",
    JSON.stringify({
      compilerOptions: { ...TSCONFIG_COMMON, module: "node16", moduleResolution: "node16" },
      files: ["main.ts"],
    }),
  );
  write("bundler-ts/tasks.ts", TYPED_TASKS);
  write("bundler-ts/main.ts", consumer(`new URL("./tasks.js", import.meta.url)`));
  write(
    "bundler-ts/tsconfig.json",
    JSON.stringify({
      compilerOptions: {
        ...TSCONFIG_COMMON,
        module: "esnext",
        moduleResolution: "bundler",
        target: "es2022",
      },
      files: ["main.ts"],
    }),
  );
  await node(tsc, "-p", "cjs-ts");
  await node(tsc, "-p", "bundler-ts");
});

test("a misspelled task name or a wrong argument type is a compile error", async () => {
  write("bad-ts/package.json", JSON.stringify({ type: "module" }));
  write("bad-ts/tasks.ts", TYPED_TASKS);
  write(
    "bad-ts/main.ts",
    `import { ThreadPoolExecutor } from "concur";
type Tasks = typeof import("./tasks.js");
const pool = new ThreadPoolExecutor<Tasks>(new URL("./tasks.js", import.meta.url));
pool.submit("incc", 1);
pool.submit("inc", "one");
`,
  );
  write(
    "bad-ts/tsconfig.json",
    JSON.stringify({
      compilerOptions: { ...TSCONFIG_COMMON, module: "node16", moduleResolution: "node16" },
      files: ["main.ts"],
    }),
  );
  const failure = await node(tsc, "-p", "bad-ts").then(
    () => assert.fail("tsc accepted a misspelled task name"),
    (error: Error) => error.message,
  );
  assert.match(failure, /main\.ts\(4,13\): error TS2345: Argument of type '"incc"'/);
  assert.match(
    failure,
    /main\.ts\(5,20\): error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'/,
  );
});

test("the lab's `concur` CLI runs both seed tasks from the installed tarball", async () => {
  const bin = join(project, "node_modules/.bin/concur");
  assert.match(await run(bin, ["--help"]), /Usage: concur/);
  const out = join(project, "letters");
  const io = JSON.parse(
    await run(bin, [
      "run",
      "io",
      "--executor",
      "thread",
      "--workers",
      "2",
      "--letters",
      "abc",
      "--latency",
      "1ms",
      "--out",
      out,
      "--json",
    ]),
  ) as { ok?: boolean };
  assert.deepEqual(readdirSync(out).sort(), ["a.txt", "b.txt", "c.txt"], JSON.stringify(io));
  const cpu = await run(bin, [
    "run",
    "cpu",
    "--executor",
    "process",
    "--workers",
    "2",
    "--letters",
    "abc",
    "--in",
    out,
    "--multiplier",
    "3",
    "--json",
  ]);
  assert.ok(JSON.parse(cpu), cpu);
});
