/** The IR's textual form reads back: every golden .ir file parses and prints to the same text. */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parseFuncs } from "../src/ir/parse.js";
import { printFunc } from "../src/ir/print.js";
import { listFixtures } from "./helpers/fixtures.js";

describe("the IR's text reads back", () => {
  for (const fixture of listFixtures()) {
    test(fixture.irFile, () => {
      const text = readFileSync(fixture.irFile, "utf8");
      const funcs = parseFuncs(text);
      expect(funcs.length).toBeGreaterThan(0);
      expect(funcs.map(printFunc).join("\n")).toBe(text);
    });
  }
});
