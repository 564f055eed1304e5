import * as prettier from "prettier";
import { readFileSync, readdirSync } from "node:fs";
let diff = 0;
for (const dir of ["fixtures", "bench"]) for (const f of readdirSync(dir).filter((f) => f.endsWith(".grad.ts"))) {
  const text = readFileSync(`${dir}/${f}`, "utf8");
  const a = await prettier.format(text, { parser: "typescript", printWidth: 100, filepath: "x.grad.ts" });
  const b = await prettier.format(text, { parser: "babel-ts", printWidth: 100, filepath: "x.grad.ts" });
  if (a !== b) { diff++; console.log("differs", f); }
}
console.log("differences", diff);
