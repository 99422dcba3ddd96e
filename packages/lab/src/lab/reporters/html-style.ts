/** The HTML report's stylesheet and chart bootstrap: static text, no report data. */

export const STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d8dee4; --soft: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; background: #ffffff; color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 32px 32px 48px; }
h1 { font-size: 28px; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 20px 0 6px; }
p { margin: 6px 0; }
.meta, .note, figcaption, footer { color: var(--muted); font-size: 13px; }
.banner { margin: 20px 0; padding: 12px 16px; border-radius: 6px; border: 1px solid #d4a72c;
  background: #fff8c5; font-weight: 600; }
.verdicts { margin: 20px 0 0; padding: 14px 18px; border-radius: 8px; background: #ddf4ff;
  border: 1px solid #b6e3ff; }
.verdicts h2 { border: 0; margin: 0 0 6px; padding: 0; font-size: 16px; }
.verdicts ul, .warnings ul { margin: 0; padding-left: 20px; }
.verdicts li { margin: 4px 0; font-size: 16px; }
.warnings { margin: 16px 0 0; padding: 10px 16px; border-radius: 8px; background: #fff8c5;
  border: 1px solid #eed888; font-size: 14px; }
.notes { margin: 16px 0 0; padding: 10px 16px; border-radius: 8px; background: var(--soft);
  border: 1px solid var(--line); font-size: 14px; }
.notes h2 { border: 0; margin: 0 0 4px; padding: 0; font-size: 15px; }
.notes ul { margin: 0; padding-left: 20px; }
.warnings h2 { border: 0; margin: 0 0 4px; padding: 0; font-size: 15px; }
figure { margin: 12px 0 0; }
.chart { overflow-x: auto; min-height: 120px; }
.chart-error { color: #cf222e; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; margin: 6px 0 10px; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.python td:first-child::after { content: " ▲"; color: var(--muted); font-size: 11px; }
tr.winner td { background: #dafbe1; font-weight: 600; }
tr.failed td { color: #cf222e; }
td.no { color: var(--muted); }
table.usage caption { caption-side: top; text-align: left; color: var(--muted); font-size: 13px; padding: 4px 0; }
tr.spike td:last-child { color: #9a6700; font-weight: 600; }
.context { display: grid; grid-template-columns: 1fr 1fr; gap: 32px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0; font-size: 14px; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
footer { margin-top: 40px; padding-top: 12px; border-top: 1px solid var(--line); }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
@media print { .vega-actions { display: none; } }
`;

/**
 * Draws each chart from the specs embedded as JSON. A chart that cannot be drawn says why in its
 * place, so a broken page is visible (and the headless test sees it).
 */
export const BOOTSTRAP = `
(function () {
  var specs = JSON.parse(document.getElementById("concur-chart-specs").textContent);
  var options = { renderer: "svg", actions: { export: true, source: false, compiled: false, editor: false } };
  Object.keys(specs).forEach(function (id) {
    var el = document.getElementById(id);
    function fail(err) {
      el.className += " chart-error";
      el.textContent = "This chart could not be drawn: " + (err && err.message ? err.message : err);
    }
    if (typeof vegaEmbed !== "function") return fail("the charting library did not load");
    vegaEmbed(el, specs[id], options).catch(fail);
  });
})();
`;
