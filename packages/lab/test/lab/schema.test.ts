import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { validateReport } from "../../src/lab/validate.js";
import { renderJson } from "../../src/lab/reporters/json.js";
import { around, cell, report, withUsage } from "./synthetic.js";

const schema = JSON.parse(
  readFileSync(new URL("../../schema/bench-report.schema.json", import.meta.url), "utf8"),
) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true });
ajv.addFormat(
  "date-time",
  (text: string) => /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text)),
);
const validate = ajv.compile(schema);

function assertValid(doc: unknown): void {
  assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
}

function synthetic() {
  return report([
    cell("io", "sequential", 1, around(1300), { startup: [2] }),
    cell("io", "async", 26, around(100), { startup: [1] }),
    cell("io", "thread", 4, around(350), { startup: [40] }),
    cell("cpu", "sequential", 1, around(800, 12)),
    cell("cpu", "thread", 2, [400, 410, 0.001]),
    cell("cpu", "process", 2, [], { status: "interrupted" }),
    cell("cpu", "sequential", 1, around(7000, 3), { runtime: "python" }),
  ]);
}

describe("the BenchReport schema", () => {
  test("is a valid draft 2020-12 schema (strict mode)", () => {
    assert.equal(typeof validate, "function");
  });

  test("accepts the sample fixture", () => {
    assertValid(
      JSON.parse(readFileSync(new URL("../fixtures/lab-report.sample.json", import.meta.url), "utf8")),
    );
  });

  test("accepts a synthetic report after a JSON round trip (too few runs: null intervals)", () => {
    const r = synthetic();
    assert.ok(
      r.comparisons.some((c) => c.speedupCi95 === null && c.significant === null),
      "the 3-run cell has no interval and no significance",
    );
    assertValid(JSON.parse(renderJson(r)));
  });

  test("accepts what the runs cost, 'unavailable' where it could not be measured, and a filter", () => {
    const r = report([
      withUsage(cell("cpu", "sequential", 1, around(800, 8)), { otherCores: 0.6 }),
      withUsage(cell("cpu", "thread", 2, around(400, 8)), { otherCores: null, scope: "process" }),
      Object.assign(cell("cpu", "process", 2, around(420, 8)), {
        resources: "unavailable" as const,
        load: "unavailable" as const,
      }),
    ]);
    r.config.filter = "cpu/*";
    const doc = JSON.parse(renderJson(r)) as { cells: Record<string, unknown>[] };
    assert.equal(typeof doc.cells[0]!.throughputPerSecond, "number");
    assertValid(doc);
  });

  test("rejects malformed costs", () => {
    const r = JSON.parse(renderJson(report([withUsage(cell("cpu", "sequential", 1, around(800, 8)))]))) as {
      cells: Record<string, Record<string, unknown> | string>[];
    };
    const with_ = (change: (c: Record<string, Record<string, unknown> | string>) => void): unknown => {
      const copy = structuredClone(r);
      change(copy.cells[0]!);
      return copy;
    };
    assert.equal(validate(with_((c) => (c.resources = "gone"))), false);
    assert.equal(validate(with_((c) => delete (c.load as Record<string, unknown>).spike)), false);
    assert.equal(validate(with_((c) => ((c.resources as Record<string, unknown>).scope = "host"))), false);
    assert.equal(validate(with_((c) => ((c.load as Record<string, unknown>).maxOtherCpuCores = -1))), false);
  });

  test("rejects what is not a report", () => {
    const r = JSON.parse(renderJson(synthetic())) as Record<string, unknown>;
    assert.equal(validate({ ...r, version: 1 }), false);
    assert.equal(validate({ ...r, statistics: undefined }), false);
    assert.equal(validate({ ...r, cells: [{ id: "x" }] }), false);
    assert.equal(validate({ ...r, extra: true }), false);
    const { verdicts: _verdicts, ...missing } = r;
    assert.equal(validate(missing), false);
  });

  test("validateReport says why", async () => {
    const ok = await validateReport(JSON.parse(renderJson(synthetic())));
    assert.equal(ok.ok, true);
    const bad = await validateReport({ schema: "concur.bench-report", version: 2 });
    assert.equal(bad.ok, false);
    assert.ok(
      !bad.ok && bad.errors.some((e) => e.includes("must have required property 'config'")),
      JSON.stringify(bad),
    );
  });
});
