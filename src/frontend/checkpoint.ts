/**
 * The `@checkpoint` tag on a loop: `/** @checkpoint *\/` (or `@checkpoint 20`,
 * the number of snapshots) in a JSDoc comment directly before a `for`,
 * `for...of` or `while` loop of a differentiated function asks for the loop
 * to be reversed from snapshots of its state (ad/reverse/checkpoint.ts)
 * instead of a tape of every trip. The subset check holds the loop to what
 * that needs from its source; what only the IR shows (a trip count known at
 * the loop's entry, the arrays it writes) is checked where the loop is reversed.
 */
import { Node, SyntaxKind, ts } from "ts-morph";
import { Codes } from "../diagnostics.js";
import type { FenceContext } from "./fence/context.js";
import type { FunctionLike } from "./functions.js";
import { hasBreak, hasReturn } from "./lower/syntax.js";

/** The `@checkpoint` tags of the JSDoc comments directly before a statement. */
function checkpointTags(statement: Node): ts.JSDocTag[] {
  const docs = (statement.compilerNode as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
  return docs.flatMap((d) => [...(d.tags ?? [])]).filter((t) => t.tagName.text === "checkpoint");
}

/** The tag's number of snapshots (0: none written, the default; NaN: not a whole number of at least 1), or undefined without a tag. */
export function checkpointOf(statement: Node): number | undefined {
  const tag = checkpointTags(statement)[0];
  if (!tag) return undefined;
  const text = ts.getTextOfJSDocComment(tag.comment)?.trim() ?? "";
  return text === "" ? 0 : /^[1-9][0-9]*$/.test(text) ? Number(text) : NaN;
}

/** One diagnostic for a tag that cannot apply to its loop, saying what to write instead. */
export function checkCheckpoint(cx: FenceContext, loop: Node, fn: FunctionLike, stack: FunctionLike[]): void {
  const snapshots = checkpointOf(loop);
  if (snapshots === undefined) return;
  const at = loop.getFirstChildByKind(SyntaxKind.JSDoc) ?? loop;
  const reason = rejection(loop, snapshots, fn, stack);
  if (reason) cx.report(at, Codes.BadCheckpoint, reason);
}

function rejection(loop: Node, snapshots: number, fn: FunctionLike, stack: FunctionLike[]): string | undefined {
  if (Number.isNaN(snapshots)) {
    return "'@checkpoint' takes the number of snapshots to keep, a whole number of at least 1 ('@checkpoint 20'), or nothing for the default";
  }
  if (Node.isDoStatement(loop)) {
    return "a checkpointed loop needs its trip count when it starts, which a 'do ... while' loop does not give; write it as 'for (let i = 0; i < n; i++)'";
  }
  if (hasReturn(loop)) {
    return "a checkpointed loop must run all its trips, and a 'return' inside it can leave early; keep the result in a variable and return after the loop, or remove '@checkpoint'";
  }
  if (hasBreak(loop)) {
    return "a checkpointed loop must run all its trips, and a 'break' can leave early; write the exit as the loop's condition with a bound known when it starts, or remove '@checkpoint'";
  }
  if (stack.length !== 1 || stack[0] !== fn) {
    return "'@checkpoint' applies to a loop of the differentiated function itself, not of a helper it calls; move the loop into that function, or remove '@checkpoint'";
  }
  for (let up = loop.getParent(); up && up !== fn; up = up.getParent()) {
    if (Node.isIterationStatement(up)) {
      return "'@checkpoint' applies to a loop that is not inside another loop; put it on the outer loop, or remove it";
    }
  }
  return undefined;
}
