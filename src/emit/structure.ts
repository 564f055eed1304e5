/**
 * Tuples and objects in the generated signature: reading the leaves of an
 * aggregate parameter (`model.w`, `p[0]`), and putting gradient leaves back
 * into the parameter's shape (`grad: { model: { w: dw, b: db } }`).
 */

export { accessText } from "../ir/shape.js";

/** A tree of named parts whose leaves are texts. */
type Tree = { leaf: string } | Map<string, Tree>;

/**
 * An object literal (or type) putting each leaf text at its path: levels
 * whose keys are 0, 1, ... are tuples (`[a, b]`), the rest objects. `sep`
 * is `,` for values and `;` for types.
 */
export function nestedText(paths: string[][], texts: string[], sep: "," | ";"): string {
  const root = new Map<string, Tree>();
  paths.forEach((path, i) => {
    let level = root;
    path.forEach((key, depth) => {
      if (depth === path.length - 1) {
        level.set(key, { leaf: texts[i]! });
      } else {
        if (!level.has(key)) level.set(key, new Map());
        level = level.get(key) as Map<string, Tree>;
      }
    });
  });
  const render = (tree: Tree): string => {
    if (!(tree instanceof Map)) return tree.leaf;
    const keys = [...tree.keys()];
    if (keys.length > 0 && keys.every((k, i) => k === String(i))) return `[${keys.map((k) => render(tree.get(k)!)).join(", ")}]`;
    return `{ ${keys.map((k) => `${k}: ${render(tree.get(k)!)}`).join(`${sep} `)} }`;
  };
  return render(root);
}
