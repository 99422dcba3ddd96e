/**
 * Latency models: how long the endpoint waits before answering, to stand in for a remote API.
 *
 * Spec syntax (what `--latency` takes), durations being a number with `ms` or `s`:
 * | spec                          | model                                              |
 * |-------------------------------|----------------------------------------------------|
 * | `100ms`, `1.5s`, `fixed:100ms`| every response waits exactly that long             |
 * | `0` or `none`                 | no added latency                                    |
 * | `uniform:50ms..150ms`         | uniform between the two bounds                     |
 * | `lognormal:80ms,p99=400ms`    | long-tailed: median 80 ms, 99th percentile 400 ms  |
 * (`lognormal:median=80ms,p99=400ms` is accepted too.)
 */
import { SpecError } from "./errors.js";
import type { Random } from "./random.js";

/** How long the endpoint waits before answering each request. Times in milliseconds. */
export type LatencyModel =
  | { kind: "fixed"; ms: number }
  | { kind: "uniform"; minMs: number; maxMs: number }
  | { kind: "lognormal"; medianMs: number; p99Ms: number };

/**
 * The default: a fixed 100 ms, about a real API's round trip, so that running downloads one at a
 * time (26 × 100 ms ≈ 2.6 s) visibly loses to running them concurrently.
 */
export const DEFAULT_LATENCY: LatencyModel = { kind: "fixed", ms: 100 };

/** Largest accepted latency, 10 minutes: anything longer is a typo, not a model. */
export const MAX_LATENCY_MS = 600_000;

// A lognormal draw can be arbitrarily large; one unlucky request must not stall a whole run.
const LOGNORMAL_CAP = 5; // × p99
// The standard normal's 99th percentile: p99 = median × e^(σ·z99).
const Z99 = 2.3263478740408408;

/**
 * Parses a latency spec (see the module comment) into a model, or throws a `SpecError`
 * (`ERR_INVALID_LATENCY`) saying which part is wrong.
 * @example parseLatency("lognormal:80ms,p99=400ms") // { kind: "lognormal", medianMs: 80, p99Ms: 400 }
 */
export function parseLatency(spec: string): LatencyModel {
  const text = spec.trim();
  const fail = (why: string): never => {
    throw new SpecError(
      "ERR_INVALID_LATENCY",
      `invalid latency "${spec}": ${why} (expected e.g. 100ms, 0, uniform:50ms..150ms, lognormal:80ms,p99=400ms)`,
      spec,
    );
  };
  const colon = text.indexOf(":");
  const kind = colon < 0 ? "fixed" : text.slice(0, colon).trim().toLowerCase();
  const body = colon < 0 ? text : text.slice(colon + 1).trim();
  const duration = (value: string, what: string): number => {
    const ms = parseDuration(value);
    if (ms === undefined && /^\d+(?:\.\d+)?$/.test(value))
      fail(`${what} "${value}" needs a unit: ${value}ms or ${value}s`);
    if (ms === undefined) fail(`${what} "${value}" is not a duration such as 100ms or 1.5s`);
    return ms!;
  };
  let model: LatencyModel;
  switch (kind) {
    case "fixed":
      model = { kind: "fixed", ms: body.toLowerCase() === "none" ? 0 : duration(body, "the latency") };
      break;
    case "uniform": {
      const parts = body.split("..");
      if (parts.length !== 2)
        fail('a uniform latency is two durations joined by "..", e.g. uniform:50ms..150ms');
      model = {
        kind: "uniform",
        minMs: duration(parts[0]!.trim(), "the minimum"),
        maxMs: duration(parts[1]!.trim(), "the maximum"),
      };
      break;
    }
    case "lognormal": {
      const parts = body.split(",").map((part) => part.trim());
      const median = parts[0]?.replace(/^median\s*=/i, "").trim();
      const p99 = parts[1]?.match(/^p99\s*=(.*)$/i)?.[1]?.trim();
      if (parts.length !== 2 || median === undefined || p99 === undefined) {
        fail("a lognormal latency is a median and a p99, e.g. lognormal:80ms,p99=400ms");
      }
      model = {
        kind: "lognormal",
        medianMs: duration(median!, "the median"),
        p99Ms: duration(p99!, "the p99"),
      };
      break;
    }
    default:
      return fail(`unknown model "${kind}" (known: fixed, uniform, lognormal)`);
  }
  return checkLatency(model, spec);
}

