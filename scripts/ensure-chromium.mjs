#!/usr/bin/env node
/**
 * `npm test` runs this first: the HTML report is tested in a real browser (Debian's Chromium), so
 * a fresh machine must get one without a manual step. When $CHROMIUM or /usr/bin/chromium is
 * missing and this runs as root with apt-get (the project's machines and CI), it installs Debian's
 * `chromium` package; anywhere else it stops with the one command that fixes it. Nothing is
 * downloaded by the tests themselves, and no test skips for want of a browser.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
if (existsSync(chromium)) process.exit(0);

const fix = "sudo apt-get install -y chromium (or set CHROMIUM to a Chromium binary)";
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const hasApt = spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0;
if (process.env.CHROMIUM !== undefined || !isRoot || !hasApt) {
  console.error(`Chromium not found at ${chromium}: the HTML report test needs a real browser.\nFix: ${fix}`);
  process.exit(1);
}

console.error("--- Chromium missing: installing Debian's chromium package (the HTML report test needs it)");
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
for (const args of [
  ["update", "-qq"],
  ["install", "-y", "-qq", "chromium"],
]) {
  const result = spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env });
  if (result.status !== 0) {
    console.error(`apt-get ${args.join(" ")} failed (status ${result.status}).\nFix: ${fix}`);
    process.exit(1);
  }
}
if (!existsSync(chromium)) {
  console.error(`chromium installed but not at ${chromium}.\nFix: set CHROMIUM to its path`);
  process.exit(1);
}
