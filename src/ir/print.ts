/**
 * The textual form of the IR, used by `--emit-ir` and the golden tests.
 * Constants are printed inline as literals; every other value as `%name`
 * (or `%name.N` when the name repeats). Each op ends with `// L<line>` naming
 * the source line it comes from, `rev` marking ops of the reverse sweep.
 */
import { literalText } from "./literal.js";
import { Structural, type Func, type Region, type Value } from "./types.js";

export function printFunc(f: Func): string {
  const names = new Map<Value, string>();
  const counts = new Map<string, number>();
  const name = (v: Value): string => {
    if (v.def?.kind === Structural.Const) return literalText(v.def.literal!);
    let n = names.get(v);
    if (!n) {
      const base = v.name || "t";
      const c = counts.get(base) ?? 0;
      counts.set(base, c + 1);
      n = c === 0 ? `%${base}` : `%${base}.${c}`;
      names.set(v, n);
    }
    return n;
  };
  const params = f.params.map((p) => `${name(p.value)}: ${p.type}`).join(", ");
  const label = (i: number) => {
    const r = f.resultRoles[i]!;
    return r.role === "value" ? "value" : r.role === "tangent" ? `tangent.${r.of}` : r.param;
  };
  const results = f.resultRoles.length
    ? `(${f.resultTypes.map((t, i) => `${label(i)}: ${t}`).join(", ")})`
    : f.resultTypes.join(", ");
  const lines = [`func @${f.name}(${params}) -> ${results} {`];
  printRegion(f.body, 1, lines, name);
  lines.push("}");
  return lines.join("\n") + "\n";
}

function printRegion(r: Region, depth: number, lines: string[], name: (v: Value) => string): void {
  const pad = "  ".repeat(depth);
  for (const op of r.ops) {
    if (op.kind === Structural.Const) continue;
    const lhs = op.results.length ? `${op.results.map(name).join(", ")} = ` : "";
    const operands = op.operands.map(name).join(", ");
    const tagged = op.checkpoint === undefined ? "" : ` checkpoint${op.checkpoint ? ` ${op.checkpoint}` : ""}`;
    const where = op.loc ? `  // L${op.loc.line}${op.reverse ? " rev" : ""}${tagged}` : "";
    if (op.kind === Structural.While || op.kind === Structural.Repeat) {
      const types = op.results.map((v) => v.type).join(", ");
      lines.push(`${pad}${lhs}${op.kind} ${operands} -> (${types}) {${where}`);
      op.regions.forEach((region, i) => {
        if (i > 0) lines.push(`${pad}} do {`);
        lines.push(`${pad}  (${region.args.map(name).join(", ")}):`);
        printRegion(region, depth + 1, lines, name);
      });
      lines.push(`${pad}}`);
    } else if (op.kind === Structural.If) {
      const types = op.results.map((v) => v.type).join(", ");
      lines.push(`${pad}${lhs}if ${operands} -> (${types}) {${where}`);
      printRegion(op.regions[0]!, depth + 1, lines, name);
      lines.push(`${pad}} else {`);
      printRegion(op.regions[1]!, depth + 1, lines, name);
      lines.push(`${pad}}`);
    } else {
      lines.push(`${pad}${lhs}${op.kind}${operands ? " " + operands : ""}${where}`);
    }
  }
}
