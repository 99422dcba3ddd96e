import { test } from "node:test";
import assert from "node:assert/strict";
import { assertNoRawControls } from "../helpers/terminal.js";
import { printable, printableLines, printableValues, safeJson } from "../../src/letters/printable.js";

test("printable escapes every control character and keeps printable text", () => {
  assert.equal(
    printable("HTTP 500: \u001b]0;t\u0007\r\nok\t\u0000\u007f\u009b\u202e é 😀"),
    "HTTP 500: \\e]0;t\\x07\\r\\nok\\t\\x00\\x7F\\x9B\\u202E é 😀",
  );
  assert.equal(printable("\ud800x"), "\\uD800x");
  const once = printable("\u001b[2J\r\n");
  assert.equal(printable(once), once, "idempotent");
});

test("printableLines keeps our own line breaks; printableValues walks a document", () => {
  assert.equal(printableLines("a\u001b\nb\r"), "a\\e\nb\\r");
  assert.deepEqual(printableValues({ a: ["\u0007", 1, null], "k\n": { b: "\u001b" } }), {
    a: ["\\x07", 1, null],
    "k\\n": { b: "\\e" },
  });
});

test("safeJson reads back as the same value, with no raw C1 or bidi character", () => {
  const value = { s: "\u009b31m \u202e \u2028 \u001b" };
  const text = safeJson(value);
  assertNoRawControls(text, "safeJson");
  assert.deepEqual(JSON.parse(text), value);
});
