/**
 * Generated code and IR under review, like the TypeScript compiler's
 * baselines: for each fixture, fresh output must equal the committed
 * `fixtures/<name>.grad.ts` and `fixtures/<name>.ir`. With UPDATE_GOLDEN=1
 * the test writes them instead, and the change shows up in review.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { describe, expect, test } from "vitest";
import { generate } from "../src/generate.js";
import { diagnosticLines, listFixtures, repoRoot } from "./helpers/fixtures.js";

const UPDATE = process.env.UPDATE_GOLDEN === "1";
const ACCEPT = "UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts";
const GENERATE_TIMEOUT_MS = 30_000;

function checkGolden(file: string, actual: string): void {
  const name = relative(repoRoot, file);
  if (UPDATE) {
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden file ${name} is missing; run ${ACCEPT} to create it`);
  expect(actual, `${name} differs from fresh output; review the change, then accept it with ${ACCEPT}`).toBe(
    readFileSync(file, "utf8"),
  );
}

for (const fixture of listFixtures()) {
  describe(fixture.path, () => {
    test(
      "generated code equals the golden .grad.ts",
      async () => {
        const result = await generate([fixture.input]);
        expect(diagnosticLines(result.diagnostics)).toEqual([]);
        checkGolden(fixture.gradFile, result.outputs[0].text);
      },
      GENERATE_TIMEOUT_MS,
    );

    test(
      "IR equals the golden .ir",
      async () => {
        const result = await generate([fixture.input], { emitIr: true });
        expect(diagnosticLines(result.diagnostics)).toEqual([]);
        checkGolden(fixture.irFile, result.ir[0].text);
      },
      GENERATE_TIMEOUT_MS,
    );
  });
}
