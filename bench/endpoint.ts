/**
 * Load test of the company-search endpoint (`npm run bench:endpoint`): can it stand in for a
 * remote API without being the bottleneck? Target: 5,000 requests/s on loopback at zero added
 * latency, with 0 errors.
 *
 * The endpoint runs in its own process (`concur serve`), as it would in use, so that autocannon
 * and the server do not share one event loop. Each connection cycles through the 26 letters.
 *
 * Usage: npm run bench:endpoint [-- --duration 10 --connections 50]
 * Not a test: the figure depends on the machine; it is printed, never asserted.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { LETTERS } from "../packages/lab/src/letters/letter.js";

const TARGET = 5_000;

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "50" },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);

const cli = fileURLToPath(new URL("../packages/lab/src/cli/bin.ts", import.meta.url));
const server = spawn(process.execPath, [...process.execArgv, cli, "serve", "--port", "0", "--latency", "0"], {
  stdio: ["ignore", "pipe", "inherit"],
});
try {
  const url = await serverUrl(server.stdout);
  console.error(`endpoint ${url} (latency 0); autocannon: ${connections} connections, ${duration} s…`);
  const result = await autocannon({
    url,
    connections,
    duration,
    requests: [...LETTERS].map((letter) => ({
      method: "GET" as const,
      path: `/api/company/search/?q=${letter}`,
    })),
  });
  const rps = result.requests.average;
  const errors = result.errors + result.timeouts + result.non2xx;
  console.log(
    `requests/s   ${rps.toFixed(0)} (average over ${result.duration} s; min ${result.requests.min}, max ${result.requests.max})`,
  );
  console.log(`requests     ${result.requests.total} (${result["2xx"]} × 2xx)`);
  console.log(
    `errors       ${errors} (connection ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx})`,
  );
  console.log(
    `latency ms   p50 ${result.latency.p50}  p90 ${result.latency.p90}  p99 ${result.latency.p99}  max ${result.latency.max}`,
  );
  const ratio = rps / TARGET;
  const verdict = ratio >= 1 && errors === 0 ? "meets" : "misses";
  console.log(`vs target    ${ratio.toFixed(2)}× the ${TARGET} req/s target: ${verdict} it`);
  process.exitCode = 0;
} finally {
  server.kill("SIGTERM");
  await once(server, "exit");
}

/** The first URL `concur serve` prints. */
async function serverUrl(stdout: NodeJS.ReadableStream): Promise<string> {
  for await (const line of createInterface({ input: stdout })) {
    const match = /listening on (http:\/\/\S+)/.exec(line);
    if (match) return match[1]!;
  }
  throw new Error("concur serve exited before printing its URL");
}
