/**
 * Checks that a document is a BenchReport before anything renders it: against the JSON Schema in
 * `schema/bench-report.schema.json` with ajv when it is installed, else against the essentials
 * (schema name, version, the top-level fields).
 */
import { readFile } from "node:fs/promises";
import { BENCH_REPORT_SCHEMA, BENCH_REPORT_VERSION, type BenchReport } from "./report.js";

/** The schema's location, next to the package's own files (src/ or dist/). */
export const REPORT_SCHEMA_URL = new URL("../../schema/bench-report.schema.json", import.meta.url);

/** The outcome of {@link validateReport}. */
export type ReportValidation = { ok: true; report: BenchReport } | { ok: false; errors: string[] };

type Validator = (doc: unknown) => string[];

let validator: Promise<Validator> | undefined;

/** Loads the schema and compiles it with ajv (once); falls back to the essential checks without ajv. */
function loadValidator(): Promise<Validator> {
  return (validator ??= (async () => {
    const schema = JSON.parse(await readFile(REPORT_SCHEMA_URL, "utf8")) as object;
    let Ajv2020: (new (options: object) => AjvLike) | undefined;
    try {
      // ajv is a development dependency: an installed concur may not have it.
      const mod = (await import("ajv/dist/2020.js")) as { default: unknown };
      Ajv2020 = mod.default as new (options: object) => AjvLike;
    } catch {
      return essentialChecks;
    }
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    ajv.addFormat(
      "date-time",
      (text: string) => /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text)),
    );
    const validate = ajv.compile(schema);
    return (doc) =>
      validate(doc)
        ? []
        : (validate.errors ?? [])
            .slice(0, 20)
            .map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
  })());
}

interface AjvLike {
  addFormat(name: string, validate: (text: string) => boolean): unknown;
  compile(schema: object): ((doc: unknown) => boolean) & {
    errors?: Array<{ instancePath: string; message?: string }> | null;
  };
}

function essentialChecks(doc: unknown): string[] {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return ["/ must be an object"];
  const d = doc as Record<string, unknown>;
  const errors: string[] = [];
  if (d.schema !== BENCH_REPORT_SCHEMA) errors.push(`/schema must be "${BENCH_REPORT_SCHEMA}"`);
  if (d.version !== BENCH_REPORT_VERSION) errors.push(`/version must be ${BENCH_REPORT_VERSION}`);
  for (const key of ["cells", "comparisons", "verdicts", "warnings"]) {
    if (!Array.isArray(d[key])) errors.push(`/${key} must be an array`);
  }
  for (const key of ["config", "machine"]) {
    if (typeof d[key] !== "object" || d[key] === null) errors.push(`/${key} must be an object`);
  }
  return errors;
}

/** Validates a parsed document as a BenchReport. */
export async function validateReport(doc: unknown): Promise<ReportValidation> {
  const errors = (await loadValidator())(doc);
  return errors.length === 0 ? { ok: true, report: doc as BenchReport } : { ok: false, errors };
}
