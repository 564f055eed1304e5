/**
 * The README's worked example is generated: the text between the
 * `explain:seed` markers must be exactly what `adgen explain fixtures/seed.ts
 * --at x=2` prints, and test/explain/seed.svg and seed-fd.svg exactly what it
 * draws. After an intended change of output, review it and accept it with
 * `UPDATE_GOLDEN=1 npx vitest run test/explain-readme.test.ts`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { XMLValidator } from "fast-xml-parser";
import { expect, test } from "vitest";
import { main } from "../src/cli/main.js";
import { repoRoot } from "./helpers/fixtures.js";

const update = !!process.env.UPDATE_GOLDEN;
const TIMEOUT = 60_000;

async function run(args: string[]): Promise<string> {
  let out = "";
  let err = "";
  const code = await main(["explain", "fixtures/seed.ts", "--at", "x=2", ...args], {
    cwd: repoRoot,
    stdout: { write: (t: string) => void (out += t) },
    stderr: { write: (t: string) => void (err += t) },
  });
  expect(err).toBe("");
  expect(code).toBe(0);
  return out;
}

function golden(file: string, fresh: string): void {
  const path = join(repoRoot, file);
  if (update) writeFileSync(path, fresh);
  expect(readFileSync(path, "utf8"), `${file} is stale: UPDATE_GOLDEN=1 npx vitest run test/explain-readme.test.ts`).toBe(fresh);
}

test("the README shows what adgen explain prints for the worked example", async () => {
  const text = await run([]);
  const readmePath = join(repoRoot, "README.md");
  const readme = readFileSync(readmePath, "utf8");
  const block = /(<!-- explain:seed -->\n```\n)([\s\S]*?)(```\n<!-- \/explain:seed -->)/;
  expect(readme).toMatch(block);
  if (update) writeFileSync(readmePath, readme.replace(block, (_, a: string, _b: string, c: string) => `${a}${text}${c}`));
  expect(block.exec(readFileSync(readmePath, "utf8"))![2]).toBe(text);
  expect(text).toContain("dE/dx = dE/dA + dE/dB + dE/dD = 2 + 2 + 1 = 5");
}, TIMEOUT);

test("the README's pictures are what adgen explain draws", async () => {
  const svg = await run(["--format", "svg"]);
  expect(XMLValidator.validate(svg)).toBe(true);
  golden("test/explain/seed.svg", svg);
  const plot = await run(["--fd"]);
  expect(XMLValidator.validate(plot)).toBe(true);
  golden("test/explain/seed-fd.svg", plot);
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  expect(readme).toContain("](test/explain/seed.svg)");
  expect(readme).toContain("](test/explain/seed-fd.svg)");
}, TIMEOUT);
