/**
 * The HTML page in a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core; no browser is downloaded): the worked example's page is
 * opened from a file, Next is clicked through the backward pass, and the
 * values the page shows are read back: 1, 1, 1, 2, 2, then 5 for x.
 * Previous goes back a step. Outside CI without Chromium the test is
 * skipped with a message; in CI (CI=true) a missing browser fails it.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { explain } from "../src/explain/explain.js";
import { renderHtml } from "../src/explain/html.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
const inCi = !!process.env.CI;
if (!available && !inCi) console.warn(`explain-browser: skipped, no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

describe.skipIf(!available && !inCi)("the explain page in headless Chromium", () => {
  let browser: BrowserContext;
  let dir: string;
  let page: string;

  beforeAll(async () => {
    if (!available) throw new Error(`CI needs Chromium at ${CHROMIUM}; .ci/run installs Debian's chromium package`);
    dir = mkdtempSync(path.join(os.tmpdir(), "adgen-explain-browser-"));
    const result = await explain("fixtures/seed.ts", { at: "x=2" });
    if (!("explanation" in result)) throw new Error("seed.ts has diagnostics");
    page = path.join(dir, "seed.html");
    writeFileSync(page, renderHtml(result.explanation));
    // A fresh profile directory for each run.
    browser = await chromium.launchPersistentContext(path.join(dir, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("Next walks the backward pass: 1, 1, 1, 2, 2, and x's sum 5; Previous goes back", async () => {
    const tab = await browser.newPage();
    const requests: string[] = [];
    tab.on("request", (r) => void (r.url().startsWith("file:") || requests.push(r.url())));
    await tab.goto(pathToFileURL(page).href);
    const shown = async () => ({
      name: await tab.textContent("#step-node"),
      adjoint: await tab.textContent("#step-adjoint"),
      counter: await tab.textContent("#counter"),
    });
    expect(await tab.textContent("#counter")).toBe("0 of 6");
    expect(await tab.isDisabled("#prev")).toBe(true);
    const seen: { name: string | null; adjoint: string | null }[] = [];
    for (let k = 1; k <= 6; k++) {
      await tab.click("#next");
      const s = await shown();
      expect(s.counter).toBe(`${k} of 6`);
      seen.push({ name: s.name, adjoint: s.adjoint });
      // The current node is highlighted in the graph.
      expect(await tab.locator(".node.current").count()).toBeGreaterThan(0);
    }
    expect(seen).toEqual([
      { name: "E", adjoint: "1" },
      { name: "C", adjoint: "1" },
      { name: "D", adjoint: "1" },
      { name: "A", adjoint: "2" },
      { name: "B", adjoint: "2" },
      { name: "x", adjoint: "5" },
    ]);
    expect(await tab.isDisabled("#next")).toBe(true);
    expect(await tab.textContent("#step-text")).toBe("dE/dx = dE/dA + dE/dB + dE/dD = 2 + 2 + 1 = 5");
    await tab.click("#prev");
    expect(await shown()).toEqual({ name: "B", adjoint: "2", counter: "5 of 6" });
    expect(await tab.getAttribute(".node.current", "data-name")).toBe("B");
    expect(requests).toEqual([]);
  }, 60_000);
});
