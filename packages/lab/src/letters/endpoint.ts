/**
 * The company-search endpoint: a small `node:http` server shaped like the API the original
 * experiment queried, with a latency model and fault injection.
 *
 * Routes (GET and HEAD only):
 * - `/api/company/search/?q=<query>` → 200, a JSON list of `{id, name, url}` (see data.ts for
 *   what a query matches); 400 when `q` is missing or longer than 100 characters;
 * - `/healthz` → 200 `{"status":"ok"}` (never delayed, never faulted);
 * - any other path → 404; another method on a known path → 405 with `Allow`.
 * Every error is a JSON body `{"error": "..."}`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_RECORDS_PER_LETTER, DEFAULT_SEED, generateDataset, type Dataset } from "./data.js";
import { FaultPlan, checkFaults, parseFaults, type FaultKind, type FaultOptions } from "./faults.js";
import { DEFAULT_LATENCY, checkLatency, parseLatency, sampleLatency, type LatencyModel } from "./latency.js";
import { LETTERS } from "./letter.js";
import { deriveSeed, seededRandom, type Random } from "./random.js";

/** Options of {@link startEndpoint}. */
export interface EndpointOptions {
  /**
   * Interface to bind. Anything but loopback exposes the server to the network.
   * @default "127.0.0.1"
   */
  host?: string;
  /**
   * Port to listen on; 0 picks a free one (read it from `url`).
   * @default 0
   */
  port?: number;
  /**
   * Seed of the data, and of the latency and fault draws.
   * @default 1
   */
  seed?: number;
  /**
   * Delay before each search answer: a model, or a spec such as `"100ms"` or
   * `"lognormal:80ms,p99=400ms"` (see latency.ts).
   * @default fixed 100 ms
   */
  latency?: LatencyModel | string;
  /**
   * Faults to inject: options, or a spec such as `"rate=0.1"` or `"q=a:503*2"` (see faults.ts).
   * @default none
   */
  faults?: FaultOptions | string;
  /** @default 10 */
  recordsPerLetter?: number;
}

/** A started endpoint. */
export interface RunningEndpoint extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The search URL with a `{letter}` placeholder, as `downloadAndWrite`'s `endpoint` takes it. */
  readonly searchTemplate: string;
  /** The latency model in use. */
  readonly latency: LatencyModel;
  /** The fault options in use (`{}` for none). */
  readonly faults: FaultOptions;
  readonly seed: number;
  readonly recordsPerLetter: number;
  /** Requests received so far, on any path (retries and health checks included). */
  requests(): number;
  /**
   * Stops the server: no new connections, keep-alive sockets and hung or delayed responses are
   * ended, pending timers cleared. Resolves once every connection is gone. Idempotent.
   */
  close(): Promise<void>;
}

const SEARCH_PATHS = new Set(["/api/company/search/", "/api/company/search"]);
const MAX_QUERY_LENGTH = 100;
const JSON_TYPE = "application/json; charset=utf-8";

/**
 * Starts the company-search endpoint.
 * @example
 * await using endpoint = await startEndpoint({ latency: "0" });
 * await downloadAndWrite("a", { endpoint: endpoint.searchTemplate, outDir: "out" });
 */
