/**
 * What a call may change in its caller: the variables declared outside the
 * function that it (or a function it calls, or a function passed to it)
 * assigns, and the fields of tuples and objects declared outside it that it
 * writes. Closures write their outer variables (`const bump = () => { n++; }`),
 * so an inlined call yields these beside its result, and a loop that calls
 * such a function carries them from trip to trip.
 */
import { Node, SyntaxKind, ts } from "ts-morph";
import { cellsOf, isAggregate, isFunctionValue, isMissing, type Binding, type Cell, type Env } from "../aggregate.js";
import { functionExpression, staticCallee, type FunctionLike } from "../functions.js";
import { isAssignmentOperator } from "../subset.js";
import { constructedClass, constructorOf, getterOf, hasReceiver, methodOf, thisOwner } from "../classes.js";
import { descendants, descendantsOfKind } from "../descendants.js";

/** The assignment targets in a subtree: `x` of `x = ...`, `x += ...`, `x++`. */
function assignmentTargets(root: Node): Node[] {
  const targets: Node[] = [];
  for (const d of descendants(root)) {
    if (Node.isBinaryExpression(d) && isAssignmentOperator(d.getOperatorToken().getKind())) {
      const left = d.getLeft();
      targets.push(...(Node.isArrayLiteralExpression(left) ? left.getElements() : [left]));
    }
    else if ((Node.isPrefixUnaryExpression(d) || Node.isPostfixUnaryExpression(d))
      && (d.getOperatorToken() === SyntaxKind.PlusPlusToken || d.getOperatorToken() === SyntaxKind.MinusMinusToken)) targets.push(d.getOperand());
    // A method may write its receiver's fields (`p.move(dt)`).
    else if (Node.isCallExpression(d) && methodOf(d.getExpression()) && hasReceiver(methodOf(d.getExpression())!)) targets.push(d.getExpression());
  }
  return targets;
}

/** The identifier an assignment target is rooted in (`p` of `p.x[0]`), and whether it is the whole target. */
function rootOf(target: Node): { id: Node; whole: boolean } | undefined {
  let node = target;
  while (Node.isPropertyAccessExpression(node) || Node.isElementAccessExpression(node) || Node.isParenthesizedExpression(node) || Node.isNonNullExpression(node)) {
    node = node.getExpression();
  }
  return Node.isIdentifier(node) || Node.isThisExpression(node) ? { id: node, whole: node === target } : undefined;
}

/** The functions a subtree calls that are known: named ones, ones held by parameters (in `env`), and ones passed as arguments. */
function calledFunctions(root: Node, env: Env): FunctionLike[] {
  const found: FunctionLike[] = [];
  for (const call of descendantsOfKind(root, SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    const held = Node.isIdentifier(callee) ? bindingOf(callee, env) : undefined;
    const fn = isFunctionValue(held) ? held.function : staticCallee(callee) ?? methodOf(callee);
    if (fn) found.push(fn);
    for (const a of call.getArguments()) {
      const passed = functionExpression(a) ?? (Node.isIdentifier(a) ? (isFunctionValue(bindingOf(a, env)) ? (bindingOf(a, env) as { function: FunctionLike }).function : staticCallee(a)) : undefined);
      if (passed) found.push(passed);
    }
  }
  for (const e of descendantsOfKind(root, SyntaxKind.NewExpression)) {
    const cls = constructedClass(e);
    const ctor = cls && constructorOf(cls);
    if (ctor) found.push(ctor);
  }
  for (const e of descendantsOfKind(root, SyntaxKind.PropertyAccessExpression)) {
    const getter = getterOf(e);
    if (getter) found.push(getter);
  }
  return found;
}

function bindingOf(id: Node, env: Env): Binding | undefined {
  const decl = id.getSymbol()?.getDeclarations()[0];
  return decl ? env.get(decl.compilerNode) : undefined;
}

/**
 * The variables (declaration nodes) and cells that running `root` may
 * change and that `env` holds, where `inside` tells the declarations that
 * are `root`'s own. `extra` are functions passed in (a call's function
 * arguments), which run as part of it.
 */
export function outerWrites(root: Node, env: Env, inside: (decl: Node) => boolean, extra: FunctionLike[] = []): (ts.Node | Cell)[] {
  const keys = new Set<ts.Node | Cell>();
  const seen = new Set<Node>();
  const work: Node[] = [root, ...extra];
  while (work.length) {
    const node = work.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    for (const target of assignmentTargets(node)) {
      const root = rootOf(target);
      // `this` inside a method belongs to the method (or, in an arrow function, to the method around it).
      const decl = root && Node.isThisExpression(root.id) ? thisOwner(root.id) : root?.id.getSymbol()?.getDeclarations()[0];
      if (!root || !decl || inside(decl)) continue;
      const bound = env.get(decl.compilerNode);
      if (bound === undefined || isMissing(bound) || isFunctionValue(bound)) continue;
      // A variable assigned whole (a tuple or object too: `previous = [x, y]`) is carried as a variable.
      if (root.whole) keys.add(decl.compilerNode);
      else if (isAggregate(bound)) for (const c of cellsOf(bound)) keys.add(c);
    }
    work.push(...calledFunctions(node, env));
  }
  return [...keys];
}
