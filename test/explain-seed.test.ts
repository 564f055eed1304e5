/**
 * The worked example, number by number: f(x) = x * x + x at x = 2 is
 * E = C + D with C = A * B and A, B, D the three uses of x; the backward pass
 * reads dE/dE = 1, dE/dC = 1, dE/dD = 1, dE/dA = 2, dE/dB = 2, and the sum
 * of the paths back to x is f'(2) = 2 + 2 + 1 = 5, which numerical
 * differentiation confirms.
 */
import { describe, expect, test } from "vitest";
import { main } from "../src/cli/main.js";
import { explain, type Explanation } from "../src/explain/explain.js";
import { formatText } from "../src/explain/text.js";
import { numericDerivative } from "../src/verify/numeric.js";
import { f } from "../fixtures/seed.js";

const TIMEOUT = 30_000;

async function seedAt(at: string): Promise<Explanation> {
  const result = await explain("fixtures/seed.ts", { at });
  if (!("explanation" in result)) throw new Error("seed.ts has diagnostics");
  return result.explanation;
}

function capture(): { write(text: string): void; text: () => string } {
  let text = "";
  return { write: (t: string) => void (text += t), text: () => text };
}

describe("explain fixtures/seed.ts --at x=2", () => {
  test("names the nodes as the worked example does, with their values", async () => {
    const e = await seedAt("x=2");
    expect(e.graph.nodes.map((n) => [n.name, n.text, n.outputs[0]!.value])).toEqual([
      ["A", "x", "2"],
      ["B", "x", "2"],
      ["C", "A * B", "4"],
      ["D", "x", "2"],
      ["E", "C + D", "6"],
    ]);
    expect(e.graph.nodes.find((n) => n.result)?.name).toBe("E");
  }, TIMEOUT);

  test("steps back from E: 1, 1, 1, 2, 2, and the sum over x's uses is 5", async () => {
    const e = await seedAt("x=2");
    expect(e.graph.steps.map((s) => [s.name, s.adjointValue])).toEqual([["E", 1], ["C", 1], ["D", 1], ["A", 2], ["B", 2]]);
    expect(e.graph.steps.map((s) => s.text)).toEqual([
      "dE/dE = 1",
      "dE/dC = dE/dE * dE/dC = 1 x 1 = 1",
      "dE/dD = dE/dE * dE/dD = 1 x 1 = 1",
      "dE/dA = dE/dC * dC/dA = 1 x 2 = 2",
      "dE/dB = dE/dC * dC/dB = 1 x 2 = 2",
    ]);
    expect(e.graph.inputs.map((i) => i.text)).toEqual(["dE/dx = dE/dA + dE/dB + dE/dD = 2 + 2 + 1 = 5"]);
    expect(e.graph.inputs[0]!.total).toBe(5);
    expect(e.backward.gradient[0]).toBe(5);
  }, TIMEOUT);

  test("agrees with the generated gradient and with numerical differentiation (2x + 1)", async () => {
    for (const x of [2, -1.5, 0.25]) {
      const e = await seedAt(`x=${x}`);
      expect(e.check.pass).toBe(true);
      expect(e.check.parameters[0]!.generated).toBe(2 * x + 1);
      const total = e.graph.inputs[0]!.total as number;
      expect(Math.abs(total - numericDerivative(f, [x], [0]))).toBeLessThan(1e-9);
    }
  }, TIMEOUT);

  test("the text lists the operations, the numbered steps, the sum and the check", async () => {
    const text = formatText(await seedAt("x=2"), "fixtures/seed.ts");
    expect(text).toContain("  A   = x       2\n");
    expect(text).toContain("  E   = C + D   6   line 3, result\n");
    expect(text).toContain("  2. dE/dC = dE/dE * dE/dC = 1 x 1 = 1\n");
    expect(text).toContain("  dE/dx = dE/dA + dE/dB + dE/dD = 2 + 2 + 1 = 5\n");
    expect(text).toContain("Check against the generated gradient, fGrad(2):\n  grad.x = 5: equal\n");
  }, TIMEOUT);
});

describe("adgen explain on the command line", () => {
  test("prints the explanation and exits 0", async () => {
    const stdout = capture();
    const stderr = capture();
    const code = await main(["explain", "fixtures/seed.ts", "--at", "x=2"], { stdout, stderr, color: false });
    expect(stderr.text()).toBe("");
    expect(code).toBe(0);
    expect(stdout.text()).toContain("dE/dx = dE/dA + dE/dB + dE/dD = 2 + 2 + 1 = 5");
  }, TIMEOUT);

  test.each([
    [["--fn", "g"], "no differentiable function 'g'"],
    [["--at", "y=1"], "--at names 'y', which is not a parameter"],
    [["--at", "x=abc"], "neither a number nor JSON"],
    [["--sample", "7"], "fSamples has no sample 7"],
    [["--format", "png"], "Allowed choices are text, svg, dot, mermaid, html"],
    [["--fd", "--input", "z"], "--input z names no number input"],
  ])("a bad request %j is a usage error (exit 2)", async (flags, message) => {
    const stdout = capture();
    const stderr = capture();
    const code = await main(["explain", "fixtures/seed.ts", ...flags], { stdout, stderr, color: false });
    expect(code).toBe(2);
    expect(stderr.text()).toContain(message);
  }, TIMEOUT);

  test("a file outside the subset gets its located diagnostics (exit 1)", async () => {
    const stdout = capture();
    const stderr = capture();
    const code = await main(["explain", "test/explain/unsupported.ts"], { stdout, stderr, color: false });
    expect(code).toBe(1);
    expect(stderr.text()).toMatch(/unsupported\.ts:2:\d+ - error ADG100\d/);
    expect(stdout.text()).toBe("");
  }, TIMEOUT);
});
