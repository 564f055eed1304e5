/** Naming and marking the values and cells lowering makes. */
import { Node, ts } from "ts-morph";
import { Structural, type Value } from "../../ir/types.js";
import { cellsOf, type Aggregate, type Cell } from "../aggregate.js";

/** Gives a computed value the name of the source variable it is assigned to. */
export function named(v: Value, name: string): Value {
  if (v.nameKind === "temp" && v.def && v.def.kind !== Structural.Const) {
    v.name = name;
    v.nameKind = "source";
  }
  return v;
}

/** The name hint for values merged from a variable or a cell. */
export function keyName(key: ts.Node | Cell): string {
  return isCellKey(key) ? key.name : (key as ts.VariableDeclaration | ts.ParameterDeclaration | ts.BindingElement).name.getText();
}

export function isCellKey(key: ts.Node | Cell): key is Cell {
  return !("kind" in key);
}

/** Marks every cell of an aggregate as copied: a merge made a copy that no longer shares them. */
export function markCopied(a: Aggregate): void {
  for (const c of cellsOf(a)) c.copied = true;
}

/** A name hint for an aggregate literal: the variable it initialises, if any. */
export function hintOf(e: Node): string {
  const parent = e.getParent();
  return parent && Node.isVariableDeclaration(parent) && Node.isIdentifier(parent.getNameNode()) ? parent.getName() : "";
}
