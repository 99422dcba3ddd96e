#!/usr/bin/env node
/**
 * Packaging checks, run by CI (`npm run check:packages`): publint and arethetypeswrong on every
 * workspace package's packed tarball, the core's runtime dependency count (must be zero) and its
 * packed size. The lab (a CLI and a lab, not a library to require) and, for now, the distributed
 * executor are ES-module only, so attw checks them under its `esm-only` profile; the core ships
 * both builds and passes every resolution.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const bin = (name) => join(root, "node_modules/.bin", name);
const { workspaces } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const ATTW_PROFILE = {
  "packages/lab": ["--profile", "esm-only"],
  "packages/distributed": ["--profile", "esm-only"],
};

let failed = false;
function check(label, command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  const ok = result.status === 0;
  console.log(`${ok ? "ok  " : "FAIL"} ${label}`);
  if (!ok) {
    failed = true;
    console.log(result.stdout, result.stderr);
  }
}

for (const workspace of workspaces) {
  const dir = join(root, workspace);
  const { name, dependencies = {} } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  check(`${name}: publint --strict`, bin("publint"), ["--strict"], dir);
  check(`${name}: attw --pack`, bin("attw"), ["--pack", ".", ...(ATTW_PROFILE[workspace] ?? [])], dir);
  if (name === "concur") {
    const count = Object.keys(dependencies).length;
    console.log(`${count === 0 ? "ok  " : "FAIL"} concur: ${count} runtime dependencies`);
    if (count !== 0) failed = true;
    // `npm ls` of the workspace as a user's install sees it: the concur node must have no children.
    const tree = JSON.parse(
      execFileSync("npm", ["ls", "--omit=dev", "--workspace", "concur", "--all", "--json"], {
        cwd: root,
        encoding: "utf8",
      }),
    );
    const listed = Object.keys(tree.dependencies?.concur?.dependencies ?? {});
    console.log(
      `${listed.length === 0 ? "ok  " : "FAIL"} npm ls --omit=dev --workspace concur: ${listed.length} dependencies`,
    );
    if (listed.length !== 0) {
      failed = true;
      console.log(listed.join("\n"));
    }
    const [packed] = JSON.parse(
      execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: dir, encoding: "utf8" }),
    );
    console.log(
      `     concur packs to ${(packed.size / 1024).toFixed(1)} kB (${(packed.unpackedSize / 1024).toFixed(1)} kB unpacked, ${packed.entryCount} files)`,
    );
  }
}
process.exit(failed ? 1 : 0);
