import { test } from "node:test";
import assert from "node:assert/strict";
import fixture from "../fixtures/lab-report.sample.json" with { type: "json" };
import type { BenchReport } from "../../src/lab/report.js";
import { chartSpecs } from "../../src/lab/reporters/charts.js";
import { renderHtml } from "../../src/lab/reporters/html.js";
import { escapeScript, scriptJson, vegaBundlePaths } from "../../src/lab/reporters/html-assets.js";
import { runInNewContext } from "node:vm";
import { chartMarkup, renderInBrowser } from "./browser.js";

const CHART_IDS = ["chart-time", "chart-speedup", "chart-io-vs-cpu"] as const;

function sample(): BenchReport {
  // The fixture is checked against the type and the schema in charts.test.ts.
  return structuredClone(fixture) as unknown as BenchReport;
}

function evilReport(): BenchReport {
  const report = sample();
  report.machine.cpuModel = `</script><script>document.title="pwned"</script><img src=x onerror=alert(1)>`;
  report.verdicts[0]!.sentence = `io: <img src=x onerror=alert(2)> & "quotes" 'too'`;
  report.warnings.push("<!-- <script> -->");
  report.config.endpoint.latency = `fixed 50ms" onmouseover="alert(3)`;
  return report;
}

/** The page without the content of its <script> elements (the inlined libraries are code, not markup). */
function markupOnly(html: string): string {
  return html.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/gi, "$1$2");
}

function jsonScript(html: string, id: string): unknown {
  const match = new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`).exec(html);
  assert.ok(match, `no script#${id}`);
  return JSON.parse(match[1]!);
}

