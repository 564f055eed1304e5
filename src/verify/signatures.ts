/** The exported functions adgen differentiates, with their parameter types, read with the compiler's front end. */
import { isClassMember } from "../frontend/functions.js";
import { Node, type Type } from "ts-morph";
import { hasReceiver, receiverName } from "../frontend/classes.js";
import { DiagnosticError } from "../diagnostics.js";
import { fence, findEntries, type Entry } from "../frontend/fence.js";
import type { Rules } from "../frontend/rules.js";
import { loadSource, syntaxDiagnostics, valueType } from "../frontend/source.js";
import { differentiatedParameters, lowerEntry } from "../compile.js";
import type { InputType } from "./random.js";

export interface Signature {
  /** The name the gradient is named after (`<name>Grad`). */
  name: string;
  /** The name the source module exports the function by ("default" for its default export). */
  exportName: string;
  parameters: { name: string; type: InputType }[];
  /** It returns an array, tuple or object of numbers (a `<name>Vjp`), not a number (`<name>Grad`). */
  vector: boolean;
  /**
   * The parameters adgen differentiates, which `grad` must hold: the `@wrt`
   * list or those the result depends on differentiably. Undefined when adgen
   * cannot compile the function (a gradient written by hand for a function
   * outside the subset); grad's keys are then checked numerically instead.
   */
  wrt?: string[];
  /** For a method or getter of a class (`Vec2.dot`, named `Vec2Dot`): where it is; its receiver is the first parameter. */
  member?: { className: string; name: string; getter: boolean; isStatic: boolean };
}

/** One entry per function that gets a gradient. */
export function readSignatures(sourcePath: string): Signature[] {
  const sf = loadSource(sourcePath);
  const checked = syntaxDiagnostics(sourcePath, sf).length === 0 ? fence(sourcePath, sf) : undefined;
  const rules = checked && checked.diagnostics.length === 0 ? checked.rules : undefined;
  return findEntries(sf).map((entry) => {
    const { fn } = entry;
    const wrt = rules && differentiated(sourcePath, entry, rules);
    const member = isClassMember(fn) && !Node.isConstructorDeclaration(fn) ? fn : undefined;
    // A method's receiver comes first, as in its gradient (an object of the class's fields: given samples only).
    const self = member && hasReceiver(member) ? [{ name: receiverName(member), type: inputType(member.getParentOrThrow().getType(), entry.exportName) }] : [];
    return {
      name: entry.name,
      exportName: entry.exportName,
      ...(member ? { member: { className: entry.exportName, name: member.getName(), getter: Node.isGetAccessorDeclaration(member), isStatic: !hasReceiver(member) } } : {}),
      parameters: [...self, ...fn.getParameters().map((p) => ({ name: p.getName(), type: inputType(p.getType(), p.getTypeNode()?.getText()) }))],
      vector: valueType(fn.getReturnType()) !== "f64",
      ...(wrt ? { wrt } : {}),
    };
  });
}

/**
 * The source function a signature is: the export itself, or for a member of
 * a class a function taking the receiver first (`(self, o) => self.dot(o)`).
 */
export function sourceCallable(source: Record<string, unknown>, signature: Signature): unknown {
  const m = signature.member;
  if (!m) return source[signature.exportName];
  const cls = source[m.className] as Record<string, unknown> | undefined;
  if (typeof cls !== "function") return undefined;
  if (m.isStatic) return (...args: unknown[]) => (cls[m.name] as (...a: unknown[]) => unknown)(...args);
  return (self: Record<string, unknown>, ...args: unknown[]) => (m.getter ? self[m.name] : (self[m.name] as (...a: unknown[]) => unknown)(...args));
}

/** What `generate` differentiates `fn` with respect to, or undefined when it cannot compile it. */
function differentiated(sourcePath: string, entry: Entry, rules: Rules): string[] | undefined {
  try {
    return differentiatedParameters(sourcePath, entry.fn, lowerEntry(sourcePath, entry, rules));
  } catch (error) {
    if (error instanceof DiagnosticError) return undefined;
    throw error;
  }
}

/** The compiler's own reading of the type, as a recipe for random inputs. */
function inputType(type: Type, written = type.getText()): InputType {
  const number: InputType = { kind: "number" };
  switch (valueType(type)) {
    case "f64": return number;
    case "bool": return { kind: "boolean" };
    case "Float64Array": return { kind: "float64array" };
    case "f64[]": return { kind: "array", element: number };
    case "f64[][]": return { kind: "array", element: { kind: "array", element: number } };
    default: return { kind: "unsupported", text: written };
  }
}
