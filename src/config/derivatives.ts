/**
 * Which derivative functions adgen generates: `grad` (the gradient, or the
 * VJP of a vector-valued function; the default), `jvp`, `hvp`, `jacobian`
 * and `hessian`. Chosen per run (`--derivatives grad,hvp`, or `derivatives`
 * in the configuration) and per function (`/** @derivatives grad, hvp *\/`,
 * which wins for its function).
 */

export const derivativeKinds = ["grad", "jvp", "hvp", "jacobian", "hessian"] as const;
export type DerivativeKind = (typeof derivativeKinds)[number];

export const defaultDerivatives: readonly DerivativeKind[] = ["grad"];

export function isDerivativeKind(word: string): word is DerivativeKind {
  return (derivativeKinds as readonly string[]).includes(word);
}

/** `"grad, hvp"` -> the kinds, or the first word that is not one. */
export function parseDerivatives(text: string): { kinds: DerivativeKind[] } | { unknown: string } {
  const words = text.split(/[\s,]+/).filter(Boolean);
  const unknown = words.find((w) => !isDerivativeKind(w));
  if (unknown !== undefined) return { unknown };
  return { kinds: derivativeKinds.filter((k) => words.includes(k)) };
}

/** What applies to a function: Hvp and Hessian to one returning a number, the Jacobian to a vector-valued one. */
export function applies(kind: DerivativeKind, vectorValued: boolean): boolean {
  if (kind === "hvp" || kind === "hessian") return !vectorValued;
  if (kind === "jacobian") return vectorValued;
  return true;
}

/**
 * The functions generated for the kinds asked for, with what they are built
 * on: the Hessian is one Hvp per coordinate, and the Jacobian takes columns
 * by Jvp or rows by the VJP.
 */
export function withDependencies(kinds: readonly DerivativeKind[]): Set<DerivativeKind> {
  const all = new Set(kinds);
  if (all.has("hessian")) all.add("hvp");
  if (all.has("jacobian")) {
    all.add("jvp");
    all.add("grad");
  }
  return all;
}
