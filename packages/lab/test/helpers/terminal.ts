/** Checks on text meant for a terminal. */
import assert from "node:assert/strict";

// Any control character but the line feed our own output is made of (C0, DEL, C1), and the
// line separator and bidi override a forged line could use.
// eslint-disable-next-line no-control-regex -- finding raw control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** Fails if `text` holds a raw control character, naming `where` and showing the text escaped. */
export function assertNoRawControls(text: string, where: string): void {
  const found = RAW_CONTROL.exec(text);
  assert.equal(found, null, `${where} holds a raw control character: ${JSON.stringify(text)}`);
}
