/**
 * Code that uses a stop-gradient runs with adgen as a dev dependency only: a
 * project compiles its loss and gradient with adgen and tsc, then installs
 * for production (`npm ci --omit=dev`, which removes adgen and TypeScript)
 * and runs gradient descent. Its own `@stopGradient` marker needs nothing
 * installed; an import of adgen/runtime is what would fail there.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { adgen, exec, installedProject, npmCi, sh } from "./project.js";

const tarball = inject("tarball");

const files = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, outDir: "dist", rootDir: "src" }, include: ["src"] }),
  "src/stop-gradient.ts": "/** adgen passes no derivative back through the result. */\n/** @stopGradient */\nexport function stopGradient<T>(x: T): T {\n  return x;\n}\n",
  // (x - stopGradient(x^2))^2: the gradient with x^2 held constant, 2 (x - x0^2), vanishes where x = x0^2, at 0 and 1.
  "src/loss.ts": [
    'import { stopGradient } from "./stop-gradient.js";',
    "",
    "export function detached(x: number): number {",
    "  const target = stopGradient(x * x);",
    "  return (x - target) * (x - target);",
    "}",
    "",
  ].join("\n"),
  "src/main.ts": [
    'import { detached } from "./loss.js";',
    'import { detachedGrad } from "./loss.grad.js";',
    "",
    "let x = 0.8;",
    "for (let step = 0; step < 2000; step++) x -= 0.05 * detachedGrad(x).grad.x;",
    "console.log(JSON.stringify({ x, value: detached(x), gradient: detachedGrad(0.5).grad.x }));",
    "",
  ].join("\n"),
  "src/with-runtime.ts": 'import { stopGradient } from "adgen/runtime";\n\nconsole.log(stopGradient(1));\n',
};

describe("runtime independence", () => {
  it("a gradient using the project's own @stopGradient marker runs after npm ci --omit=dev", () => {
    const dir = installedProject(tarball, { type: "module", devDependencies: { adgen: "*", typescript: "^6.0.3" } }, files);
    expect(adgen(dir, ["src/loss.ts"]).stdout).toBe("wrote src/loss.grad.ts\n");
    sh("npx", ["--no-install", "tsc", "-p", "."], dir);
    // Before: adgen/runtime resolves, since adgen is installed.
    expect(exec(process.execPath, ["dist/with-runtime.js"], dir).stdout).toBe("1\n");

    npmCi(dir, ["--omit=dev"]);
    expect(existsSync(path.join(dir, "node_modules", "adgen"))).toBe(false);
    expect(existsSync(path.join(dir, "node_modules", "typescript"))).toBe(false);
    const run = exec(process.execPath, ["dist/main.js"], dir);
    expect(run.stderr).toBe("");
    const result = JSON.parse(run.stdout) as { x: number; value: number; gradient: number };
    // x <- x - 0.1 x (1 - x): from 0.8 the descent settles at the stable zero of 2 (x - x^2), x = 0 (the one at 1 repels).
    expect(result.x).toBeCloseTo(0, 6);
    expect(result.value).toBeCloseTo(0, 12);
    expect(result.gradient).toBeCloseTo(2 * (0.5 - 0.25), 14);
    // An import of adgen/runtime is what fails in production.
    const failing = exec(process.execPath, ["dist/with-runtime.js"], dir);
    expect(failing.status).not.toBe(0);
    expect(failing.stderr).toContain("ERR_MODULE_NOT_FOUND");
  });
});
