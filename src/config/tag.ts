/** The `@derivatives grad, hvp` JSDoc tag: which derivative functions one function gets (it wins over the run's list). */
import { functionName, jsDocsOf, type FunctionLike } from "../frontend/functions.js";
import { Codes, DiagnosticError, type Diagnostic } from "../diagnostics.js";
import { diagnosticAt } from "../frontend/source.js";
import { applies, derivativeKinds, parseDerivatives, type DerivativeKind } from "./derivatives.js";

/**
 * The kinds the tag lists, or undefined without a tag. A word that is not a
 * kind, or a kind that does not apply to the function (a Jacobian of a
 * function returning one number, a Hessian of a vector-valued one), is a
 * diagnostic at the tag.
 */
export function taggedDerivatives(displayPath: string, fn: FunctionLike, vectorValued: boolean): DerivativeKind[] | undefined {
  const tags = jsDocsOf(fn).flatMap((doc) => doc.getTags()).filter((t) => t.getTagName() === "derivatives");
  if (tags.length === 0) return undefined;
  const diagnostics: Diagnostic[] = [];
  const kinds = new Set<DerivativeKind>();
  for (const tag of tags) {
    const parsed = parseDerivatives(tag.getCommentText() ?? "");
    if ("unknown" in parsed) {
      diagnostics.push(diagnosticAt(displayPath, tag, Codes.BadDerivatives,
        `'@derivatives' names '${parsed.unknown}'; adgen generates ${derivativeKinds.join(", ")}`));
      continue;
    }
    if (parsed.kinds.length === 0) diagnostics.push(diagnosticAt(displayPath, tag, Codes.BadDerivatives, "'@derivatives' needs a list, e.g. '@derivatives grad, hvp'"));
    for (const kind of parsed.kinds) {
      if (applies(kind, vectorValued)) kinds.add(kind);
      else diagnostics.push(diagnosticAt(displayPath, tag, Codes.BadDerivatives, vectorValued
        ? `'${functionName(fn)}' returns more than one number: it has a Jacobian, not a${kind === "hvp" ? " Hessian-vector product" : " Hessian"}`
        : `'${functionName(fn)}' returns one number: its Jacobian is its gradient ('grad')`));
    }
  }
  if (diagnostics.length) throw new DiagnosticError(diagnostics);
  return derivativeKinds.filter((k) => kinds.has(k));
}
