#!/usr/bin/env node
// Screenshots an HTML report in headless Chromium, to check by eye how the charts read:
//   node scripts/screenshot-report.mjs concur-report.html report.png [--width 1280] [--height 2400]
// Uses $CHROMIUM or /usr/bin/chromium (Debian's `chromium` package). The background-networking
// flags matter: without them Chromium keeps calling home, which floods a closed network; the
// resolver and proxy rules make whatever calls remain fail locally (the report needs no network).
// test/lab/html-report.test.ts runs Chromium with the same flags.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [input, output, ...rest] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node scripts/screenshot-report.mjs <report.html> <out.png> [--width N] [--height N]");
  process.exit(2);
}
function option(name, fallback) {
  const i = rest.indexOf(name);
  return i >= 0 && rest[i + 1] ? Number(rest[i + 1]) : fallback;
}
const width = option("--width", 1280);
const height = option("--height", 2400);

const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
/** Headless flags shared with test/lab/html-report.test.ts (see the comment there). */
const CHROMIUM_FLAGS = JSON.parse(readFileSync(new URL("./chromium-flags.json", import.meta.url), "utf8"));
if (!existsSync(chromium)) {
  console.error(`chromium not found at ${chromium}: apt-get install -y chromium (or set CHROMIUM)`);
  process.exit(1);
}
if (!existsSync(input)) {
  console.error(`no such file: ${input}`);
  process.exit(1);
}

const profile = mkdtempSync(join(tmpdir(), "concur-chromium-"));
try {
  const result = spawnSync(
    chromium,
    [
      ...CHROMIUM_FLAGS,
      "--hide-scrollbars",
      `--user-data-dir=${profile}`,
      `--window-size=${width},${height}`,
      "--virtual-time-budget=5000",
      `--screenshot=${resolve(output)}`,
      pathToFileURL(resolve(input)).href,
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
  if (result.status !== 0 || !existsSync(output)) {
    console.error(
      `chromium failed (status ${result.status}${result.error ? `, ${result.error.message}` : ""})`,
    );
    console.error(result.stderr);
    process.exit(1);
  }
  console.log(`wrote ${output} (${width}×${height})`);
} finally {
  rmSync(profile, { recursive: true, force: true });
}
