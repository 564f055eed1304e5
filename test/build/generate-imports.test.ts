/** generate() lists, per input, the project files it imports, directly or not, whether or not it compiles. */
import path from "node:path";
import { expect, it } from "vitest";
import { generate } from "../../src/generate.js";
import { tempProject } from "./temp.js";

it("lists the files each input imports, through helpers of helpers, for inputs with and without diagnostics", async () => {
  const dir = tempProject({
    "loss.ts": 'import { a } from "./lib/a.js";\n\nexport function loss(x: number): number {\n  return a(x);\n}\n',
    "broken.ts": 'import { b } from "./lib/b.js";\n\nexport function broken(x: number): number {\n  return b(x) * bad;\n}\n',
    "lib/a.ts": 'import { b } from "./b.js";\n\nexport function a(x: number): number {\n  return b(x) * 2;\n}\n',
    "lib/b.ts": "export function b(x: number): number {\n  return x * x;\n}\n",
  });
  const result = await generate([path.join(dir, "loss.ts"), path.join(dir, "broken.ts")]);
  expect(result.diagnostics.map((d) => d.code)).toContain("ADG1009");
  expect(result.imports).toEqual([
    { sourcePath: path.join(dir, "loss.ts"), files: [path.join(dir, "lib/a.ts"), path.join(dir, "lib/b.ts")] },
    { sourcePath: path.join(dir, "broken.ts"), files: [path.join(dir, "lib/b.ts")] },
  ]);
}, 60_000);
