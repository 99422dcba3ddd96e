import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { compile } from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import fixture from "../fixtures/lab-report.sample.json" with { type: "json" };
import type { BenchReport } from "../../src/lab/report.js";
import { chartSpecs, ioVsCpuSpec, speedupChartSpec, timeChartSpec } from "../../src/lab/reporters/charts.js";

/** JSON imports widen literal types ("io" → string); this checks the fixture's shape against the type. */
type Widen<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends readonly (infer U)[]
        ? Widen<U>[]
        : T extends object
          ? { [K in keyof T]: Widen<T[K]> }
          : T;
const shaped: Widen<BenchReport> = fixture;

function sample(): BenchReport {
  return structuredClone(shaped) as BenchReport;
}

/** Specs as plain JSON, to walk without the Vega-Lite union types. */
function json(spec: TopLevelSpec): any {
  return JSON.parse(JSON.stringify(spec));
}

/** Every layer of every panel of a concatenated spec. */
function layers(spec: any): any[] {
  const panels: any[] = spec.vconcat ?? spec.hconcat;
  return panels.flatMap((p) => p.layer.map((l: any) => ({ ...l, data: l.data ?? p.data, panel: p })));
}

function compileWarnings(spec: TopLevelSpec): string[] {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    info: () => logger,
    debug: () => logger,
    warn: (...args: unknown[]) => (warnings.push(args.join(" ")), logger),
    error: (...args: unknown[]) => (warnings.push(`error: ${args.join(" ")}`), logger),
  };
  compile(spec, { logger: logger as any });
  return warnings;
}

test("the fixture conforms to the BenchReport JSON schema", () => {
  const schema = JSON.parse(
    readFileSync(new URL("../../schema/bench-report.schema.json", import.meta.url), "utf8"),
  );
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  const valid = ajv.validate(schema, fixture);
  assert.equal(valid, true, JSON.stringify(ajv.errors, null, 2));
  const report = sample();
  assert.deepEqual(new Set(report.cells.map((c) => c.task)), new Set(["io", "cpu"]));
  assert.ok(report.cells.some((c) => c.runtime === "python"));
});

test("every spec compiles with Vega-Lite without warnings", () => {
  const specs = chartSpecs(sample());
  assert.deepEqual(Object.keys(specs), ["chart-time", "chart-speedup", "chart-io-vs-cpu"]);
  for (const [id, spec] of Object.entries(specs)) {
    assert.deepEqual(compileWarnings(spec), [], id);
    assert.match(String(json(spec).$schema), /vega-lite\/v5/);
  }
});

test("time chart: one panel per task holding every sample of every measured cell", () => {
  const report = sample();
  const spec = json(timeChartSpec(report));
  assert.equal(spec.vconcat.length, 2);
  const points = layers(spec).filter((l) => l.mark.type === "point");
  const samples = points.flatMap((l) => l.data.values);
  assert.equal(
    samples.length,
    report.cells.reduce((n, c) => n + c.samplesMs.length, 0),
  );
  // io cells all do the same work: values are the samples themselves, in ms per run.
  const io = report.cells.find((c) => c.id === "io/thread/4")!;
  const drawn = samples.filter((s: any) => s.id === io.id).map((s: any) => s.value);
  assert.deepEqual(drawn, io.samplesMs);
  assert.match(spec.vconcat[0].layer[0].encoding.x.title, /^ms per run/);
  // Medians drawn are the report's medians.
  const ticks = layers(spec).filter((l) => l.mark.type === "tick");
  const median = ticks.flatMap((l) => l.data.values).find((r: any) => r.id === io.id).median;
  assert.equal(median, io.stats!.median);
});

test("time chart: Python rows with a different work size are compared per million iterations", () => {
  const report = sample();
  const spec = json(timeChartSpec(report));
  const cpuPanel = spec.vconcat[1];
  assert.match(cpuPanel.layer[0].encoding.x.title, /^ms per million iterations/);
  assert.match(cpuPanel.title.subtitle.join(" "), /Node 260, Python 26/);
  const py = report.cells.find((c) => c.id === "cpu/py-sequential/1")!;
  const row = cpuPanel.layer[3].data.values.find((r: any) => r.id === py.id);
  assert.equal(row.median, py.stats!.median / (py.work.innerIterations! / 1e6));
  assert.equal(row.runtime, "python");
  const dots = cpuPanel.layer[2].data.values.filter((d: any) => d.id === py.id).map((d: any) => d.value);
  assert.deepEqual(
    dots,
    py.samplesMs.map((ms) => ms / (py.work.innerIterations! / 1e6)),
  );
  // Python rows are told apart by shape.
  const shape = cpuPanel.layer[2].encoding.shape;
  assert.equal(shape.field, "runtime");
  assert.deepEqual(shape.scale.domain, ["node", "python"]);
});

