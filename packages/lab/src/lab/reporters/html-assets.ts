/**
 * The charting library inlined into the HTML report, so the page needs no network when viewed:
 * the minified builds of vega, vega-lite and vega-embed, read from node_modules at render time,
 * and the escapes that keep text and code from ending the <script> element they sit in.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** Paths of the UMD builds, in load order (vega-lite needs vega; vega-embed needs both). */
export function vegaBundlePaths(): { name: string; path: string }[] {
  return [
    { name: "vega", path: require.resolve("vega/build/vega.min.js") },
    { name: "vega-lite", path: require.resolve("vega-lite/build/vega-lite.min.js") },
    // vega-embed's "exports" hides its build folder; its CommonJS entry sits beside the minified build.
    { name: "vega-embed", path: join(dirname(require.resolve("vega-embed")), "vega-embed.min.js") },
  ];
}

let cached: string[] | undefined;

/** The three builds, each ready to sit inside a <script> element. */
export function vegaBundles(): string[] {
  cached ??= vegaBundlePaths().map(({ path }) => escapeScript(readFileSync(path, "utf8")));
  return cached;
}

/**
 * Makes code safe inside <script>…</script>. The HTML parser ends the element at "</script" and
 * enters a state where "<!--" and "<script" change how it looks for that end tag; rewriting the "<"
 * of those sequences as "\x3C" keeps the meaning where they can appear in code (strings, regular
 * expressions, template literals, comments). Source-map comments are dropped: their files are not
 * inlined, and a viewer's devtools would try to fetch them.
 */
export function escapeScript(code: string): string {
  return code.replace(/^\/\/# sourceMappingURL=.*$/gm, "").replace(/<(?=\/script|!--|script)/gi, "\\x3C");
}

/** JSON that can sit inside a <script type="application/json"> element and parse back unchanged. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
