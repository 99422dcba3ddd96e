/**
 * Fault injection: which search requests the endpoint answers badly, and how.
 *
 * Faults:
 * - an HTTP status from 400 to 599, e.g. `500`, `503`, `404`; `429` comes with `Retry-After`;
 * - `hang`: the request is read and never answered (until the client gives up or the server closes);
 * - `stall`: headers and half the body are sent, then nothing more;
 * - `truncate`: headers announce the full body, half is sent, then the connection is cut;
 * - `invalid-json`: a complete `200 application/json` response whose body is not JSON.
 *
 * Which request gets which fault, first match wins:
 * 1. a per-query schedule (`queries`), counted per query: `{ a: ["503", "503"] }` fails the
 *    first two requests for `a`;
 * 2. the global `schedule`, counted over all search requests in arrival order;
 * 3. `rate`: each remaining request fails with that probability, with a fault drawn from `kinds`.
 * A step is a fault or `ok`; `times` repeats it (`Infinity`: forever). Once a schedule is used up,
 * its requests fall through to the next rule. Only search requests count (`/healthz` never fails).
 *
 * Spec syntax (what `--faults` takes): clauses joined by `;`, e.g.
 * `rate=0.1;kinds=500,503,429;retry-after=1`, `schedule=503*2,ok,hang`, `q=a:500*;q=b:429,ok`
 * (`*N` repeats a step N times, a bare `*` forever; `none` means no faults).
 */
import { SpecError } from "./errors.js";
import type { Random } from "./random.js";

/** A way to answer badly; see the module comment. */
export type FaultKind = number | "hang" | "stall" | "truncate" | "invalid-json";
/** A fault, or `ok` for a normal answer. */
export type FaultStep = FaultKind | "ok";
/** A step repeated `times` times (`Infinity`: forever). */
export interface RepeatedStep {
  fault: FaultStep;
  /** @default 1 */
  times?: number;
}

/** What faults the endpoint injects. Everything is off by default. */
export interface FaultOptions {
  /**
   * Probability (0..1) that a search request not covered by a schedule fails.
   * @default 0
   */
  rate?: number;
  /**
   * Faults `rate` draws from, uniformly.
   * @default [500, 503, 429]
   */
  kinds?: readonly FaultKind[];
  /** Steps applied to search requests in arrival order. */
  schedule?: readonly (FaultStep | RepeatedStep)[];
  /** Steps per query (keys are matched case-insensitively), counted separately for each query. */
  queries?: Readonly<Record<string, readonly (FaultStep | RepeatedStep)[]>>;
  /**
   * Seconds sent in the `Retry-After` header of 429 answers.
   * @default 1
   */
  retryAfterSeconds?: number;
}

const NAMED: readonly FaultKind[] = ["hang", "stall", "truncate", "invalid-json"];
const DEFAULT_KINDS: readonly FaultKind[] = [500, 503, 429];

/**
 * Parses a fault spec (see the module comment), or throws a `SpecError` (`ERR_INVALID_FAULTS`)
 * naming the clause that is wrong.
 * @example parseFaults("q=a:503*2;rate=0.05") // { queries: { a: [{ fault: 503, times: 2 }] }, rate: 0.05 }
 */
export function parseFaults(spec: string): FaultOptions {
  const options: FaultOptions = {};
  const queries: Record<string, RepeatedStep[]> = {};
  const text = spec.trim();
  if (text === "" || text.toLowerCase() === "none") return options;
  for (const raw of text.split(";")) {
    const clause = raw.trim();
    if (clause === "") continue;
    const fail = (why: string): never => {
      throw new SpecError(
        "ERR_INVALID_FAULTS",
        `invalid faults "${spec}": in "${clause}", ${why} (expected e.g. rate=0.1;kinds=500,503,429, schedule=503*2,ok, q=a:500*)`,
        spec,
      );
    };
    const eq = clause.indexOf("=");
    if (eq < 0) fail("expected key=value");
    const key = clause.slice(0, eq).trim().toLowerCase();
    const value = clause.slice(eq + 1).trim();
    switch (key) {
      case "rate": {
        const percent = value.endsWith("%");
        const number = Number(percent ? value.slice(0, -1) : value);
        if (value === "" || !Number.isFinite(number)) fail(`rate "${value}" is not a number`);
        options.rate = percent ? number / 100 : number;
        break;
      }
      case "kinds":
        options.kinds = splitList(value).map((item) => parseKind(item, fail));
        break;
      case "retry-after": {
        const seconds = Number(value);
        if (value === "" || !Number.isFinite(seconds))
          fail(`retry-after "${value}" is not a number of seconds`);
        options.retryAfterSeconds = seconds;
        break;
      }
      case "schedule":
        options.schedule = splitList(value).map((item) => parseStep(item, fail));
        break;
      case "q": {
        const colon = value.indexOf(":");
        if (colon <= 0) fail("expected q=<query>:<steps>, e.g. q=a:503*2,ok");
        const query = value.slice(0, colon).trim().toLowerCase();
        (queries[query] ??= []).push(
          ...splitList(value.slice(colon + 1)).map((item) => parseStep(item, fail)),
        );
        break;
      }
      default:
        fail(`unknown key "${key}" (known: rate, kinds, retry-after, schedule, q)`);
    }
  }
  if (Object.keys(queries).length > 0) options.queries = queries;
  return checkFaults(options, spec);
}

