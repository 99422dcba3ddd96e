/**
 * Headless Chromium for the HTML report's tests: renders a report to a temporary page, loads it
 * with no network, and returns the DOM as the browser built it (charts drawn as SVG).
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { BenchReport } from "../../src/lab/report.js";
import { renderHtml } from "../../src/lab/reporters/html.js";

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/**
 * Headless flags, shared with scripts/screenshot-report.mjs. The background-networking ones keep
 * Chromium from calling home; the resolver and proxy rules make any network access fail, so
 * charts that render prove the page needs none.
 */
const CHROMIUM_FLAGS = JSON.parse(
  readFileSync(new URL("../../scripts/chromium-flags.json", import.meta.url), "utf8"),
) as string[];

/**
 * Records what the page fetched (resource timing) and what the Content-Security-Policy refused,
 * then writes both into the DOM for --dump-dom to return.
 */
export const NETWORK_PROBE = `<script>
(function () {
  var violations = [];
  document.addEventListener("securitypolicyviolation", function (e) {
    violations.push(e.violatedDirective + " " + e.blockedURI);
  });
  window.addEventListener("load", function () {
    setTimeout(function () {
      var out = document.createElement("pre");
      out.id = "network-probe";
      out.textContent = JSON.stringify({
        resources: performance.getEntriesByType("resource").map(function (r) { return r.name; }),
        violations: violations,
      });
      document.body.appendChild(out);
    }, 1500);
  });
})();
</script>`;

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  } catch {
    // The group has already exited.
  }
}

/** Runs Chromium in its own process group, so that it and its helpers can all be ended. */
function runChromium(
  args: string[],
  timeoutMs = 60_000,
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(CHROMIUM, args, { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new Error(`chromium did not finish within ${timeoutMs} ms\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      killGroup(child);
      resolve({ stdout, stderr, code });
    });
  });
}

/** Renders the report to a temporary file, loads it in headless Chromium and returns the DOM. */
export async function renderInBrowser(report: BenchReport): Promise<string> {
  if (!existsSync(CHROMIUM)) {
    assert.fail(
      `Chromium not found at ${CHROMIUM}: the HTML report is tested in a real browser. ` +
        `Install Debian's package (apt-get install -y chromium) or point CHROMIUM at a Chromium binary.`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "concur-html-report-"));
  try {
    const page = join(dir, "report.html");
    writeFileSync(page, renderHtml(report).replace("<body>", `<body>\n${NETWORK_PROBE}`));
    const { stdout, stderr, code } = await runChromium([
      ...CHROMIUM_FLAGS,
      `--user-data-dir=${join(dir, "profile")}`,
      "--dump-dom",
      "--virtual-time-budget=5000",
      pathToFileURL(page).href,
    ]);
    assert.equal(code, 0, `chromium exited with ${code}\n${stderr.slice(-2000)}`);
    assert.ok(stdout.includes("</html>"), `chromium printed no DOM\n${stderr.slice(-2000)}`);
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

/** What the chart container `id` holds in the rendered DOM (each sits alone in a <figure>). */
export function chartMarkup(dom: string, id: string): string {
  const start = dom.indexOf(`id="${id}"`);
  assert.ok(start >= 0, `no #${id} in the rendered page`);
  return dom.slice(start, dom.indexOf("</figure>", start));
}
