/**
 * `concur serve`: runs the company-search endpoint in the foreground until Ctrl-C (or SIGTERM),
 * then closes it cleanly (keep-alive and hung connections included) and exits 130 (143 after
 * SIGTERM), as every command does after a signal.
 */
import type { Command } from "commander";
import { DEFAULT_RECORDS_PER_LETTER, DEFAULT_SEED } from "../../letters/data.js";
import { startEndpoint } from "../../letters/endpoint.js";
import { describeFaults, parseFaults } from "../../letters/faults.js";
import { describeLatency, formatLatency, parseLatency, DEFAULT_LATENCY } from "../../letters/latency.js";
import { printable } from "../../letters/printable.js";
import { SIGNALS_HELP, aborted, onInterrupt } from "../interrupt.js";
import { UsageError, exitCodes, parseInteger, specOrUsage } from "../usage.js";

interface ServeFlags {
  port: string;
  host: string;
  seed: string;
  latency: string;
  faults: string;
  recordsPerLetter: string;
}

export function register(program: Command): void {
  program
    .command("serve")
    .description("Serve the company-search endpoint the seed's download task queries (Ctrl-C stops it).")
    .option("--port <n>", "port to listen on; 0 picks a free one", "0")
    .option(
      "--host <host>",
      "interface to bind (anything but loopback is reachable from the network)",
      "127.0.0.1",
    )
    .option(
      "--seed <n>",
      "seed of the generated data and of the latency and fault draws",
      String(DEFAULT_SEED),
    )
    .option(
      "--latency <spec>",
      "delay per answer: 100ms, 0, uniform:50ms..150ms, lognormal:80ms,p99=400ms",
      formatLatency(DEFAULT_LATENCY),
    )
    .option("--faults <spec>", "faults to inject, e.g. rate=0.1;kinds=500,503,429 or q=a:503*2", "none")
    .option("--records-per-letter <n>", "records answered per letter", String(DEFAULT_RECORDS_PER_LETTER))
    .addHelpText(
      "after",
      "\nRoutes: GET /api/company/search/?q=<query> (JSON list of {id, name, url}), GET /healthz.\n" +
        "Faults: a status 400-599, hang, stall, truncate, invalid-json; clauses rate=, kinds=, schedule=, q=<query>:, retry-after=.\n" +
        SIGNALS_HELP,
    )
    .action(async (flags: ServeFlags) => {
      process.exitCode = await serve(flags);
    });
}

async function serve(flags: ServeFlags): Promise<number> {
  const port = parseInteger("--port", flags.port, 0, 65535);
  const seed = parseInteger("--seed", flags.seed, 0, Number.MAX_SAFE_INTEGER);
  const recordsPerLetter = parseInteger("--records-per-letter", flags.recordsPerLetter, 0, 10_000);
  const latency = specOrUsage("--latency", () => parseLatency(flags.latency));
  const faults = specOrUsage("--faults", () => parseFaults(flags.faults));
  const host = flags.host.trim();
  if (host === "") throw new UsageError("--host must not be empty");

  let endpoint;
  try {
    endpoint = await startEndpoint({ host, port, seed, latency, faults, recordsPerLetter });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "EADDRINUSE" ? `port ${port} is already in use` : (error as Error).message;
    process.stderr.write(`concur serve: cannot listen on ${printable(`${host}:${port}: ${why}`)}\n`);
    return exitCodes.failure;
  }
  if (!isLoopback(host)) {
    process.stderr.write(
      `concur serve: warning: bound to ${printable(host)}, not loopback: anyone who can reach this machine can query it\n`,
    );
  }
  process.stdout.write(
    `concur serve: listening on ${endpoint.url}\n` +
      `  search:  ${endpoint.searchTemplate}\n` +
      `  latency: ${describeLatency(latency)}; faults: ${describeFaults(faults)}; seed ${seed}; ${recordsPerLetter} records per letter\n` +
      "Press Ctrl-C to stop.\n",
  );

  const interrupt = onInterrupt("serve", "closing");
  await aborted(interrupt.signal);
  process.stderr.write(
    `concur serve: ${String(interrupt.signal.reason)}, closing (${endpoint.requests()} requests served)\n`,
  );
  await endpoint.close();
  interrupt.dispose();
  // Stopping is what a signal asks of a server, but it is still an exit by signal: 130 or 143,
  // as for every other command (a supervisor tells it from a crash by that code).
  return interrupt.exitCode() ?? exitCodes.interrupted;
}

/** True for hosts that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}