/** HTML-escaped text, spelled out independently of the reporter's own escaping. */
function escaped(text: string): string {
  const entities: Record<string, string> = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
  };
  return text.replace(/[&<>"']/g, (c) => entities[c]!);
}

function count(text: string, pattern: RegExp): number {
  return (text.match(pattern) ?? []).length;
}

function networkProbe(dom: string): { resources: string[]; violations: string[] } {
  const match = /<pre id="network-probe">([\s\S]*?)<\/pre>/.exec(dom);
  assert.ok(match, "the network probe did not report (the page's load event never came?)");
  return JSON.parse(
    match[1]!
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&"),
  );
}

test("the page is self-contained: inlined libraries, a CSP, no external references", () => {
  const report = sample();
  const html = renderHtml(report);
  const markup = markupOnly(html);
  assert.match(
    markup,
    /<meta http-equiv="Content-Security-Policy" content="[^"]*default-src 'none'[^"]*connect-src 'none'/,
  );
  assert.equal(count(markup, /\s(?:src|href|srcset|action)\s*=/gi), 0, "an attribute points elsewhere");
  assert.equal(count(markup, /<(?:link|iframe|img|object|embed)\b/gi), 0);
  assert.ok(html.includes("vega-lite"), "vega-lite is inlined");
  assert.ok(html.length > 500_000, "the three minified builds are inlined");
  // Every <script> is closed by its own end tag: no "</script" hides inside inlined code.
  assert.equal(count(html, /<script\b/gi), 6);
  assert.equal(count(html, /<\/script/gi), 6);
  assert.ok(!/sourceMappingURL=/.test(html));
});

test("inlined code and JSON cannot end their <script> element, and keep their meaning", () => {
  const code = `globalThis.out = ["</script>", "<!-- x", "<SCRIPT>", /<\\/script>/.test("</script>")];\n//# sourceMappingURL=x.map`;
  const escaped = escapeScript(code);
  assert.ok(!/<\/script|<!--|<script/i.test(escaped), escaped);
  assert.ok(!escaped.includes("sourceMappingURL"));
  const context: { out?: unknown[] } = {};
  runInNewContext(escaped.replace("globalThis.out", "this.out"), context);
  assert.deepEqual(Array.from(context.out ?? []), ["</script>", "<!-- x", "<SCRIPT>", true]);
  const value = { text: "</script><!--<script>", amp: "&", sep: "\u2028" };
  const json = scriptJson(value);
  assert.ok(!/[<>&\u2028]/.test(json), json);
  assert.deepEqual(JSON.parse(json), value);
  assert.deepEqual(
    vegaBundlePaths().map((b) => b.name),
    ["vega", "vega-lite", "vega-embed"],
  );
});

test("the page carries the report and the chart specs as JSON that reads back unchanged", () => {
  const report = sample();
  const html = renderHtml(report);
  assert.deepEqual(jsonScript(html, "concur-report"), report);
  assert.deepEqual(jsonScript(html, "concur-chart-specs"), JSON.parse(JSON.stringify(chartSpecs(report))));
});

test("title, date, machine, config, verdicts, warnings, notes and a results row per cell", () => {
  const report = sample();
  const html = renderHtml(report);
  const markup = markupOnly(html);
  assert.match(markup, /<title>concur bench report · 2025-06-11 09:42:17 UTC<\/title>/);
  assert.ok(markup.includes("Intel(R) Xeon(R) CPU @ 2.20GHz (4 cores, 4 available)"));
  assert.ok(markup.includes("embedded http://127.0.0.1:41877/api/company/search/, latency fixed 50ms"));
  const text = [...report.verdicts.map((v) => v.sentence), ...report.warnings, ...report.notes!];
  for (const t of text) assert.ok(markup.includes(`<li>${escaped(t)}</li>`), t);
  assert.equal(count(markup, /<tr[^>]* data-cell="/g), report.cells.length);
  assert.match(markup, /<tr class="winner" data-cell="io\/async\/26">/);
  assert.match(
    markup,
    /Compared per million inner-loop iterations: records per run differ \(Node 260, Python 26\)/,
  );
  assert.ok(!markup.includes('class="banner"'));
  assert.ok(
    markupOnly(renderHtml({ ...report, interrupted: true })).includes(
      '<div class="banner" role="alert">Interrupted',
    ),
  );
});

test("a report with nothing measured renders without charts", () => {
  const report = sample();
  Object.assign(report, { interrupted: true, cells: [], comparisons: [], verdicts: [] });
  const markup = markupOnly(renderHtml(report));
  assert.equal(count(markup, /class="chart"/g), 0);
  assert.equal(count(markup, /No measurements to draw/g), 3);
  assert.deepEqual(jsonScript(renderHtml(report), "concur-chart-specs"), {});
});

test("text from the report is escaped in markup and in the embedded JSON", () => {
  const report = evilReport();
  const html = renderHtml(report);
  const markup = markupOnly(html);
  assert.ok(!markup.includes("<img"));
  assert.ok(!markup.includes('" onmouseover="'));
  assert.ok(markup.includes("&lt;/script&gt;&lt;script&gt;document.title=&quot;pwned&quot;"));
  assert.ok(markup.includes("io: &lt;img src=x onerror=alert(2)&gt; &amp; &quot;quotes&quot; &#39;too&#39;"));
  assert.equal(count(html, /<script\b/gi), 6);
  assert.equal(count(html, /<\/script/gi), 6);
  assert.deepEqual(jsonScript(html, "concur-report"), report);
});

test("headless Chromium draws the three charts as SVG, with no network", { timeout: 120_000 }, async () => {
  const report = sample();
  const dom = await renderInBrowser(report);
  const expected: Record<(typeof CHART_IDS)[number], string[]> = {
    "chart-time": ["mark-symbol", "mark-rule", "mark-rect"],
    "chart-speedup": ["mark-line", "mark-symbol", "mark-rule", "mark-text"],
    "chart-io-vs-cpu": ["mark-rect", "mark-rule", "mark-text"],
  };
  for (const id of CHART_IDS) {
    const chart = chartMarkup(dom, id);
    assert.ok(!chart.includes("chart-error"), `${id}: ${chart.slice(0, 300)}`);
    assert.equal(count(chart, /<svg\b[^>]*class="marks"/g), 1, `${id} holds one chart SVG`);
    for (const mark of expected[id])
      assert.match(chart, new RegExp(`<g class="${mark} role-mark`), `${id}: ${mark}`);
  }
  // Every run of every cell is a dot in the time chart.
  const time = chartMarkup(dom, "chart-time");
  const symbols = [...time.matchAll(/<g class="mark-symbol role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g)];
  const dots = symbols.reduce((n, m) => n + count(m[1]!, /<path\b/g), 0);
  const runs = report.cells.reduce((n, c) => n + c.samplesMs.length, 0);
  assert.ok(dots >= runs, `${dots} dots for ${runs} runs`);
  // Axis titles and labels come through as text.
  assert.ok(time.includes("ms per million iterations (log scale)"));
  assert.ok(chartMarkup(dom, "chart-speedup").includes("ideal (linear)"));
  assert.ok(chartMarkup(dom, "chart-io-vs-cpu").includes("Python process ×4"));

  const probe = networkProbe(dom);
  assert.deepEqual(
    probe.resources.filter((url) => !/^(data|blob):/.test(url)),
    [],
    "the page fetched something",
  );
  assert.deepEqual(probe.violations, [], "the page tried something its CSP forbids");
});

test("headless Chromium: hostile report text stays text", { timeout: 120_000 }, async () => {
  const dom = markupOnly(await renderInBrowser(evilReport()));
  assert.equal(count(dom, /<img\b/gi), 0, "an injected <img> was parsed as an element");
  assert.equal(count(dom, /<script\b/gi), 7, "an injected <script> was parsed as an element");
  assert.ok(!dom.includes("<title>pwned</title>"));
  assert.ok(dom.includes("&lt;img src=x onerror=alert(2)&gt;"));
  for (const id of CHART_IDS) assert.equal(count(chartMarkup(dom, id), /<svg\b[^>]*class="marks"/g), 1, id);
});
