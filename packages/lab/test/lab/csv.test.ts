import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CSV_COLUMNS, csvField, renderCsv } from "../../src/lab/reporters/csv.js";
import { around, cell, report, withUsage } from "./synthetic.js";

/** An RFC 4180 reader, written apart from the reporter: fields, quoted fields, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  assert.equal(row.length + field.length, 0, "the last line ends with CRLF");
  return rows;
}

describe("CSV fields (RFC 4180)", () => {
  test("plain text and numbers as they are", () => {
    assert.equal(csvField("cpu/thread/2"), "cpu/thread/2");
    assert.equal(csvField(12), "12");
    assert.equal(csvField(true), "true");
  });

  test("a comma, a quote, CR or LF: quoted, with quotes doubled", () => {
    assert.equal(csvField("a,b"), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField("two\nlines"), '"two\nlines"');
    assert.equal(csvField("cr\rhere"), '"cr\rhere"');
    assert.equal(csvField('"'), '""""');
  });

  test("missing values and non-finite numbers are empty", () => {
    assert.equal(csvField(null), "");
    assert.equal(csvField(undefined), "");
    assert.equal(csvField(Number.NaN), "");
    assert.equal(csvField(Number.POSITIVE_INFINITY), "");
  });

  test("numbers that are not integers keep 6 significant digits", () => {
    assert.equal(csvField(1315.7753734999988), "1315.78");
    assert.equal(csvField(0.000123456789), "0.000123457");
    assert.equal(csvField(177881088), "177881088");
  });
});

describe("the CSV report", () => {
  const seq = withUsage(cell("io", "sequential", 1, around(1300)), { userMs: 40, systemMs: 12 });
  const async = withUsage(cell("io", "async", 26, around(100)), { otherCores: 0.6, rssBytes: 123456789 });
  const thread = cell("io", "thread", 8, around(210, 3));
  const r = report([seq, async, thread]);
  const rows = parseCsv(renderCsv(r));
  const column = (row: string[], name: (typeof CSV_COLUMNS)[number]): string =>
    row[CSV_COLUMNS.indexOf(name)]!;

  test("a header, then one row per cell with as many fields", () => {
    assert.deepEqual(rows[0], [...CSV_COLUMNS]);
    assert.deepEqual(
      rows.slice(1).map((row) => row[0]),
      ["io/sequential/1", "io/async/26", "io/thread/8"],
    );
    for (const row of rows) assert.equal(row.length, CSV_COLUMNS.length);
  });

  test("the numbers are the report's", () => {
    const row = rows[2]!;
    const s = async.stats!;
    const cmp = r.comparisons.find((c) => c.cellId === async.id)!;
    assert.equal(Number(column(row, "median_ms")), Number(s.median.toPrecision(6)));
    assert.equal(Number(column(row, "ci95_low_ms")), Number(s.ci95!.low.toPrecision(6)));
    assert.equal(Number(column(row, "p75_ms")), Number(s.p75!.toPrecision(6)));
    assert.equal(Number(column(row, "p99_ms")), Number(s.p99!.toPrecision(6)));
    assert.equal(Number(column(row, "speedup")), Number(cmp.speedup.toPrecision(6)));
    assert.equal(Number(column(row, "speedup_ci95_high")), Number(cmp.speedupCi95!.high.toPrecision(6)));
    assert.equal(column(row, "significance"), "faster");
    assert.equal(column(row, "peak_rss_bytes"), "123456789");
    assert.equal(column(row, "max_other_cpu_cores"), "0.6");
    assert.equal(column(row, "load_spike"), "true");
    // 26 requests at a median of 100 ms: 260 per second.
    assert.equal(Number(column(row, "throughput_per_s")), 260);
    assert.equal(column(rows[1]!, "significance"), "baseline");
    assert.equal(column(rows[1]!, "cpu_user_ms_per_run"), "40");
    assert.equal(column(rows[1]!, "cpu_system_ms_per_run"), "12");
  });

  test("what was not measured is empty; too few runs: no interval, no verdict", () => {
    const row = rows[3]!;
    assert.equal(column(row, "runs"), "3");
    assert.equal(column(row, "ci95_low_ms"), "");
    assert.equal(column(row, "speedup_ci95_low"), "");
    assert.equal(column(row, "significance"), "too-few-runs");
    assert.equal(column(row, "cpu_user_ms_per_run"), "");
    assert.equal(column(row, "load_spike"), "");
  });

  test("hostile text stays text: quoted, control characters visible, no formula", () => {
    const evil = cell("io", "thread", 2, around(300));
    evil.id = '=HYPERLINK("http://x","a,b")\r\n';
    const text = renderCsv(report([evil]));
    const [, row] = parseCsv(text);
    assert.equal(row![0], `'=HYPERLINK("http://x","a,b")\\r\\n`);
    assert.equal(text.split("\r\n").length, 3, "header, one row, and the final line end");
  });
});
