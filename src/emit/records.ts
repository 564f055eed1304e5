/**
 * Arrays of tuples and objects at the generated API's boundary. Inside, such
 * an array is one array per leaf of its element (`Param.element` says where
 * a leaf's path leaves the array for the element); outside, the caller passes
 * and receives arrays of objects. So the entry reads each leaf's array from
 * the caller's (`points.map((e) => e.x)`), and the gradient is built back
 * into the parameter's shape: `Grad` makes `points.map(() => ({ x: 0, y: 0 }))`,
 * `GradInto` adds each leaf's adjoints into the caller's elements.
 */
import { recordsDepth } from "../ir/shape.js";
import type { Param, Shape } from "../ir/types.js";
import { accessText, nestedText } from "./structure.js";

/** A parameter leaf as generated code reads it: `model.w`, or a leaf of an array of tuples or objects as an array of its own. */
export function leafText(path: string[], element: number | undefined): string {
  if (element === undefined) return accessText(path);
  return `${accessText(path.slice(0, element))}.map((e) => ${accessText(["e", ...path.slice(element)])})`;
}

/** An entry of a gradient-shaped literal or type: a leaf's path, where it leaves an array of records, and its text. */
export interface Entry {
  path: string[];
  element: number | undefined;
  text: string;
}

/** One array of tuples or objects among the entries: its path, and its leaves' paths within the element and texts. */
export interface Group {
  array: string[];
  leaves: string[][];
  texts: string[];
}

/**
 * The entries with the leaves of each array of tuples or objects replaced
 * by one entry at the array's path (where its first leaf was), whose text
 * `text(group)` makes; for `nestedText`.
 */
export function grouped(entries: Entry[], text: (g: Group) => string): { paths: string[][]; texts: string[] } {
  const groups = new Map<string, Group>();
  const out: (Entry | Group)[] = [];
  for (const e of entries) {
    if (e.element === undefined) {
      out.push(e);
      continue;
    }
    const array = e.path.slice(0, e.element);
    const key = JSON.stringify(array);
    let g = groups.get(key);
    if (!g) {
      g = { array, leaves: [], texts: [] };
      groups.set(key, g);
      out.push(g);
    }
    g.leaves.push(e.path.slice(e.element));
    g.texts.push(e.text);
  }
  return {
    paths: out.map((o) => ("array" in o ? o.array : o.path)),
    texts: out.map((o) => ("array" in o ? text(o) : o.text)),
  };
}

/** `nestedText` of the entries, each array of records given by `text(group)`. */
export function nestedEntries(entries: Entry[], text: (g: Group) => string, sep: "," | ";"): string {
  const { paths, texts } = grouped(entries, text);
  // A whole value that is an array of tuples or objects (a result `Point[]`) is its group's text.
  if (paths.length === 1 && paths[0]!.length === 0) return texts[0]!;
  return nestedText(paths, texts, sep);
}

/** The type of an array of records' gradient: `{ x: number; y: number }[]` (the element's leaves are numbers). */
export function groupType(g: Group): string {
  return `${nestedText(g.leaves, g.leaves.map(() => "number"), ";")}[]`;
}

/** Zeros in an array of records' shape, one element per element of `source` (the argument). */
export function groupZeros(source: string, g: Group): string {
  return `${source}.map(() => (${nestedText(g.leaves, g.leaves.map(() => "0"), ",")}))`;
}

/** A fresh array of records from its leaves' arrays (`texts`): `Array.from(dx, (_, at) => ({ x: dx[at]!, y: dy[at]! }))`. */
export function groupValue(g: Group): string {
  return `Array.from(${g.texts[0]!}, (_, at) => (${nestedText(g.leaves, g.texts.map((t) => `${t}[at]!`), ",")}))`;
}

/** `GradInto`'s adding of an array of records' adjoints into the caller's elements (`buffer` is the array's path from `grad`). */
export function groupAdds(buffer: string[], g: Group): string[] {
  return [
    `for (let at = 0; at < ${g.texts[0]!}.length; at++) {`,
    `const e = ${accessText(buffer)}[at]!;`,
    ...g.leaves.map((leaf, i) => `${accessText(["e", ...leaf])} += ${g.texts[i]!}[at]!;`),
    "}",
  ];
}

/** The `element` of the parameter leaf a gradient entry is for. */
export function elementOf(params: Param[], name: string): number | undefined {
  return params.find((p) => p.name === name)?.element;
}

/** A tuple or object result from its leaves' texts, an array of tuples or objects among them built element by element. */
export function resultText(shape: Shape | undefined, paths: string[][], texts: string[]): string {
  const entries = paths.map((path, i) => ({ path, element: shape && recordsDepth(shape, path), text: texts[i]! }));
  return nestedEntries(entries, groupValue, ",");
}
