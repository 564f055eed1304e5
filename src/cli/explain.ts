/** `adgen explain`: prints or writes an explanation in the format asked for, or the step-size plot. */
import { writeFile } from "node:fs/promises";
import { explain, ExplainError, type Explanation } from "../explain/explain.js";
import { renderDot, renderMermaid } from "../explain/dot.js";
import { stepStudy } from "../explain/fd.js";
import { renderHtml } from "../explain/html.js";
import { renderPlot } from "../explain/plot.js";
import { renderSvg } from "../explain/svg.js";
import { formatText, table } from "../explain/text.js";
import type { ExplainFlags } from "./args.js";
import { ExitCode, UsageError } from "./exit.js";
import { displayPath } from "./format.js";
import type { CliIo } from "./io.js";
import { ErrorReport } from "./report.js";

export async function explainCommand(inputs: string[], flags: ExplainFlags, io: CliIo): Promise<ExitCode> {
  if (inputs.length !== 1) throw new UsageError("explain takes one source file");
  const file = inputs[0]!;
  let result;
  try {
    result = await explain(file, {
      ...(flags.fn !== undefined ? { fn: flags.fn } : {}),
      ...(flags.at !== undefined ? { at: flags.at } : {}),
      ...(flags.sample !== undefined ? { sample: flags.sample } : {}),
      unroll: flags.unroll,
      expand: flags.helpers === "collapsed" ? "never" : flags.helpers === "expanded" ? "always" : "auto",
    });
  } catch (e) {
    if (e instanceof ExplainError) throw new UsageError(e.message);
    throw e;
  }
  if ("diagnostics" in result) {
    const report = new ErrorReport(io);
    for (const d of result.diagnostics) report.diagnostic(d);
    report.finish();
    return ExitCode.Failure;
  }
  const e = result.explanation;
  const text = flags.fd ? await studyText(e, flags) : render(e, flags, displayPath(file, io.cwd));
  if (flags.output) {
    await writeFile(flags.output, text);
    io.stdout.write(`wrote ${flags.output}\n`);
  } else io.stdout.write(text);
  if (!e.check.pass) {
    io.stderr.write(`adgen: the explanation of ${e.fn.name} disagrees with the generated gradient (see the check)\n`);
    return ExitCode.Failure;
  }
  return ExitCode.Success;
}

function render(e: Explanation, flags: ExplainFlags, shown: string): string {
  switch (flags.format ?? "text") {
    case "svg": return renderSvg(e.graph);
    case "dot": return renderDot(e.graph);
    case "mermaid": return renderMermaid(e.graph);
    case "html": return renderHtml(e);
    default: return formatText(e, shown);
  }
}

/** The step-size plot (SVG), or with --format text the table of errors and the sentence. */
async function studyText(e: Explanation, flags: ExplainFlags): Promise<string> {
  let study;
  try {
    study = stepStudy(e, flags.input);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (flags.format === undefined || flags.format === "svg") return renderPlot(study, e.fn.name);
  if (flags.format !== "text") throw new UsageError(`--fd draws svg or prints text, not ${flags.format}`);
  const rows = [["h", "forward", "central", "Richardson"]];
  for (const h of [...new Set(study.rows.map((r) => r.h))]) {
    rows.push([String(h), ...["forward", "central", "richardson"].map((m) => study.rows.find((r) => r.h === h && r.method === m)!.error.toExponential(2))]);
  }
  return [`|error| of d${e.fn.name}/d${study.input} against adgen's ${study.exact}:`, ...table(rows).map((r) => `  ${r}`), "", study.sentence, ""].join("\n");
}