test("time chart: data follows the report, and failed cells are left out", () => {
  const report = sample();
  report.cells[0]!.samplesMs[0] = 4321.5;
  const failed = report.cells.find((c) => c.id === "io/process/8")!;
  failed.status = "failed";
  failed.stats = null;
  failed.samplesMs = [];
  const values = layers(json(timeChartSpec(report))).flatMap((l) => l.data.values);
  assert.ok(values.some((v: any) => v.value === 4321.5));
  assert.ok(!values.some((v: any) => v.id === failed.id));
});

test("speedup chart: points are the comparisons, with the ideal line up to the largest pool", () => {
  const report = sample();
  const spec = json(speedupChartSpec(report));
  assert.equal(spec.hconcat.length, 2);
  const io = spec.hconcat[0];
  const points = io.layer.find((l: any) => l.mark.type === "point").data.values;
  const expected = report.comparisons.filter((c) => c.task === "io" && !c.cellId.startsWith("io/async"));
  assert.deepEqual(points.map((p: any) => p.id).sort(), expected.map((c) => c.cellId).sort());
  for (const cmp of expected) {
    const p = points.find((x: any) => x.id === cmp.cellId);
    assert.equal(p.speedup, cmp.speedup);
    assert.equal(p.low, cmp.speedupCi95?.low ?? cmp.speedup);
  }
  const ideal = io.layer.find((l: any) => l.mark.type === "line" && l.mark.strokeDash).data.values;
  assert.deepEqual(ideal.at(-1).workers, 8);
  assert.deepEqual(ideal.at(-1).speedup, 8);
  const cpuIdeal = spec.hconcat[1].layer[0].data.values;
  assert.equal(cpuIdeal.at(-1).workers, 4);
});

test("speedup chart: async beyond the pools' axis is a labelled level, pinned when off the scale", () => {
  const report = sample();
  const spec = json(speedupChartSpec(report));
  const asyncCmp = report.comparisons.find((c) => c.cellId === "io/async/26")!;
  const level = spec.hconcat[0].layer.find(
    (l: any) => l.mark.type === "text" && l.encoding.text.field === "caption",
  );
  const [value] = level.data.values;
  assert.equal(value.speedup, asyncCmp.speedup);
  assert.ok(value.level < asyncCmp.speedup, "pinned below its true value, at the top edge");
  assert.match(value.caption, /23\.8×.*off the scale/);
  const cpuLevel = spec.hconcat[1].layer.find((l: any) => l.encoding?.text?.field === "caption").data
    .values[0];
  assert.equal(cpuLevel.level, cpuLevel.speedup, "within the scale: drawn at its value");
});

test("speedup chart: a cell with too few runs is a point without a whisker", () => {
  const report = sample();
  const cmp = report.comparisons.find((c) => c.cellId === "cpu/py-process/4")!;
  assert.equal(cmp.speedupCi95, null, "the fixture's Python rows have 5 runs");
  const layers = json(speedupChartSpec(report)).hconcat[1].layer;
  const p = layers
    .find((l: any) => l.mark.type === "point")
    .data.values.find((x: any) => x.id === cmp.cellId);
  assert.equal(p.hasInterval, false);
  assert.match(p.text, /too few runs for an interval/);
  const whiskers = layers.find((l: any) => l.mark.type === "rule" && l.encoding.y2).data.values;
  assert.ok(!whiskers.some((x: any) => x.id === cmp.cellId));
});

test("IO vs CPU: one panel per task on a shared scale, bars from the comparisons", () => {
  const report = sample();
  const spec = json(ioVsCpuSpec(report));
  assert.deepEqual(spec.resolve, { scale: { x: "shared" } });
  assert.deepEqual(
    spec.hconcat.map((p: any) => p.title.text),
    ["io (IO-bound: download)", "cpu (CPU-bound: process)"],
  );
  for (const [i, task] of ["io", "cpu"].entries()) {
    const bars = spec.hconcat[i].data.values;
    const cmps = report.comparisons.filter((c) => c.task === task);
    assert.deepEqual(bars.map((b: any) => b.speedup).sort(), cmps.map((c) => c.speedup).sort());
  }
  const py = spec.hconcat[1].data.values.find((b: any) => b.id === "cpu/py-process/4");
  assert.equal(py.label, "Python process ×4");
  assert.equal(py.series, "Python process");
});

test("charts of a report with one task and no Python rows", () => {
  const report = sample();
  report.config.tasks = ["io"];
  report.cells = report.cells.filter((c) => c.task === "io" && c.runtime === "node");
  report.comparisons = report.comparisons.filter((c) => c.task === "io" && c.runtime === "node");
  for (const spec of Object.values(chartSpecs(report))) {
    const j = json(spec);
    assert.equal((j.vconcat ?? j.hconcat).length, 1);
    assert.deepEqual(compileWarnings(spec), []);
  }
  const color = json(timeChartSpec(report)).vconcat[0].layer[1].encoding.color.scale.domain;
  assert.deepEqual(color, ["sequential", "async", "thread", "process"]);
});
