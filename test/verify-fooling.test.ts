/**
 * Hand-edited generated files that an earlier `adgen verify --no-generate`
 * passed. Each starts from adgen's real output, changes one thing a careless
 * or malicious edit might, and must now fail with a message naming what is
 * wrong; the unedited output must pass.
 */
import { describe, expect, it } from "vitest";
import { adgen, generateAndEdit, project, replaceOnce } from "./helpers/verify.js";

const TIMEOUT_MS = 30_000;

const tiny = `export function tiny(x: number): number {
  return 1e-7 * x * x;
}
export const tinySamples: Parameters<typeof tiny>[] = [[1], [0.5], [-2]];
`;

describe("adgen verify --no-generate fails a hand-edited gradient", () => {
  it("the zero gradient of 1e-7 x^2: the tolerance scales with the function", async () => {
    const dir = project({ "tiny.ts": tiny });
    expect((await adgen(dir, ["verify", "tiny.ts"])).code).toBe(0);
    await generateAndEdit(dir, "tiny.ts", (text) => replaceOnce(text, "grad.x += dx;", "grad.x += 0 * dx;"));
    const run = await adgen(dir, ["verify", "--no-generate", "tiny.ts"]);
    expect(run.code).toBe(1);
    // Every sample's error is about a million times what is allowed: 1e-7 x^2 is resolved as well as x^2.
    expect(run.stdout).toMatch(/^ {2}tiny +x +3 +[\d.]+e-7 +[\d.]+e\+6 +x, sample \d +FAIL$/m);
    expect(run.stdout).toMatch(/^ {2}FAIL tiny: grad\.x: worst at x, sample \d: gradient 0, numerical \S+e-\d; abs error \S+e-7, rel error 1, allowed \S+e-13$/m);
  }, TIMEOUT_MS);
});
