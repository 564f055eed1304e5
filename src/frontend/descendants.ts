/**
 * A node's descendants, as ts-morph's `getDescendants()` and
 * `getDescendantsOfKind()` give them (the same nodes in the same order), by
 * an explicit stack. ts-morph yields them from nested generators, one per
 * level, so each node costs its depth: in a sum of 2,000 terms (a
 * left-deep chain of 2,000 `+`), one call took seconds, and compiling the
 * sum grew with the square of its length.
 */
import { Node, SyntaxKind, type KindToNodeMappings } from "ts-morph";

/** Every descendant, tokens and JSDoc included, in document order: `root.getDescendants()`. */
export function descendants(root: Node): Node[] {
  return walk(root, (n) => n.getChildren());
}

/**
 * The descendants of one kind, in document order: `root.getDescendantsOfKind(kind)`.
 * A kind of node (not a token or JSDoc) is looked for in the parse tree, as
 * ts-morph does; a token kind (an identifier) among all children.
 */
export function descendantsOfKind<K extends SyntaxKind>(root: Node, kind: K): KindToNodeMappings[K][] {
  const parseTree = kind >= SyntaxKind.FirstNode && kind < SyntaxKind.FirstJSDocNode && root.getKind() !== SyntaxKind.SyntaxList;
  const children = parseTree ? forEachChildren : (n: Node) => n.getChildren();
  return walk(root, children).filter((n) => n.getKind() === kind) as KindToNodeMappings[K][];
}

function forEachChildren(n: Node): Node[] {
  const children: Node[] = [];
  n.forEachChild((child) => {
    children.push(child);
  });
  return children;
}

/** The nodes below `root` in pre-order, each node's children given by `children`. */
function walk(root: Node, children: (n: Node) => Node[]): Node[] {
  const out: Node[] = [];
  const stack = children(root).reverse();
  while (stack.length) {
    const n = stack.pop()!;
    out.push(n);
    const below = children(n);
    for (let i = below.length - 1; i >= 0; i--) stack.push(below[i]!);
  }
  return out;
}