export async function startEndpoint(options: EndpointOptions = {}): Promise<RunningEndpoint> {
  const { host = "127.0.0.1", port = 0 } = options;
  const seed = options.seed ?? DEFAULT_SEED;
  const recordsPerLetter = options.recordsPerLetter ?? DEFAULT_RECORDS_PER_LETTER;
  const latency =
    typeof options.latency === "string"
      ? parseLatency(options.latency)
      : checkLatency(options.latency ?? DEFAULT_LATENCY);
  const faults =
    typeof options.faults === "string" ? parseFaults(options.faults) : checkFaults(options.faults ?? {});
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`port must be 0..65535, got ${port}`);

  const dataset = generateDataset({ seed, recordsPerLetter });
  const handler = new SearchHandler(dataset, latency, faults, seed);
  const server = createServer(handler.handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      // close() stops accepting and ends idle keep-alive sockets; closeAllConnections() also ends
      // the busy ones (hung, stalled, delayed). Their responses' "close" events clear the timers.
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  return {
    url,
    searchTemplate: `${url}/api/company/search/?q={letter}`,
    latency,
    faults,
    seed,
    recordsPerLetter,
    requests: () => handler.requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Answers requests; holds the per-server state (counters, fault schedules, random streams). */
class SearchHandler {
  requests = 0;
  readonly #dataset: Dataset;
  readonly #latency: LatencyModel;
  readonly #plan: FaultPlan | undefined;
  readonly #latencyRandom: Random;
  // The 26 single-letter answers, serialized once: they are nearly all the traffic, and
  // JSON.stringify per request would cost more than the rest of the handler.
  readonly #bodies = new Map<string, Buffer>();

  constructor(dataset: Dataset, latency: LatencyModel, faults: FaultOptions, seed: number) {
    this.#dataset = dataset;
    this.#latency = latency;
    const plan = new FaultPlan(faults, seededRandom(deriveSeed(seed, "faults")));
    this.#plan = plan.inert ? undefined : plan;
    this.#latencyRandom = seededRandom(deriveSeed(seed, "latency"));
    for (const letter of LETTERS)
      this.#bodies.set(letter, Buffer.from(JSON.stringify(dataset.letter(letter))));
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.requests++;
    const target = req.url ?? "/";
    const mark = target.indexOf("?");
    const path = mark < 0 ? target : target.slice(0, mark);
    const isSearch = SEARCH_PATHS.has(path);
    if (!isSearch && path !== "/healthz") return sendError(res, 404, `no route for ${path}`);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return sendError(res, 405, `method ${req.method ?? "?"} not allowed on ${path}`);
    }
    if (!isSearch) return sendJson(res, 200, Buffer.from('{"status":"ok"}'));

    const query = new URLSearchParams(mark < 0 ? "" : target.slice(mark + 1)).get("q");
    if (query === null) return sendError(res, 400, 'missing query parameter "q"');
    if (query.length > MAX_QUERY_LENGTH)
      return sendError(res, 400, `"q" is longer than ${MAX_QUERY_LENGTH} characters`);
    const fault = this.#plan?.next(query) ?? "ok";
    // A hung request gets no answer at all: the client's timeout, or close(), ends it.
    if (fault === "hang") return;
    const body =
      this.#bodies.get(query.toLowerCase()) ?? Buffer.from(JSON.stringify(this.#dataset.search(query)));
    const delay = sampleLatency(this.#latency, this.#latencyRandom);
    if (delay <= 0) return this.#answer(res, fault, body);
    const timer = setTimeout(() => this.#answer(res, fault, body), delay);
    // The client may leave (or close() may end the socket) before the delay is over.
    res.once("close", () => clearTimeout(timer));
  };

  #answer(res: ServerResponse, fault: Exclude<FaultKind, "hang"> | "ok", body: Buffer): void {
    if (res.destroyed) return;
    switch (fault) {
      case "ok":
        return sendJson(res, 200, body);
      case "invalid-json":
        // A complete, well-framed response whose JSON is cut in the middle.
        return sendJson(res, 200, body.subarray(0, Math.floor(body.length / 2)));
      case "stall":
      case "truncate": {
        res.writeHead(200, { "content-type": JSON_TYPE, "content-length": body.length });
        const half = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
        // Destroy only once the half is flushed, or the client may see no body at all.
        res.write(half, () => {
          if (fault === "truncate") res.destroy();
        });
        return;
      }
      default:
        if (fault === 429) res.setHeader("retry-after", String(this.#plan?.retryAfterSeconds ?? 1));
        return sendError(res, fault, `injected fault: HTTP ${fault}`);
    }
  }
}

function sendJson(res: ServerResponse, status: number, body: Buffer): void {
  res.writeHead(status, { "content-type": JSON_TYPE, "content-length": body.length });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, Buffer.from(JSON.stringify({ error: message })));
}
