import * as prettier from "prettier";
import { readFileSync, readdirSync } from "node:fs";
const files = readdirSync("fixtures").filter((f) => f.endsWith(".grad.ts")).map((f) => readFileSync("fixtures/" + f, "utf8"));
for (const parser of ["typescript", "babel-ts", "typescript", "babel-ts"]) {
  const t0 = performance.now();
  for (const text of files) await prettier.format(text, { parser, printWidth: 100, filepath: "x.grad.ts" });
  console.log(parser, (performance.now() - t0).toFixed(0), "ms");
}
