/**
 * adgen/vite in a project that installed the packed adgen, with a real Vite
 * dev server and production build and Debian's Chromium (headless, through
 * playwright-core; no browser is downloaded): the page imports
 * `./loss.grad` beside fixtures/seed.ts's loss, runs gradient descent with the
 * generated gradient and prints the result, which the test reads. An edit of
 * loss.ts, or of a file it imports, is a hot update (no reload); a diagnostic shows in Vite's error
 * overlay and fails the production build.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { build, createServer, type Plugin, preview } from "vite";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { installedProject, seedSource } from "./project.js";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const page = {
  "index.html": '<!doctype html>\n<html>\n  <body>\n    <pre id="result">running</pre>\n    <script type="module" src="/src/main.ts"></script>\n  </body>\n</html>\n',
  "src/loss.ts": seedSource,
  "src/main.ts": [
    'import * as gradient from "./loss.grad";',
    "",
    "let runs = 0;",
    "",
    "/** Gradient descent on f from x = 3; prints where it ends and how many times this module ran it. */",
    "function descend(module: typeof gradient): void {",
    "  runs++;",
    "  let x = 3;",
    "  for (let step = 0; step < 500; step++) x -= 0.1 * module.fGrad(x).grad.x;",
    '  document.getElementById("result")!.textContent = JSON.stringify({ x, runs });',
    "}",
    "",
    "descend(gradient);",
    'if (import.meta.hot) import.meta.hot.accept("./loss.grad", (module) => module && descend(module as typeof gradient));',
    "",
  ].join("\n"),
};

let dir: string;
let adgenVite: () => Plugin;
let browser: BrowserContext;
const profiles: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install -y chromium; .ci/run does)`);
  dir = installedProject(inject("tarball"), { type: "module", devDependencies: { adgen: "*" } }, page);
  const entry = createRequire(path.join(dir, "package.json")).resolve("adgen/vite");
  expect(entry).toBe(path.join(dir, "node_modules", "adgen", "dist", "plugin", "vite.js"));
  adgenVite = ((await import(pathToFileURL(entry).href)) as { default: () => Plugin }).default;
  const profile = mkdtempSync(path.join(tmpdir(), "adgen-chromium-"));
  profiles.push(profile);
  browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  for (const profile of profiles) rmSync(profile, { recursive: true, force: true });
});

/**
 * The page's printed result, once it has run `runs` times. With `rewrite`
 * (the edit that should make the update): on a loaded machine a file
 * watcher may miss an edit made right after another, so the edit is made
 * again, the same, when the update has not come within a while.
 */
async function result(tab: Page, runs: number, rewrite?: () => void): Promise<{ x: number; runs: number }> {
  const ran = (timeout: number) => tab.waitForFunction((n) => (document.getElementById("result")?.textContent ?? "").includes(`"runs":${n}`), runs, { timeout });
  for (let attempt = 0; rewrite && attempt < 3; attempt++) {
    try {
      await ran(15_000);
      return JSON.parse((await tab.textContent("#result"))!) as { x: number; runs: number };
    } catch {
      rewrite();
    }
  }
  await ran(60_000);
  return JSON.parse((await tab.textContent("#result"))!) as { x: number; runs: number };
}

const overlayText = (tab: Page) => tab.evaluate(() => document.querySelector("vite-error-overlay")?.shadowRoot?.textContent ?? "");
const writeLoss = (body: string) => writeFileSync(path.join(dir, "src/loss.ts"), `export function f(x: number): number {\n  return ${body};\n}\n`);

describe("adgen/vite", () => {
  it("serves the generated gradient in the dev server, hot-updates it when loss.ts changes, and shows diagnostics in the overlay", async () => {
    const server = await createServer({ root: dir, configFile: false, logLevel: "silent", plugins: [adgenVite()], server: { port: 0, host: "127.0.0.1" } });
    try {
      await server.listen();
      const tab = await browser.newPage();
      await tab.goto(server.resolvedUrls!.local[0]!);
      // f(x) = x^2 + x: the descent ends at its minimum, -1/2.
      expect((await result(tab, 1)).x).toBeCloseTo(-0.5, 10);

      writeLoss("x * x - x");
      const updated = await result(tab, 2, () => writeLoss("x * x - x"));
      expect(updated).toEqual({ x: expect.closeTo(0.5, 10), runs: 2 });

      writeLoss("x * x - y");
      await tab.waitForFunction(() => !!document.querySelector("vite-error-overlay"), undefined, { timeout: 60_000 });
      expect(await overlayText(tab)).toMatch(/loss\.ts:2:\d+ - error TS2304: Cannot find name 'y'/);

      // A file loss.ts imports is a dependency of the gradient module too.
      const shiftBy = (k: number) => writeFileSync(path.join(dir, "src/shift.ts"), `export function shift(k: number): number {\n  return ${k} * k;\n}\n`);
      const lossWithShift = () => writeFileSync(path.join(dir, "src/loss.ts"), 'import { shift } from "./shift.js";\n\nexport function f(x: number): number {\n  return (x - shift(1)) * (x - shift(1));\n}\n');
      shiftBy(2);
      lossWithShift();
      expect(await result(tab, 3, lossWithShift)).toEqual({ x: expect.closeTo(2, 10), runs: 3 });
      shiftBy(3);
      expect(await result(tab, 4, () => shiftBy(3))).toEqual({ x: expect.closeTo(3, 10), runs: 4 });
      expect(existsSync(path.join(dir, "src/loss.grad.ts"))).toBe(false);
      await tab.close();
    } finally {
      await server.close();
    }
  });

  it("builds the page for production, where Chromium runs the same descent", async () => {
    writeFileSync(path.join(dir, "src/loss.ts"), seedSource);
    const outDir = path.join(dir, "dist");
    await build({ root: dir, configFile: false, logLevel: "silent", plugins: [adgenVite()], build: { outDir, emptyOutDir: true } });
    const bundle = readdirSync(path.join(outDir, "assets")).filter((file) => file.endsWith(".js"));
    expect(bundle).toHaveLength(1);
    expect(readFileSync(path.join(outDir, "assets", bundle[0]!), "utf8")).not.toContain("import.meta.hot");

    const server = await preview({ root: dir, configFile: false, logLevel: "silent", build: { outDir }, preview: { port: 0, host: "127.0.0.1" } });
    try {
      const tab = await browser.newPage();
      await tab.goto(server.resolvedUrls!.local[0]!);
      expect((await result(tab, 1)).x).toBeCloseTo(-0.5, 10);
      await tab.close();
    } finally {
      await server.close();
    }
  });

  it("fails the production build on a diagnostic, naming it", async () => {
    writeLoss("x * bad");
    const failure = await build({ root: dir, configFile: false, logLevel: "silent", plugins: [adgenVite()], build: { outDir: path.join(dir, "broken") } }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/loss\.ts:2:\d+ - error TS2304: Cannot find name 'bad'/);
    writeFileSync(path.join(dir, "src/loss.ts"), seedSource);
  });
});
