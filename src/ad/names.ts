/** Name hints of the values the derivative transforms make, from the values they belong to. */
import { Structural, type Value } from "../ir/types.js";

/** `dx` for `x`, `dLoss` for `loss`: the adjoint's name hint. */
export function adjointName(v: Value): string {
  const base = v.name || "t";
  return base.length === 1 ? `d${base}` : `d${base[0]!.toUpperCase()}${base.slice(1)}`;
}

/** Gives a computed temporary the name of the value it stands for. */
export function nameLike(v: Value, like: Value): Value {
  if (v.nameKind === "temp" && like.nameKind !== "temp" && v.def?.kind !== Structural.Const) {
    v.name = like.name;
    v.nameKind = like.nameKind;
  }
  return v;
}