/** Checks options built in code and returns them; throws a `SpecError` when one is out of range. */
export function checkFaults(options: FaultOptions, spec = "(options)"): FaultOptions {
  const fail = (why: string): never => {
    throw new SpecError("ERR_INVALID_FAULTS", `invalid faults ${spec}: ${why}`, spec);
  };
  const { rate = 0, kinds = DEFAULT_KINDS, retryAfterSeconds = 1 } = options;
  if (!(rate >= 0 && rate <= 1)) fail(`rate must be between 0 and 1, got ${rate}`);
  if (kinds.length === 0) fail("kinds is empty");
  for (const kind of kinds) checkStep(kind, fail);
  if (!(Number.isInteger(retryAfterSeconds) && retryAfterSeconds >= 0)) {
    fail(`retry-after must be a whole non-negative number of seconds, got ${retryAfterSeconds}`);
  }
  const steps = [...(options.schedule ?? []), ...Object.values(options.queries ?? {}).flat()];
  for (const step of steps) {
    const { fault, times = 1 } = typeof step === "object" ? step : { fault: step };
    checkStep(fault, fail);
    if (!(times === Infinity || (Number.isInteger(times) && times >= 1))) {
      fail(`a step's times must be a positive integer or Infinity, got ${times}`);
    }
  }
  return options;
}

/** A short description for banners and reports, e.g. `"rate 10% of 500/503/429"`. */
export function describeFaults(options: FaultOptions): string {
  const parts: string[] = [];
  const steps = (list: readonly (FaultStep | RepeatedStep)[]) =>
    list
      .map((step) => (typeof step === "object" ? step : { fault: step, times: 1 }))
      .map(({ fault, times = 1 }) =>
        times === 1 ? String(fault) : `${fault}*${times === Infinity ? "" : times}`,
      )
      .join(",");
  for (const [query, list] of Object.entries(options.queries ?? {})) parts.push(`q=${query}: ${steps(list)}`);
  if (options.schedule?.length) parts.push(`schedule ${steps(options.schedule)}`);
  if (options.rate)
    parts.push(`rate ${+(options.rate * 100).toFixed(2)}% of ${(options.kinds ?? DEFAULT_KINDS).join("/")}`);
  return parts.length === 0 ? "none" : parts.join("; ");
}

/** Decides, request by request, which fault to inject. Holds the schedules' progress. */
export class FaultPlan {
  readonly retryAfterSeconds: number;
  readonly #rate: number;
  readonly #kinds: readonly FaultKind[];
  readonly #random: Random;
  readonly #schedule: Cursor;
  readonly #queries = new Map<string, Cursor>();

  constructor(options: FaultOptions, random: Random) {
    checkFaults(options);
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
    this.#rate = options.rate ?? 0;
    this.#kinds = options.kinds ?? DEFAULT_KINDS;
    this.#random = random;
    this.#schedule = new Cursor(options.schedule ?? []);
    for (const [query, steps] of Object.entries(options.queries ?? {})) {
      this.#queries.set(query.toLowerCase(), new Cursor(steps));
    }
  }

  /** True when no request can ever fail (lets the endpoint skip the bookkeeping). */
  get inert(): boolean {
    return (
      this.#rate === 0 && this.#schedule.done && [...this.#queries.values()].every((cursor) => cursor.done)
    );
  }

  /** The fault for the next search request for `query` (`"ok"` for none). */
  next(query: string): FaultStep {
    const step = this.#queries.get(query.toLowerCase())?.next() ?? this.#schedule.next();
    if (step !== undefined) return step;
    if (this.#rate > 0 && this.#random() < this.#rate) {
      return this.#kinds[Math.floor(this.#random() * this.#kinds.length)]!;
    }
    return "ok";
  }
}

/** Walks a list of steps, each repeated `times` times; undefined once used up. */
class Cursor {
  readonly #steps: RepeatedStep[];
  #index = 0;
  #used = 0; // times the current step has been handed out

  constructor(steps: readonly (FaultStep | RepeatedStep)[]) {
    this.#steps = steps.map((step) => (typeof step === "object" ? step : { fault: step }));
  }

  get done(): boolean {
    return this.#index >= this.#steps.length;
  }

  next(): FaultStep | undefined {
    const step = this.#steps[this.#index];
    if (step === undefined) return undefined;
    if (++this.#used >= (step.times ?? 1)) {
      this.#index++;
      this.#used = 0;
    }
    return step.fault;
  }
}

function splitList(value: string): string[] {
  return value.split(",").map((item) => item.trim());
}

function parseKind(text: string, fail: (why: string) => never): FaultKind {
  const step = parseStepName(text, fail);
  if (step === "ok") fail('"ok" is not a fault kind');
  return step as FaultKind;
}

function parseStep(text: string, fail: (why: string) => never): RepeatedStep {
  const star = text.indexOf("*");
  const fault = parseStepName(star < 0 ? text : text.slice(0, star), fail);
  if (star < 0) return { fault };
  const count = text.slice(star + 1).trim();
  if (count === "") return { fault, times: Infinity };
  const times = Number(count);
  if (!/^\d+$/.test(count) || times < 1) fail(`"${text}": the repeat count must be a positive integer`);
  return { fault, times };
}

function parseStepName(text: string, fail: (why: string) => never): FaultStep {
  const name = text.trim().toLowerCase();
  if (/^\d+$/.test(name)) return checkStep(Number(name), fail);
  return checkStep(name as FaultStep, fail);
}

function checkStep(step: FaultStep, fail: (why: string) => never): FaultStep {
  if (typeof step === "number") {
    if (!Number.isInteger(step) || step < 400 || step > 599)
      fail(`status ${step} is not an error status (400-599)`);
    return step;
  }
  if (step === "ok" || NAMED.includes(step)) return step;
  return fail(`unknown fault "${String(step)}" (known: a status 400-599, ${NAMED.join(", ")}, ok)`);
}
