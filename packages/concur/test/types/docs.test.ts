/**
 * The public types are the documentation (typedoc renders them; editors show them): every option
 * of every `…Options` interface in src/types.ts says its default with `@default`, so a new option
 * cannot land undocumented. (`npm run docs` separately fails on any export without a summary.)
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import ts from "typescript";

const path = new URL("../../src/types.ts", import.meta.url);

test("every option in src/types.ts has a TSDoc summary and a @default", () => {
  const source = ts.createSourceFile("types.ts", readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  const missing: string[] = [];
  let options = 0;
  ts.forEachChild(source, (node) => {
    if (!ts.isInterfaceDeclaration(node) || !node.name.text.endsWith("Options")) return;
    for (const member of node.members) {
      if (!ts.isPropertySignature(member)) continue;
      options++;
      const name = `${node.name.text}.${member.name.getText(source)}`;
      const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
      const summary = docs.some((doc) => typeof doc.comment === "string" && doc.comment.trim() !== "");
      const tags = ts.getJSDocTags(member).map((tag) => tag.tagName.text);
      if (!summary && !tags.includes("default")) missing.push(`${name}: no TSDoc`);
      else if (!tags.includes("default")) missing.push(`${name}: no @default`);
    }
  });
  assert.ok(options > 20, `found ${options} options: is the parser reading the file?`);
  assert.deepEqual(missing, []);
});
