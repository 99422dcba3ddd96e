/**
 * Compiles a folder of bench TypeScript files to plain ESM in a temporary folder, so trial
 * processes run on bare `node`: no tsx in their module graph, their memory, or (through
 * `process.execArgv`) in the workers and child processes the pools start.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";

export interface Transpiled extends Disposable {
  /** The folder holding the `.js` files (and a package.json marking them as ESM). */
  readonly dir: string;
}

/** Type imports vanish; relative `.js` imports keep working since every file lands side by side. */
export function transpileFolder(sourceDir: string): Transpiled {
  const dir = mkdtempSync(join(tmpdir(), "concur-bench-"));
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  for (const name of readdirSync(sourceDir)) {
    if (!name.endsWith(".ts")) continue;
    const { outputText } = ts.transpileModule(readFileSync(join(sourceDir, name), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: name,
    });
    writeFileSync(join(dir, name.replace(/\.ts$/, ".js")), outputText);
  }
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}