/**
 * Checks a model built in code (non-negative finite times, min ≤ max, median ≤ p99, nothing
 * above 10 minutes) and returns it; throws a `SpecError` otherwise.
 */
export function checkLatency(model: LatencyModel, spec: string = formatLatency(model)): LatencyModel {
  const fail = (why: string): never => {
    throw new SpecError("ERR_INVALID_LATENCY", `invalid latency "${spec}": ${why}`, spec);
  };
  const times: Array<[string, number]> =
    model.kind === "fixed"
      ? [["the latency", model.ms]]
      : model.kind === "uniform"
        ? [
            ["the minimum", model.minMs],
            ["the maximum", model.maxMs],
          ]
        : model.kind === "lognormal"
          ? [
              ["the median", model.medianMs],
              ["the p99", model.p99Ms],
            ]
          : fail(`unknown model kind "${String((model as { kind: unknown }).kind)}"`);
  for (const [what, ms] of times) {
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0)
      fail(`${what} must be a non-negative number of ms`);
    if (ms > MAX_LATENCY_MS) fail(`${what} is above the ${MAX_LATENCY_MS / 1000} s maximum`);
  }
  if (model.kind === "uniform" && model.minMs > model.maxMs) fail("the minimum is above the maximum");
  if (model.kind === "lognormal") {
    if (model.medianMs <= 0) fail("the median must be above 0");
    if (model.p99Ms < model.medianMs) fail("the p99 is below the median");
  }
  return model;
}

/**
 * A human description, as reports show it.
 * @example describeLatency({ kind: "lognormal", medianMs: 80, p99Ms: 400 }) // "lognormal median 80ms p99 400ms"
 */
export function describeLatency(model: LatencyModel): string {
  switch (model.kind) {
    case "fixed":
      return `fixed ${ms(model.ms)}`;
    case "uniform":
      return `uniform ${ms(model.minMs)}..${ms(model.maxMs)}`;
    case "lognormal":
      return `lognormal median ${ms(model.medianMs)} p99 ${ms(model.p99Ms)}`;
  }
}

/** The spec that parses back to `model` (e.g. to pass it on to `concur serve --latency`). */
export function formatLatency(model: LatencyModel): string {
  switch (model.kind) {
    case "fixed":
      return ms(model.ms);
    case "uniform":
      return `uniform:${ms(model.minMs)}..${ms(model.maxMs)}`;
    case "lognormal":
      return `lognormal:${ms(model.medianMs)},p99=${ms(model.p99Ms)}`;
  }
}

/** One delay drawn from `model`, in milliseconds. */
export function sampleLatency(model: LatencyModel, random: Random): number {
  switch (model.kind) {
    case "fixed":
      return model.ms;
    case "uniform":
      return model.minMs + random() * (model.maxMs - model.minMs);
    case "lognormal": {
      const sigma = Math.log(model.p99Ms / model.medianMs) / Z99;
      // Box-Muller; 1 - random() is in (0, 1], so the log is finite.
      const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      return Math.min(model.medianMs * Math.exp(sigma * normal), model.p99Ms * LOGNORMAL_CAP);
    }
  }
}

/** `"100ms"` → 100, `"1.5s"` → 1500, `"0"` → 0; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s)?$/i.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2]?.toLowerCase();
  // A bare number is ambiguous (ms? s?) unless it is zero, so it needs a unit.
  if (unit === undefined) return value === 0 ? 0 : undefined;
  return unit === "s" ? value * 1000 : value;
}

function ms(value: number): string {
  return `${Number(value.toFixed(3))}ms`;
}
