import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../src/diagnostics.js";
import { displayPath, formatDiagnostic, formatFileError, formatSummary } from "../src/cli/format.js";

const cwd = "/home/ada/project";

function diagnostic(overrides: Partial<Diagnostic>): Diagnostic {
  return {
    code: "ADG1003",
    message: "parameter 's' has type 'string'; only number and boolean parameters are supported",
    file: `${cwd}/fixtures/bad.ts`,
    line: 12,
    column: 30,
    length: 9,
    sourceLine: "export function f(x: number, s: string): number {",
    ...overrides,
  };
}

const esc = (code: number) => `\u001b[${code}m`;
const paint = (text: string, open: number, close: number) => `${esc(open)}${text}${esc(close)}`;
const cyan = (t: string) => paint(t, 36, 39);
const yellow = (t: string) => paint(t, 33, 39);
const red = (t: string) => paint(t, 31, 39);
const gray = (t: string) => paint(t, 90, 39);
const inverse = (t: string) => paint(t, 7, 27);

describe("formatDiagnostic without colour", () => {
  it("prints the location, the source line and the span underlined", () => {
    expect(formatDiagnostic(diagnostic({}), { color: false, cwd })).toBe(
      [
        "fixtures/bad.ts:12:30 - error ADG1003: parameter 's' has type 'string'; only number and boolean parameters are supported",
        "",
        "12 export function f(x: number, s: string): number {",
        "                                ~~~~~~~~~",
      ].join("\n"),
    );
  });

  it("marks a one-character span with ^", () => {
    const d = diagnostic({ code: "ADG1009", message: "cannot find name 'k'", line: 3, column: 14, length: 1, sourceLine: "  return x * k;" });
    expect(formatDiagnostic(d, { color: false, cwd })).toBe(
      ["fixtures/bad.ts:3:14 - error ADG1009: cannot find name 'k'", "", "3   return x * k;", "               ^"].join("\n"),
    );
  });

  it("shows tabs as single spaces so the marker stays under the span", () => {
    const d = diagnostic({ line: 2, column: 9, length: 6, sourceLine: "\treturn \tMath.f(x);" });
    expect(formatDiagnostic(d, { color: false, cwd }).split("\n").slice(2)).toEqual([
      "2  return  Math.f(x);",
      "          ~~~~~~",
    ]);
  });

  it("clips the span at the end of the line and marks a span past the end with one ^", () => {
    const clipped = diagnostic({ line: 1, column: 10, length: 40, sourceLine: "  return x * ;   " });
    expect(formatDiagnostic(clipped, { color: false, cwd }).split("\n").at(-1)).toBe("           ~~~~~");
    const pastEnd = diagnostic({ line: 4, column: 1, length: 1, sourceLine: "" });
    expect(formatDiagnostic(pastEnd, { color: false, cwd }).split("\n").slice(2)).toEqual(["4 ", "  ^"]);
  });

  it("prints paths relative to the working directory, with / separators", () => {
    expect(formatDiagnostic(diagnostic({ file: "fixtures/bad.ts" }), { color: false, cwd })).toMatch(/^fixtures\/bad\.ts:12:30 /);
    expect(formatDiagnostic(diagnostic({ file: "/home/ada/other/x.ts" }), { color: false, cwd })).toMatch(/^\.\.\/other\/x\.ts:12:30 /);
  });
});

describe("formatDiagnostic with colour", () => {
  it("colours the location, the severity, the code, the gutter and the marker", () => {
    const d = diagnostic({ code: "ADG1009", message: "cannot find name 'k'", line: 3, column: 14, length: 1, sourceLine: "  return x * k;" });
    expect(formatDiagnostic(d, { color: true, cwd })).toBe(
      [
        `${cyan("fixtures/bad.ts")}:${yellow("3")}:${yellow("14")} - ${red("error")} ${gray("ADG1009")}: cannot find name 'k'`,
        "",
        `${inverse("3")}   return x * k;`,
        `${inverse(" ")}              ${red("^")}`,
      ].join("\n"),
    );
  });
});

describe("formatFileError", () => {
  it("names the file and the error", () => {
    const text = "refusing to overwrite a file that adgen did not generate";
    expect(formatFileError(`${cwd}/src/loss.grad.ts`, text, { color: false, cwd })).toBe(`src/loss.grad.ts - error: ${text}`);
    expect(formatFileError(`${cwd}/src/loss.grad.ts`, text, { color: true, cwd })).toBe(`${cyan("src/loss.grad.ts")} - ${red("error")}: ${text}`);
  });
});

describe("formatSummary", () => {
  it.each([
    { errors: 1, files: 1, text: "Found 1 error in 1 file." },
    { errors: 2, files: 1, text: "Found 2 errors in 1 file." },
    { errors: 3, files: 2, text: "Found 3 errors in 2 files." },
  ])("$text", ({ errors, files, text }) => {
    expect(formatSummary(errors, files)).toBe(text);
  });
});

describe("displayPath", () => {
  it("is relative to the given directory", () => {
    expect(displayPath(`${cwd}/a/b.ts`, cwd)).toBe("a/b.ts");
    expect(displayPath("a/b.ts", cwd)).toBe("a/b.ts");
  });
});
