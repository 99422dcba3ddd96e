/**
 * Text from outside (a server's error body, a URL, a file name, a user module's task name or
 * error message) made safe to echo on a terminal. Without it a hostile endpoint can send ESC
 * sequences that set the window title or clear the screen, a BEL, or a CR/LF followed by a forged
 * "all 26 letters ok" line. One function, used wherever such text reaches a message or a stream.
 */

// C0 controls and DEL, C1 controls (0x9B alone is a CSI on some terminals), the Unicode line
// and paragraph separators, and the bidirectional overrides and isolates ("Trojan Source": they
// reorder what is shown without changing what is there).
// eslint-disable-next-line no-control-regex -- matching control characters is this module's job
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udfff]/gu;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\u001b": "\\e" };

/**
 * Returns `text` with every control character (line breaks included) replaced by a visible
 * escape: `\n`, `\r`, `\t`, `\e` for ESC, `\xHH` or `\uHHHH` for the others. Printable text,
 * accents and emoji included, is left as it is.
 *
 * Idempotent (backslashes are not escaped), so text escaped where it was made (an error message)
 * can be escaped again where it is printed. The price is that a literal `\e` in the input reads the
 * same as an escaped ESC: fine for messages meant for people, which is all this is for.
 *
 * @example printable("HTTP 500: \u001b]0;pwned\u0007\r\nall 26 letters ok") // "HTTP 500: \e]0;pwned\x07\r\nall 26 letters ok"
 */
export function printable(text: string): string {
  // The `u` flag makes a well-formed surrogate pair one match-free code point; only a lone
  // surrogate (which terminals render unpredictably) matches the second alternative.
  return text.replace(UNSAFE, (char) => {
    const named = NAMED[char];
    if (named !== undefined) return named;
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
  });
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, "0");
}

/** {@link printable} on each line of our own multi-line text (a stack, commander's messages). */
export function printableLines(text: string): string {
  return text.split("\n").map(printable).join("\n");
}

/**
 * A copy of `value` with {@link printable} applied to every string in it (keys included), for a
 * renderer that prints a whole document of outside text (a saved report may come from anyone).
 */
export function printableValues<T>(value: T): T {
  if (typeof value === "string") return printable(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => printableValues(item)) as T;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [printable(key), printableValues(item)]),
    ) as T;
  }
  return value;
}

// JSON.stringify escapes C0 controls but leaves C1 controls, line separators and bidi overrides
// raw; as \u escapes they read back as the same string, and print harmlessly.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** `JSON.stringify(value, null, 2)`, with the characters a terminal would act on escaped. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, (char) => `\\u${hex(char.charCodeAt(0), 4)}`);
}
